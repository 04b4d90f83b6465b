import Compute

extension JobService {
  /// Limits and retention of compute jobs; `hpclab serve` fills them from flags.
  struct Configuration: Sendable {
    /// Jobs that may wait in the queue; beyond it, 429. Default 64.
    var queueCapacity = 64
    /// Seconds a job may run before it is cancelled and marked failed. Default 300.
    var jobTimeoutSeconds = 300
    /// Matrix size and memory limits (largest dimension 8192, at most 50 repeats, 1 GiB).
    var limits = ComputeLimits()
    /// Finished jobs older than this many days are pruned at start and hourly. Default 7.
    var retentionDays = 7.0
    /// At most this many finished jobs are kept, newest first. Default 1000.
    var retainedJobs = 1000
    /// Longest wait for `Prefer: wait=N` and `?wait=N`, in seconds. Default 60.
    var maximumWaitSeconds = 60.0
    /// Directories searched first for the CUDA libraries (`--cuda-library-path`). Default none.
    var cudaLibraryPaths: [String] = []
    /// The fleet's PostgreSQL (`--database`); `nil`: jobs run in this process on SQLite.
    var databaseURL: String?
    /// Claims of a fleet job before it fails (a worker that dies mid-job costs one). Default 3.
    var maxAttempts = 3
    /// Seconds a worker's lease on a job lasts unless renewed (every third of it). Default 15.
    var leaseSeconds = 15.0
  }
}
