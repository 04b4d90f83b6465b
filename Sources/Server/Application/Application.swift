import AsyncBridge
import Content
import FleetStore
import Foundation
import HTTP
import Logging
import ServiceLifecycle
import Store
import Synchronization

/// hpclab as a whole: the route table over the HTTP server, and the services
/// (corpus store, compute) the handlers use. `run()` serves until SIGTERM or
/// SIGINT, then shuts down gracefully.
public final class Application: Sendable {
  public let configuration: Configuration
  public let logger: Logger
  let staticFiles: StaticFiles
  /// The corpus index and the job records (SQLite in the data directory).
  public let store: Store
  /// Compute jobs: the worker pool, their records and events.
  let jobs: JobService
  let metrics = ServerMetrics()
  /// Search responses encoded once per query (the corpus does not change while serving).
  let searchBodies = SearchBodyCache()
  let access: AccessControl
  /// The running server, for the open-connections gauge.
  private let server = Mutex<HTTPServer?>(nil)

  /// Opens the store and loads the corpus into it when its content hash changed.
  public init(configuration: Configuration, logger: Logger) throws {
    self.configuration = configuration
    self.logger = logger
    try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
    self.staticFiles = StaticFiles(
      root: configuration.publicDirectory, headers: ResponsePolicy.securityHeaders, htmlHeaders: ResponsePolicy.htmlHeaders)
    self.access = AccessControl(
      token: configuration.token, ratePerMinute: configuration.jobsPerMinute, burst: configuration.jobBurst,
      allowedOrigin: configuration.corsOrigin)
    var storeConfiguration = Store.Configuration(dataDirectory: URL(fileURLWithPath: configuration.dataDirectory))
    storeConfiguration.queryTimeLimit = .milliseconds(Int((configuration.queryTimeLimitSeconds * 1000).rounded()))
    self.store = try Store(configuration: storeConfiguration)
    let contentDirectory = configuration.contentDirectory.map { URL(fileURLWithPath: $0) } ?? Corpus.defaultDirectory
    let corpus = try Corpus.load(from: contentDirectory, renderer: SiteLinks.renderer)
    for warning in corpus.warnings { logger.warning("corpus: \(warning)") }
    switch try store.syncCorpus(corpus) {
    case .unchanged: logger.info("corpus unchanged (\(corpus.contentHashHex)) from \(contentDirectory.path)")
    case .reloaded(let documents): logger.info("corpus loaded: \(documents) documents from \(contentDirectory.path)")
    }
    let fleet = try configuration.databaseURL.map { url throws(FleetStoreError) in try FleetStore(url: url, logger: logger) }
    self.jobs = JobService(
      store: store, corpus: corpus, configuration: configuration.jobs, metrics: metrics, logger: logger,
      describe: JobFailure.describe, render: { JobResponse($0).json }, fleet: fleet)
    if fleet == nil {
      try jobs.recover()
      jobs.prune()
    }
  }

  /// Every route of the server, in one table: a newcomer finds where a request
  /// goes here, then in `Routes/`.
  public func makeRouter() -> Router {
    var router = Router(logger: logger)
    addHealthRoutes(to: &router)
    addQuestionRoutes(to: &router)
    addKeywordRoutes(to: &router)
    addTableRoutes(to: &router)
    addTermRoutes(to: &router)
    addSearchRoutes(to: &router)
    addJobRoutes(to: &router)
    addFleetRoutes(to: &router)
    addDeviceRoutes(to: &router)
    addTuningRoutes(to: &router)
    addRecordRoutes(to: &router)
    addMetricsRoutes(to: &router)
    let files = staticFiles
    router.fallback = { request, _ in try files.respond(to: request) }
    return router
  }

  /// Ends job streams, stops the HTTP server gracefully, then the worker pool.
  public func shutdown(_ server: HTTPServer) async {
    jobs.hub.close()
    await server.shutdown()
    await jobs.shutdown(grace: .milliseconds(Int(configuration.http.shutdownGracePeriod * 1000)))
  }

