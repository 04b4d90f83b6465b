import Foundation
import Compute
import Testing
import TestSupport

/// The real binary as a process: what the operator sees.
@Suite(.liveSockets) struct ServeProcessTests {
  // Where OpenBLAS falls back to its oldest kernels on this CPU (as Debian 12's does on a recent
  // Xeon), the served process has restarted with a set the CPU supports and says so in its log.
  @Test func runsOpenBLASWithKernelsThisCPUSupports() async throws {
    let server = try await ServerProcess.start()
    let devices = try await get(server.port, "/devices")
    let served = (devices.json?["blas"] as? [String: Any])?["corename"] as? String
    let here = BLAS.info.corename
    if let wanted = BLASKernelChoice.replacement(
      corename: here, cpuFlags: BLASKernelChoice.cpuFlags(), environment: ProcessInfo.processInfo.environment)
    {
      #expect(served?.lowercased() == wanted.lowercased(), "\(served ?? "nil") (this test process: \(here ?? "nil"))")
      #expect(server.log.contains("restarted with OPENBLAS_CORETYPE=\(wanted)"), "\(server.log)")
    } else {
      #expect(served == here)
    }
    server.signal(SIGTERM)
    #expect(await server.waitForExit() == 0)
  }

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
    // The access log is written in batches, at least once a second.
    var logged = false
    for _ in 0..<30 where !logged {
      try await Task.sleep(for: .milliseconds(100))
      logged = server.log.contains(#""GET /healthz HTTP/1.1" 200 15 "#)
    }
    #expect(logged, "a Common Log Format line per request: \(server.log)")
    await server.stop()
  }

  // Hardening, the access log: written by a background writer, flushed at shutdown, so SIGTERM
  // loses no line; JSON lines on request; off on request.
  @Test func theAccessLogLosesNoLineOnSIGTERM_AndSpeaksJSON() async throws {
    let file = NSTemporaryDirectory() + "hpclab-access-\(UUID().uuidString).log"
    let server = try await ServerProcess.start(arguments: ["--access-log", file, "--access-log-format", "json"])
    for index in 0..<50 {
      let client = try TestClient(port: server.port)
      try client.send("GET /healthz?n=\(index) HTTP/1.1\r\nHost: t\r\n\r\n")
      #expect(try await client.readResponse().status == 200)
    }
    server.signal(SIGTERM)
    #expect(await server.waitForExit() == 0)
    let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n")
    #expect(lines.count == 50, "every request answered before SIGTERM is in the log")
    let first = try #require(lines.first.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] })
    #expect(first["target"] as? String == "/healthz?n=0" && first["status"] as? Int == 200 && first["route"] as? String == "/healthz")
    #expect(!server.log.contains("/healthz?n="), "nothing of it on stderr")
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
    #expect(server.process.isRunning, "the server's log: \(server.log)")
    clients.removeAll()
    try await Task.sleep(for: .milliseconds(500))
    let client = try TestClient(port: server.port)
    try client.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
    #expect(try await client.readResponse().status == 200)
    #expect(server.process.isRunning)
    server.signal(SIGTERM)
    #expect(await server.waitForExit() == 0)
  }

