import HTTP
import Logging

/// Starts a real `HTTPServer` on a free loopback port for one test.
public final class TestServer: Sendable {
  public let server: HTTPServer
  public var port: Int { server.port }

  public init(responder: any HTTPResponder, configure: (inout HTTPServer.Configuration) -> Void = { _ in }) throws {
    var configuration = HTTPServer.Configuration()
    configuration.port = 0
    configuration.loopCount = 2
    configure(&configuration)
    var logger = Logger(label: "test")
    logger.logLevel = .warning
    server = HTTPServer(configuration: configuration, responder: responder, logger: logger)
    try server.start()
  }

  public func client(timeout: Double = 5) throws -> TestClient { try TestClient(port: port, timeout: timeout) }

  public func stop() async { await server.shutdown() }
}

/// The path of the repository root, from this file's location.
public let packageRoot: String = {
  var path = #filePath
  for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }
  return path
}()