  /// What answers requests: the route table behind the response policy (security headers,
  /// CORS). The HTTP server drives it over sockets; the in-process test tier calls it directly.
  public func makeResponder() -> any HTTPResponder {
    ResponsePolicy(router: makeRouter(), corsOrigin: configuration.corsOrigin)
  }

  /// Starts the HTTP server; the caller keeps it and calls `shutdown()`.
  public func startServer() throws -> HTTPServer {
    let server = try makeServer()
    try server.start()
    return server
  }

  /// The HTTP server over this application's responder, not yet started.
  func makeServer() throws -> HTTPServer {
    var http = configuration.http
    let metrics = self.metrics
    http.onResponse = { exchange in
      let route = exchange.route ?? (exchange.status < 400 ? "static" : "unmatched")
      // Unknown methods share one label so that clients cannot mint time series.
      let method = Router.knownMethods.contains(exchange.method) ? exchange.method.rawValue : "other"
      metrics.recordRequest(method: method, route: route, status: exchange.status, seconds: exchange.seconds)
    }
    let server = HTTPServer(configuration: http, responder: makeResponder(), logger: logger)
    self.server.withLock { $0 = server }
    return server
  }

  /// Connections open now (0 before the server starts).
  var openConnections: Int { server.withLock { $0?.openConnections ?? 0 } }

  /// Serves until SIGTERM or SIGINT, then shuts down gracefully: the HTTP server, pruning and
  /// the job workers run as services of one `ServiceGroup`, which stops them in reverse order
  /// (HTTP first: stop accepting and finish requests in flight; then the workers).
  public func run() async throws {
    await DispatchTimers.prime()
    let server = try makeServer()
    let grace = Duration.milliseconds(Int(configuration.http.shutdownGracePeriod * 1000))
    let fleetServices: [ServiceGroupConfiguration.ServiceConfiguration] =
      jobs.fleet.map { [.init(service: FleetService(jobs: jobs, fleet: $0, logger: logger))] } ?? []
    let group = ServiceGroup(
      configuration: .init(
        services: fleetServices + [
          .init(service: JobWorkersService(jobs: jobs, grace: grace)),
          .init(service: PruneService(jobs: jobs)),
          .init(service: HTTPServerService(server: server, logger: logger)),
        ],
        gracefulShutdownSignals: [.sigterm, .sigint],
        logger: logger))
    if let fleet = jobs.fleet { logger.notice("jobs queue in the fleet's database \(fleet.address); hpclab worker runs them") }
    logger.info("hpclab serving; data in \(configuration.dataDirectory), pages from \(configuration.publicDirectory)")
    try await group.run()
    logger.info("stopped")
  }

  /// `hpclab worker`: runs the fleet's jobs on this machine's devices until SIGTERM or SIGINT (or
  /// idle for `exitWhenIdleSeconds`), then lets running jobs finish within the grace period and
  /// gives back the rest.
  public func runWorker(
    name: String, host: String, labels: [String], leaseSeconds: Double, exitWhenIdleSeconds: Double?
  ) async throws {
    guard let fleet = jobs.fleet else { throw FleetStoreError.invalidURL("hpclab worker needs --database postgres://…") }
    let worker = FleetWorker(
      jobs: jobs, fleet: fleet,
      options: .init(
        name: name, host: host, labels: labels, leaseSeconds: leaseSeconds, exitWhenIdleSeconds: exitWhenIdleSeconds,
        graceSeconds: configuration.http.shutdownGracePeriod),
      logger: logger)
    let group = ServiceGroup(
      configuration: .init(
        services: [.init(service: FleetWorkerService(worker: worker), successTerminationBehavior: .gracefullyShutdownGroup)],
        gracefulShutdownSignals: [.sigterm, .sigint],
        logger: logger))
    try await group.run()
  }
}
