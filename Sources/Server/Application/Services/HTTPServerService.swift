import HTTP
import Logging
import ServiceLifecycle

/// The HTTP server as a service: accepts from `run()` until graceful shutdown (SIGTERM, SIGINT),
/// then stops accepting, lets requests in flight finish (up to the server's grace period) and
/// returns.
struct HTTPServerService: Service {
  let server: HTTPServer
  let logger: Logger

  func run() async throws {
    try server.start()
    // Waits for graceful shutdown; cancellation ends the wait too.
    try? await gracefulShutdown()
    logger.info("shutting down: no new connections, finishing the requests in flight")
    await server.shutdown()
  }
}
