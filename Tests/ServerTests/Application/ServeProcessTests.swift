import Foundation
import Testing
import TestSupport

/// The real binary as a process: what the operator sees.
@Suite struct ServeProcessTests {
  @Test func answersHealthzAndServesTheIndexPage() async throws {
    let server = try ServerProcess()
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
    let server = try ServerProcess()
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
    let server = try ServerProcess(shellPrefix: "ulimit -n 64;")
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
}
