import Foundation
import Testing
import TestSupport

/// The real binary as a process: what the operator sees.
@Suite(.liveSockets) struct ServeProcessTests {
  @Test func answersHealthzAndServesTheIndexPage() async throws {
    let server = try await ServerProcess.start()
    let client = try TestClient(port: server.port)
    try client.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
    let health = try await client.readResponse()
    #expect(health.status == 200)
    #expect(health.text == #"{"status":"ok"}"#)
    try client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
    let page = try await client.readResponse()
    #expect(page.status == 200)
    #expect(page.header("Content-Type") == "text/html; charset=utf-8")
    try await Task.sleep(for: .milliseconds(100))
    #expect(server.log.contains("GET /healthz 200 15B"), "an access-log line per request")
    await server.stop()
  }

  @Test(arguments: [SIGTERM, SIGINT])
  func finishesRequestsInFlightOnSignalThenExitsZero(signal: Int32) async throws {
    let server = try await ServerProcess.start()
    let idle = try TestClient(port: server.port)
    try idle.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
    #expect(try await idle.readResponse().status == 200)
    // A client that goes away before reading must not kill the process (SIGPIPE).
    for _ in 0..<5 {
      let rude = try TestClient(port: server.port)
      try rude.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\nGET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
    }
    try await Task.sleep(for: .milliseconds(200))
    server.signal(signal)
    #expect(await idle.waitForClose())
    #expect(await server.waitForExit() == 0)
    #expect(server.log.contains("shutting down"))
  }

  @Test func survivesRunningOutOfFileDescriptors() async throws {
    let server = try await ServerProcess.start(shellPrefix: "ulimit -n 64;")
    var clients: [TestClient] = []
    for _ in 0..<120 {
      if let client = try? TestClient(port: server.port, timeout: 2) { clients.append(client) }
    }
    try await Task.sleep(for: .milliseconds(300))
    #expect(server.process.isRunning)
    clients.removeAll()
    try await Task.sleep(for: .milliseconds(500))
    let client = try TestClient(port: server.port)
    try client.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
    #expect(try await client.readResponse().status == 200)
    #expect(server.process.isRunning)
    server.signal(SIGTERM)
    #expect(await server.waitForExit() == 0)
  }

  @Test func rejectsBadFlagsWithAUsageError() async throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: ServerProcess.binaryPath)
    process.arguments = ["serve", "--port", "70000"]
    process.standardError = FileHandle.nullDevice
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus != 0)
  }

  func post(_ port: Int, _ body: String, wait: Int? = nil) async throws -> [String: Any] {
    let client = try TestClient(port: port, timeout: 60)
    let prefer = wait.map { "Prefer: wait=\($0)\r\n" } ?? ""
    try client.send("POST /jobs/matmul HTTP/1.1\r\nHost: t\r\n\(prefer)Content-Length: \(body.utf8.count)\r\n\r\n\(body)")
    return try await client.readResponse().json ?? [:]
  }

  func get(_ port: Int, _ target: String) async throws -> TestResponse {
    let client = try TestClient(port: port, timeout: 60)
    try client.send("GET \(target) HTTP/1.1\r\nHost: t\r\n\r\n")
    return try await client.readResponse()
  }

  @Test func keepsFinishedJobsAndRecoversTheRestAfterKill9() async throws {
    let first = try await ServerProcess.start()
    let done = try await post(first.port, #"{"n":24,"backend":"blas"}"#, wait: 30)
    let doneID = try #require(done["id"] as? String)
    #expect(done["status"] as? String == "succeeded")
    let running = try await post(first.port, #"{"n":2000,"backend":"cpu-naive","repeats":10}"#)
    let runningID = try #require(running["id"] as? String)
    let queued = try await post(first.port, #"{"n":40,"backend":"cpu-naive","seed":9}"#)
    let queuedID = try #require(queued["id"] as? String)
    for _ in 0..<100 {
      if (try await get(first.port, "/jobs/\(runningID)")).json?["status"] as? String == "running" { break }
      try await Task.sleep(for: .milliseconds(50))
    }
    first.signal(SIGKILL)
    _ = await first.waitForExit()

    let second = try await ServerProcess.start(dataDirectory: first.dataDirectory)
    let kept = try await get(second.port, "/jobs/\(doneID)")
    #expect(kept.json?["status"] as? String == "succeeded")
    #expect(try await get(second.port, "/jobs/\(doneID)/result").status == 200)
    let interrupted = try await get(second.port, "/jobs/\(runningID)")
    #expect(interrupted.json?["status"] as? String == "failed")
    #expect(interrupted.text.contains("interrupted by restart"))
    let rerun = try await get(second.port, "/jobs/\(queuedID)?wait=30")
    #expect(rerun.json?["status"] as? String == "succeeded")
    second.signal(SIGTERM)
    #expect(await second.waitForExit() == 0)
  }
}