  // CUDA issue: a --cuda-library-path folder without the libraries is a clear error at start,
  // not a crash and not a server that silently ignores it.
  @Test func aCUDALibraryPathWithoutTheLibrariesStopsTheStartWithAClearError() async throws {
    let empty = NSTemporaryDirectory() + "hpclab-nocuda-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: empty) }
    let process = Process()
    let errors = Pipe()
    process.executableURL = URL(fileURLWithPath: ServerProcess.binaryPath)
    process.arguments = ["serve", "--port", "0", "--cuda-library-path", empty]
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus != 0)
    #expect(process.terminationReason == .exit, "an exit, not a signal")
    #expect(text.contains("--cuda-library-path \(empty)") && text.contains("libcublas"), "\(text)")
  }

  /// A bad flag stops the start with a usage error (exit 64) before anything runs: a port out of
  /// range, a database address that is not postgres://, a worker without a database.
  @Test(arguments: [
    ["serve", "--port", "70000"], ["serve", "--database", "mysql://db/jobs"], ["serve", "--max-attempts", "0"],
    ["worker"], ["worker", "--database", "postgres://127.0.0.1/x", "--lease-seconds", "0"],
  ])
  func rejectsBadFlagsWithAUsageError(arguments: [String]) async throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: ServerProcess.binaryPath)
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("HPCLAB_") }
    process.standardError = FileHandle.nullDevice
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 64, "\(arguments)")
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

  // Hardening finding 8: a damaged database stops the server with a clear message.
  @Test func refusesToStartOnADamagedDatabase_SayingWhatToDo() async throws {
    let first = try await ServerProcess.start()
    _ = try await post(first.port, #"{"n":8}"#, wait: 30)
    first.signal(SIGTERM)
    _ = await first.waitForExit()
    let path = first.dataDirectory + "/hpclab.sqlite"
    let checkpoint = Process()  // everything into the main file first, so that half of it is half the data
    checkpoint.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
    checkpoint.arguments = [path, "PRAGMA wal_checkpoint(TRUNCATE);"]
    checkpoint.standardOutput = FileHandle.nullDevice
    try checkpoint.run()
    checkpoint.waitUntilExit()
    let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
    let handle = try #require(FileHandle(forUpdatingAtPath: path))
    try handle.truncate(atOffset: UInt64(size / 2))
    try handle.close()
    for journal in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + journal) }  // cut in half, as copied
    do {
      let second = try await ServerProcess.start(dataDirectory: first.dataDirectory)
      Issue.record("a server started on a damaged database: \(second.log)")
      await second.stop()
    } catch {
      #expect("\(error)".contains("damaged"), "\(error)")
    }
  }

  // Hardening finding 9 (and 8's orphans): files a crash left in results/ are removed at start.
  @Test func removesTemporaryAndOrphanedResultFilesAtStart() async throws {
    let first = try await ServerProcess.start()
    let done = try await post(first.port, #"{"n":8}"#, wait: 30)
    let id = try #require(done["id"] as? String)
    first.signal(SIGTERM)
    _ = await first.waitForExit()
    let results = first.dataDirectory + "/results"
    for stray in [".\(id).npy.tmp-4711", "0123456789abcdef.npy", "partial.tmp"] {
      _ = FileManager.default.createFile(atPath: results + "/" + stray, contents: Data("x".utf8))
    }
    let second = try await ServerProcess.start(dataDirectory: first.dataDirectory)
    let left = try FileManager.default.contentsOfDirectory(atPath: results)
    #expect(left == ["\(id).npy"], "\(left)")
    #expect(try await get(second.port, "/jobs/\(id)/result").status == 200)
    second.signal(SIGTERM)
    #expect(await second.waitForExit() == 0)
  }

  /// Whether this process may make a mount namespace with a small tmpfs (root, unshare, mount).
  static let canMountTmpfs: Bool = {
    guard getuid() == 0 else { return false }
    let probe = Process()
    probe.executableURL = URL(fileURLWithPath: "/bin/sh")
    probe.arguments = ["-c", "d=$(mktemp -d) && unshare -m sh -c \"mount -t tmpfs -o size=1m tmpfs $d\""]
    probe.standardError = FileHandle.nullDevice
    probe.standardOutput = FileHandle.nullDevice
    guard (try? probe.run()) != nil else { return false }
    probe.waitUntilExit()
    return probe.terminationStatus == 0
  }()

  // Hardening finding 5: a full disk fails the job whose result cannot be written, and new work
  // that cannot fit is a 507 with Retry-After, never a job left running or a bare 500.
  @Test(.enabled(if: canMountTmpfs, "needs root, unshare and mount for a tmpfs in a mount namespace"))
  func aFullDiskFailsTheJobClearly_AndRefusesNewWorkWith507() async throws {
    let directory = NSTemporaryDirectory() + "hpclab-full-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    // Inside a private mount namespace: a 16 MiB tmpfs as the data directory (the database and
    // its corpus index take about 3 MiB of it).
    let server = try await ServerProcess.start(
      dataDirectory: directory, shellPrefix: "exec unshare -m sh -c 'mount -t tmpfs -o size=16m tmpfs \(directory) && exec \"$@\"'")
    // Two 1400×1400 float32 results of 7.8 MB each: both fit the free space when they are
    // accepted, but once the first is written the second cannot be.
    let body = #"{"n":1400,"repeats":1}"#
    let first = try await post(server.port, body)
    let second = try await post(server.port, body)
    let firstID = try #require(first["id"] as? String, "\(first)")
    let secondID = try #require(second["id"] as? String, "\(second)")
    let one = try await get(server.port, "/jobs/\(firstID)?wait=60")
    let other = try await get(server.port, "/jobs/\(secondID)?wait=60")
    let statuses = [one.json?["status"] as? String, other.json?["status"] as? String]
    #expect(statuses.contains("succeeded"), "\(one.text) \(other.text)")
    #expect(statuses.contains("failed"), "the job whose result did not fit failed: \(one.text) \(other.text)")
    let failed = one.json?["status"] as? String == "failed" ? one : other
    #expect(failed.text.contains("disk is full"), "\(failed.text)")
    // New work that cannot fit is refused before it runs.
    let client = try TestClient(port: server.port, timeout: 30)
    try client.send("POST /jobs/matmul HTTP/1.1\r\nHost: t\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
    let refused = try await client.readResponse()
    #expect(refused.status == 507, "\(refused.text)")
    #expect(refused.header("Retry-After") != nil)
    #expect(refused.header("Content-Type") == "application/problem+json")
    let running = try await get(server.port, "/jobs?status=running")
    #expect((running.json?["jobs"] as? [Any])?.isEmpty == true, "no job is left running")
    let health = try await get(server.port, "/healthz")
    #expect(health.status == 200)
    server.signal(SIGTERM)
    #expect(await server.waitForExit() == 0)
  }

  // GPU issue: a host whose sysfs reports a 320 MiB L3 (a fake cache directory bind-mounted over
  // cpu0's in a private mount namespace): every kind's defaults are accepted, none refused, and
  // bandwidth, whose default once asked for 3.77 GiB, runs with n capped and says so.
  @Test(.enabled(if: canMountTmpfs, "needs root, unshare and mount for a bind mount in a mount namespace"))
  func everyKindRunsItsDefaultsOnAHostWithA320MiBL3() async throws {
    let fake = NSTemporaryDirectory() + "hpclab-cache-\(UUID().uuidString)"
    for (index, level, type, size) in [(0, 1, "Data", "48K"), (1, 1, "Instruction", "32K"), (2, 2, "Unified", "2048K"), (3, 3, "Unified", "327680K")] {
      let directory = "\(fake)/index\(index)"
      try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
      try "\(level)\n".write(toFile: directory + "/level", atomically: true, encoding: .utf8)
      try "\(type)\n".write(toFile: directory + "/type", atomically: true, encoding: .utf8)
      try "\(size)\n".write(toFile: directory + "/size", atomically: true, encoding: .utf8)
    }
    defer { try? FileManager.default.removeItem(atPath: fake) }
    let server = try await ServerProcess.start(
      arguments: ["--rate-limit", "0"],
      shellPrefix: "exec unshare -m sh -c 'mount --bind \(fake) /sys/devices/system/cpu/cpu0/cache && exec \"$@\"'")
    let kinds = try #require(try await get(server.port, "/jobs/kinds").json?["kinds"] as? [[String: Any]])
    let bandwidth = try #require(kinds.first { $0["kind"] as? String == "bandwidth" })
    let n = (bandwidth["parameters"] as? [[String: Any]])?.first { $0["name"] as? String == "n" }?["default"] as? Int
    // 4 × 320 MiB / 8 bytes wanted, capped by the 1 GiB budget: the server read the fake L3.
    #expect((n ?? 0) > 30_000_000 && (n ?? 0) < 167_772_160, "n default \(n ?? -1)")
    var ids: [String: String] = [:]
    // Every kind this machine can run (those needing CUDA say so in /jobs/kinds and are refused).
    for kind in kinds.filter({ $0["available"] as? Bool == true }).compactMap({ $0["kind"] as? String }) where kind != "matmul" {
      let client = try TestClient(port: server.port, timeout: 60)
      try client.send("POST /jobs/\(kind) HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\n{}")
      let response = try await client.readResponse()
      #expect(response.status == 202, "\(kind) with {}: \(response.text)")
      ids[kind] = response.json?["id"] as? String
    }
    for (kind, id) in ids where kind != "bandwidth" {
      let client = try TestClient(port: server.port, timeout: 60)
      try client.send("DELETE /jobs/\(id) HTTP/1.1\r\nHost: t\r\n\r\n")
      _ = try await client.readResponse()
    }
    let id = try #require(ids["bandwidth"])
    var finished: TestResponse?
    for _ in 0..<10 {
      let response = try await get(server.port, "/jobs/\(id)?wait=60")
      finished = response
      if let status = response.json?["status"] as? String, ["succeeded", "failed", "cancelled"].contains(status) { break }
    }
    let job = try #require(finished?.json)
    #expect(job["status"] as? String == "succeeded", "\(finished?.text ?? "")")
    let summary = (job["result"] as? [String: Any])?["summary"] as? String ?? ""
    #expect(summary.contains("capped") && summary.contains("320 MiB"), "\(summary)")
    server.signal(SIGTERM)
    #expect(await server.waitForExit() == 0)
  }

  /// The resident memory of a process, in bytes, from `/proc/<pid>/status`.
  static func residentBytes(of pid: Int32) -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
      let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
    else { return nil }
    let kilobytes = line.split(separator: " ").compactMap { Int($0) }.first
    return kilobytes.map { $0 * 1024 }
  }

  // Hardening finding 1: a 4M-element result requested by many clients that never read costs
  // each of them a bounded buffer, not its 40 MB of JSON.
  @Test func largeResultsToClientsThatDoNotReadKeepMemoryBounded() async throws {
    let server = try await ServerProcess.start()
    let job = try await post(server.port, #"{"n":2048,"repeats":1}"#, wait: 120)
    let id = try #require(job["id"] as? String, "\(job)")
    let before = try #require(Self.residentBytes(of: server.process.processIdentifier))
    var clients: [TestClient] = []
    for _ in 0..<30 {
      let client = try TestClient(port: server.port, timeout: 5)
      var size: Int32 = 4096
      setsockopt(client.fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
      try client.send("GET /jobs/\(id)/result HTTP/1.1\r\nHost: t\r\n\r\n")
      clients.append(client)
    }
    try await Task.sleep(for: .seconds(2))
    let after = try #require(Self.residentBytes(of: server.process.processIdentifier))
    let growth = after - before
    // Built whole, 30 responses of about 42 MB would take over a gigabyte.
    #expect(growth < 256 << 20, "resident memory grew by \(growth >> 20) MiB for 30 readers that do not read")
    // A client that reads gets the whole matrix.
    let reader = try TestClient(port: server.port, timeout: 60)
    try reader.send("GET /jobs/\(id)/result HTTP/1.1\r\nHost: t\r\n\r\n")
    let response = try await reader.readResponse()
    #expect(response.status == 200)
    #expect(response.text.hasPrefix(#"{"dtype":"float32","shape":[2048,2048],"data":[["#))
    #expect(response.text.hasSuffix("]]}"))
    clients.removeAll()
    server.signal(SIGTERM)
    #expect(await server.waitForExit() == 0)
  }
}
