import HTTP

extension Application {
  /// The server's settings; `hpclab serve` fills them from flags and `HPCLAB_*` variables.
  public struct Configuration: Sendable {
    /// Address, port, limits and timeouts of the HTTP server.
    public var http = HTTPServer.Configuration()
    /// Where the SQLite database and job results live; created if missing. Default `./data`.
    public var dataDirectory = "./data"
    /// The static pages. Default `./public`.
    public var publicDirectory = "./public"
    /// The corpus of Markdown files; nil: `HPCLAB_CONTENT_DIR`, else `Sources/Content/Corpus` of this checkout.
    public var contentDirectory: String?
    /// Seconds a search (or another read of the database) may run before SQLite interrupts it and
    /// the client gets a 503. Default 1.
    public var queryTimeLimitSeconds: Double = 1
    /// With a token, creating and cancelling jobs needs `Authorization: Bearer <token>`. Default none.
    public var token: String?
    /// Jobs one client (IP address) may create per minute; 0 turns the limit off. Default 60.
    public var jobsPerMinute: Double = 60
    /// Jobs one client may create in a burst. Default 10.
    public var jobBurst = 10
    /// `Access-Control-Allow-Origin` for every response; nil (the default) sends no CORS headers.
    public var corsOrigin: String?
    /// Compute jobs: queue, timeout, limits and retention.
    var jobs = JobService.Configuration()
    /// Jobs that may wait; beyond it 429. Default 64.
    public var queueCapacity: Int {
      get { jobs.queueCapacity }
      set { jobs.queueCapacity = newValue }
    }
    /// Seconds a job may run. Default 300.
    public var jobTimeoutSeconds: Int {
      get { jobs.jobTimeoutSeconds }
      set { jobs.jobTimeoutSeconds = newValue }
    }
    /// Bytes a job's matrices may take (host and device). Default 1 GiB.
    public var memoryBudgetBytes: Int {
      get { jobs.limits.memoryBudgetBytes }
      set { jobs.limits.memoryBudgetBytes = newValue }
    }
    /// Largest matrix dimension. Default 8192.
    public var maxDimension: Int {
      get { jobs.limits.maxDimension }
      set { jobs.limits.maxDimension = newValue }
    }
    /// Days finished jobs are kept. Default 7.
    public var retentionDays: Double {
      get { jobs.retentionDays }
      set { jobs.retentionDays = newValue }
    }
    /// Most finished jobs kept. Default 1000.
    public var retainedJobs: Int {
      get { jobs.retainedJobs }
      set { jobs.retainedJobs = newValue }
    }
    /// Directories searched first for libcuda, cuBLAS(Lt) and NVRTC. Default none.
    public var cudaLibraryPaths: [String] {
      get { jobs.cudaLibraryPaths }
      set { jobs.cudaLibraryPaths = newValue }
    }
    /// The fleet's PostgreSQL (`postgres://…`); `nil` (the default): one process on SQLite.
    public var databaseURL: String? {
      get { jobs.databaseURL }
      set { jobs.databaseURL = newValue }
    }
    /// Claims of a fleet job before it fails. Default 3.
    public var maxAttempts: Int {
      get { jobs.maxAttempts }
      set { jobs.maxAttempts = newValue }
    }
    /// Seconds a fleet worker's lease lasts unless renewed. Default 15.
    public var leaseSeconds: Double {
      get { jobs.leaseSeconds }
      set { jobs.leaseSeconds = newValue }
    }

    public init() {}
  }
}
