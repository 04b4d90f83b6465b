import Application
import Compute
import ArgumentParser
import FleetStore
import HTTP
import Logging

/// `hpclab serve`: every option also reads an `HPCLAB_*` environment variable.
struct Serve: AsyncParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Serve the API and pages (the default subcommand).")

  @Option(help: "Address to bind (env HPCLAB_HOST; default 127.0.0.1).")
  var host: String?
  @Option(help: "Port to listen on, 0 for any free port (env HPCLAB_PORT; default 8080).")
  var port: Int?
  @Option(help: "Directory for the database and job results, created if missing (env HPCLAB_DATA_DIR; default ./data).")
  var dataDir: String?
  @Option(help: "Directory of the corpus Markdown files (env HPCLAB_CONTENT_DIR; default Sources/Content/Corpus of the build).")
  var contentDir: String?
  @Option(help: "Directory of static pages (env HPCLAB_PUBLIC_DIR; default ./public).")
  var publicDir: String?
  @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (env HPCLAB_LOG_LEVEL; default info).")
  var logLevel: String?
  @Option(help: "Compute jobs that may wait in the queue; beyond it 429 (env HPCLAB_QUEUE_CAPACITY; default 64).")
  var queueCapacity: Int?
  @Option(help: "Seconds a compute job may run before it is cancelled (env HPCLAB_JOB_TIMEOUT; default 300).")
  var jobTimeout: Int?
  @Option(help: "Seconds a search or other read of the database may take, else 503 (env HPCLAB_QUERY_TIME_LIMIT; default 1).")
  var queryTimeLimit: Double?
  @Option(help: "Bytes a job's matrices may take, else 422 (env HPCLAB_MEMORY_BUDGET; default 1073741824).")
  var memoryBudget: Int?
  @Option(help: "Largest matrix dimension, else 422 (env HPCLAB_MAX_DIMENSION; default 8192).")
  var maxDimension: Int?
  @Option(help: "Days finished jobs are kept (env HPCLAB_KEEP_DAYS; default 7).")
  var keepDays: Double?
  @Option(help: "Most finished jobs kept, newest first (env HPCLAB_KEEP_JOBS; default 1000).")
  var keepJobs: Int?
  @Option(help: "Bearer token required to create and cancel jobs (env HPCLAB_TOKEN; default none: open).")
  var token: String?
  @Option(help: "Jobs one client (IP address) may create per minute, 0 for no limit (env HPCLAB_RATE_LIMIT; default 60).")
  var rateLimit: Double?
  @Option(help: "Jobs one client may create in a burst (env HPCLAB_RATE_BURST; default 10).")
  var rateBurst: Int?
  @Option(help: "Allowed CORS origin, e.g. https://example.org or * (env HPCLAB_CORS_ORIGIN; default none: no CORS headers).")
  var corsOrigin: String?
  @Option(help: "Serial connection loops (env HPCLAB_LOOPS; default: one per core).")
  var loops: Int?
  @Option(help: "Most open connections (env HPCLAB_MAX_CONNECTIONS; default 4096, kept below the fd limit).")
  var maxConnections: Int?
  @Option(help: "Longest request line in bytes, else 414 (env HPCLAB_MAX_REQUEST_LINE; default 8192).")
  var maxRequestLine: Int?
  @Option(help: "Largest header block in bytes, else 431 (env HPCLAB_MAX_HEADER_BYTES; default 32768).")
  var maxHeaderBytes: Int?
  @Option(help: "Most header fields, else 431 (env HPCLAB_MAX_HEADERS; default 100).")
  var maxHeaders: Int?
  @Option(help: "Largest request body in bytes, else 413 (env HPCLAB_MAX_BODY_BYTES; default 16777216).")
  var maxBodyBytes: Int?
  @Option(help: "Seconds to receive a request head, else 408 (env HPCLAB_HEADER_TIMEOUT; default 10).")
  var headerTimeout: Double?
  @Option(help: "Seconds to receive a body after its head, else 408 (env HPCLAB_BODY_TIMEOUT; default 30).")
  var bodyTimeout: Double?
  @Option(help: "Seconds an idle keep-alive connection stays open (env HPCLAB_IDLE_TIMEOUT; default 60).")
  var idleTimeout: Double?
  @Option(help: "Seconds a response may wait on a client that does not read (env HPCLAB_WRITE_TIMEOUT; default 30).")
  var writeTimeout: Double?
  @Option(help: "Seconds a graceful shutdown waits for requests in flight (env HPCLAB_SHUTDOWN_GRACE; default 10).")
  var shutdownGrace: Double?
  @Option(help: "Access log: stderr, off, or a file appended to (env HPCLAB_ACCESS_LOG; default stderr).")
  var accessLog: String?
  @Option(help: "Access log lines: common (Common Log Format plus seconds) or json (env HPCLAB_ACCESS_LOG_FORMAT; default common).")
  var accessLogFormat: String?
  @Option(help: "Open connections one client address may hold (env HPCLAB_MAX_CONNECTIONS_PER_CLIENT; default 256).")
  var maxConnectionsPerClient: Int?
  @Option(
    help:
      "Folders searched first for libcuda.so.1, libcublas/libcublasLt and libnvrtc, ':'-separated (env HPCLAB_CUDA_LIBRARY_PATH; default none: the loader's paths, then /usr/local/cuda/lib64).")
  var cudaLibraryPath: String?
  @Option(
    help:
      "PostgreSQL for a fleet, postgres://user:password@host:port/database[?sslmode=disable|prefer|require]: jobs queue there and hpclab worker processes run them (env HPCLAB_DATABASE; default none: jobs run in this process, recorded in SQLite).")
  var database: String?
  @Option(help: "Claims of a fleet job before it fails, a worker that dies mid-job costing one (env HPCLAB_MAX_ATTEMPTS; default 3).")
  var maxAttempts: Int?

  func makeConfiguration() throws -> Application.Configuration {
    var config = Application.Configuration()
    var http = HTTPServer.Configuration()
    http.host = try Environment.value(host, "HPCLAB_HOST", default: http.host)
    http.port = try Environment.value(port, "HPCLAB_PORT", default: http.port)
    http.loopCount = try Environment.value(loops, "HPCLAB_LOOPS", default: http.loopCount)
    guard http.loopCount > 0 else { throw ValidationError("--loops must be positive.") }
    http.maxConnections = try Environment.value(maxConnections, "HPCLAB_MAX_CONNECTIONS", default: http.maxConnections)
    http.limits.maxRequestLineBytes = try Environment.value(
      maxRequestLine, "HPCLAB_MAX_REQUEST_LINE", default: http.limits.maxRequestLineBytes)
    http.limits.maxHeaderBytes = try Environment.value(
      maxHeaderBytes, "HPCLAB_MAX_HEADER_BYTES", default: http.limits.maxHeaderBytes)
    http.limits.maxHeaderCount = try Environment.value(maxHeaders, "HPCLAB_MAX_HEADERS", default: http.limits.maxHeaderCount)
    http.limits.maxBodyBytes = try Environment.value(maxBodyBytes, "HPCLAB_MAX_BODY_BYTES", default: http.limits.maxBodyBytes)
    http.headerTimeout = try Environment.value(headerTimeout, "HPCLAB_HEADER_TIMEOUT", default: http.headerTimeout)
    http.bodyTimeout = try Environment.value(bodyTimeout, "HPCLAB_BODY_TIMEOUT", default: http.bodyTimeout)
    http.idleTimeout = try Environment.value(idleTimeout, "HPCLAB_IDLE_TIMEOUT", default: http.idleTimeout)
    http.writeTimeout = try Environment.value(writeTimeout, "HPCLAB_WRITE_TIMEOUT", default: http.writeTimeout)
    http.shutdownGracePeriod = try Environment.value(shutdownGrace, "HPCLAB_SHUTDOWN_GRACE", default: http.shutdownGracePeriod)
    guard (0...65535).contains(http.port) else { throw ValidationError("--port must be between 0 and 65535.") }
    guard http.maxConnections > 0, http.limits.maxRequestLineBytes > 0, http.limits.maxHeaderBytes > 0,
      http.limits.maxHeaderCount > 0, http.limits.maxBodyBytes >= 0
    else { throw ValidationError("Limits must be positive.") }
    guard [http.headerTimeout, http.bodyTimeout, http.idleTimeout, http.writeTimeout].allSatisfy({ $0 > 0 }) else {
      throw ValidationError("Timeouts must be positive.")
    }
    http.maxConnectionsPerClient = try Environment.value(
      maxConnectionsPerClient, "HPCLAB_MAX_CONNECTIONS_PER_CLIENT", default: http.maxConnectionsPerClient)
    guard http.maxConnectionsPerClient > 0 else { throw ValidationError("--max-connections-per-client must be positive.") }
    let formatName = try Environment.value(accessLogFormat, "HPCLAB_ACCESS_LOG_FORMAT", default: "common")
    guard let format = AccessLog.Format(rawValue: formatName) else {
      throw ValidationError("--access-log-format must be common or json.")
    }
    switch try Environment.value(accessLog, "HPCLAB_ACCESS_LOG", default: "stderr") {
    case "off", "": http.accessLog = nil
    case "stderr": http.accessLog = try AccessLog(.standardError, format: format)
    case let path: http.accessLog = try AccessLog(.file(path), format: format)
    }
    config.http = http
    config.dataDirectory = try Environment.value(dataDir, "HPCLAB_DATA_DIR", default: config.dataDirectory)
    config.publicDirectory = try Environment.value(publicDir, "HPCLAB_PUBLIC_DIR", default: config.publicDirectory)
    config.contentDirectory = contentDir ?? Environment.string("HPCLAB_CONTENT_DIR")
    config.queueCapacity = try Environment.value(queueCapacity, "HPCLAB_QUEUE_CAPACITY", default: config.queueCapacity)
    config.jobTimeoutSeconds = try Environment.value(jobTimeout, "HPCLAB_JOB_TIMEOUT", default: config.jobTimeoutSeconds)
    config.queryTimeLimitSeconds = try Environment.value(queryTimeLimit, "HPCLAB_QUERY_TIME_LIMIT", default: config.queryTimeLimitSeconds)
    guard config.queryTimeLimitSeconds > 0, config.queryTimeLimitSeconds <= 3600 else {
      throw ValidationError("--query-time-limit must be between 0 and 3600 seconds.")
    }
    config.memoryBudgetBytes = try Environment.value(memoryBudget, "HPCLAB_MEMORY_BUDGET", default: config.memoryBudgetBytes)
    config.maxDimension = try Environment.value(maxDimension, "HPCLAB_MAX_DIMENSION", default: config.maxDimension)
    config.retentionDays = try Environment.value(keepDays, "HPCLAB_KEEP_DAYS", default: config.retentionDays)
    config.retainedJobs = try Environment.value(keepJobs, "HPCLAB_KEEP_JOBS", default: config.retainedJobs)
    config.token = token ?? Environment.string("HPCLAB_TOKEN")
    config.jobsPerMinute = try Environment.value(rateLimit, "HPCLAB_RATE_LIMIT", default: config.jobsPerMinute)
    config.jobBurst = try Environment.value(rateBurst, "HPCLAB_RATE_BURST", default: config.jobBurst)
    config.corsOrigin = corsOrigin ?? Environment.string("HPCLAB_CORS_ORIGIN")
    guard config.jobsPerMinute >= 0, config.jobBurst > 0 else { throw ValidationError("Rate limits must be positive.") }
    let cudaPaths = (cudaLibraryPath ?? Environment.string("HPCLAB_CUDA_LIBRARY_PATH") ?? "")
      .split(separator: ":").map(String.init).filter { !$0.isEmpty }
    let problems = CUDABackend.checkLibraryPaths(cudaPaths)
    guard problems.isEmpty else { throw ValidationError(problems.joined(separator: "; ") + ".") }
    config.cudaLibraryPaths = cudaPaths
    config.databaseURL = database ?? Environment.string("HPCLAB_DATABASE")
    if let url = config.databaseURL {
      do {
        _ = try FleetDatabaseURL(parsing: url)
      } catch {
        throw ValidationError("--database: \(error)")
      }
    }
    config.maxAttempts = try Environment.value(maxAttempts, "HPCLAB_MAX_ATTEMPTS", default: config.maxAttempts)
    guard (1...100).contains(config.maxAttempts) else { throw ValidationError("--max-attempts must be 1 to 100.") }
    guard config.queueCapacity > 0, config.jobTimeoutSeconds > 0, config.memoryBudgetBytes > 0, config.maxDimension > 0,
      config.retentionDays > 0, config.retainedJobs > 0
    else { throw ValidationError("Job limits must be positive.") }
    return config
  }

  func run() async throws {
    let (application, _) = try start()
    try await application.run()
  }

  /// What `serve` and `worker` share: OpenBLAS's kernels, the log, the configuration, and the
  /// application over them.
  func start() throws -> (Application, Logger) {
    BLASKernelChoice.restartIfOpenBLASFellBack()
    let levelName = try Environment.value(logLevel, "HPCLAB_LOG_LEVEL", default: "info")
    guard let level = Logger.Level(rawValue: levelName) else {
      throw ValidationError("Unknown log level \(levelName).")
    }
    let config = try makeConfiguration()
    LoggingSystem.bootstrap { label in
      var handler = StreamLogHandler.standardError(label: label)
      handler.logLevel = level
      return handler
    }
    var logger = Logger(label: "hpclab")
    logger.logLevel = level
    if let note = BLASKernelChoice.restartNote { logger.notice("\(note)") }
    return (try Application(configuration: config, logger: logger), logger)
  }
}
