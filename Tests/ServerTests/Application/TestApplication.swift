import Foundation
import HTTP
import Logging
import TestSupport

@testable import Application

/// A real `Application` (store in a fresh temp data dir, the real corpus and
/// public dir) behind a real server on a free port.
final class TestApplication: @unchecked Sendable {  // immutable after init
  let application: Application
  let server: HTTPServer

  /// Builds the application on a thread of its own: opening the store, loading the
  /// corpus and discovering OpenCL are blocking work that must not hold the
  /// cooperative pool the server's asynchronous handlers run on.
  static func start(configure: @escaping @Sendable (inout Application.Configuration) -> Void = { _ in }) async throws -> TestApplication {
    try await offload { try TestApplication(configure: configure) }
  }

  private init(configure: (inout Application.Configuration) -> Void = { _ in }) throws {
    var configuration = Application.Configuration()
    configuration.dataDirectory = NSTemporaryDirectory() + "hpclab-app-\(UUID().uuidString)"
    configuration.publicDirectory = packageRoot + "/public"
    configuration.http.port = 0
    configuration.http.loopCount = 2
    // The suites run in parallel on a small machine: a behaviour test must not turn into a test
    // of how fast a loaded machine answers (the time limit itself has its own test in Store).
    configuration.queryTimeLimitSeconds = 60
    configure(&configuration)
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    application = try Application(configuration: configuration, logger: logger)
    server = try application.startServer()  // the whole stack: policy, metrics, routes
  }

  /// One request on a new connection; the response.
  func get(_ target: String, headers: String = "") async throws -> TestResponse {
    try await request("GET \(target) HTTP/1.1\r\nHost: t\r\n\(headers)\r\n")
  }

  func request(_ raw: String) async throws -> TestResponse {
    let client = try TestClient(port: server.port, timeout: 30)
    try client.send(raw)
    return try await client.readResponse()
  }

  func stop() async { await application.shutdown(server) }
}

extension TestResponse {
  var object: [String: Any] { json ?? [:] }
  var results: [[String: Any]] { object["results"] as? [[String: Any]] ?? [] }
}
