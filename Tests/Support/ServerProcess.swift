import Foundation

/// The real `hpclab` binary running as a child process, for tests of what only
/// a process shows: signals, exit codes, file-descriptor exhaustion, crash recovery.
public final class ServerProcess: @unchecked Sendable {  // used by one test at a time
  public let process = Process()
  public private(set) var port = 0
  public let dataDirectory: String
  private let errorPipe = Pipe()
  private let logLock = NSLock()
  private var logText = ""

  /// The binary built by `swift build` next to the test bundle.
  public static var binaryPath: String { packageRoot + "/.build/debug/hpclab" }

  /// Starts `hpclab serve` on a free port and waits (on a thread of its own, not the
  /// cooperative pool) until it listens; `shellPrefix` runs before exec (e.g. `ulimit -n 64;`).
  public static func start(
    arguments: [String] = [], dataDirectory: String? = nil, shellPrefix: String = "", environment: [String: String] = [:]
  ) async throws -> ServerProcess {
    try await offload {
      try ServerProcess(arguments: arguments, dataDirectory: dataDirectory, shellPrefix: shellPrefix, environment: environment)
    }
  }

  private init(arguments: [String] = [], dataDirectory: String? = nil, shellPrefix: String = "", environment: [String: String] = [:]) throws {
    self.dataDirectory = dataDirectory ?? NSTemporaryDirectory() + "hpclab-data-\(UUID().uuidString)"
    let quoted = ([Self.binaryPath, "serve", "--port", "0", "--data-dir", self.dataDirectory, "--public-dir", packageRoot + "/public", "--query-time-limit", "60"] + arguments)
      .map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", "\(shellPrefix) exec \(quoted)"]
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    process.standardError = errorPipe
    process.standardOutput = FileHandle.nullDevice
    // The server's log is read on a thread of its own with blocking reads, not by a Dispatch
    // readability handler: when CPU-heavy suites hold Dispatch's threads, a handler could wait
    // longer than the start deadline and an idle server look as if it never started.
    let reading = errorPipe.fileHandleForReading
    Thread.detachNewThread { [weak self] in
      var buffer = [UInt8](repeating: 0, count: 4096)
      while true {
        let count = read(reading.fileDescriptor, &buffer, buffer.count)
        if count < 0 && errno == EINTR { continue }
        guard count > 0, let self else { return }
        let text = String(decoding: buffer[..<count], as: UTF8.self)
        self.logLock.withLock { self.logText += text }
      }
    }
    try process.run()
    let deadline = Date().addingTimeInterval(90)
    while Date() < deadline {
      if let match = log.range(of: #"listening on http://[^:]+:(\d+)"#, options: .regularExpression) {
        let text = log[match]
        port = Int(text[text.index(after: text.lastIndex(of: ":")!)...]) ?? 0
        return
      }
      if !process.isRunning { break }
      Thread.sleep(forTimeInterval: 0.05)
    }
    process.terminate()
    throw TestClient.Failure("the server did not start: \(log)")
  }

  public var log: String { logLock.withLock { logText } }

  public func signal(_ number: Int32) { kill(process.processIdentifier, number) }

  /// Waits for the process to exit and returns its status (nil on timeout).
  public func waitForExit(timeout: Double = 20) async -> Int32? {
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline { try? await Task.sleep(for: .milliseconds(20)) }
    return process.isRunning ? nil : process.terminationStatus
  }

  public func stop() async {
    if process.isRunning {
      signal(SIGKILL)
      _ = await waitForExit()
    }
  }

  deinit { if process.isRunning { process.terminate() } }
}
