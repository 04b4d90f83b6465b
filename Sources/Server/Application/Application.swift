import Foundation
import HTTP
import Logging

/// hpclab as a whole: the route table over the HTTP server, and the services
/// (corpus store, compute) the handlers use. `run()` serves until SIGTERM or
/// SIGINT, then shuts down gracefully.
public final class Application: Sendable {
  public let configuration: Configuration
  public let logger: Logger
  let staticFiles: StaticFiles

  public init(configuration: Configuration, logger: Logger) throws {
    self.configuration = configuration
    self.logger = logger
    try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
    self.staticFiles = StaticFiles(root: configuration.publicDirectory)
  }

  /// Every route of the server, in one table: a newcomer finds where a request
  /// goes here, then in `Routes/`.
  public func makeRouter() -> Router {
    var router = Router(logger: logger)
    addHealthRoutes(to: &router)
    let files = staticFiles
    router.fallback = { request, _ in try files.respond(to: request) }
    return router
  }

  /// Starts the HTTP server; the caller keeps it and calls `shutdown()`.
  public func startServer() throws -> HTTPServer {
    let server = HTTPServer(configuration: configuration.http, responder: makeRouter(), logger: logger)
    try server.start()
    return server
  }

  /// Serves until SIGTERM or SIGINT, then stops accepting, finishes what is in
  /// flight and returns.
  public func run() async throws {
    let signals = SignalWaiter(signals: [SIGTERM, SIGINT])
    let server = try startServer()
    logger.info("hpclab serving; data in \(configuration.dataDirectory), pages from \(configuration.publicDirectory)")
    let signal = await signals.wait()
    logger.info("received signal \(signal); shutting down")
    await server.shutdown()
    logger.info("stopped")
  }
}
