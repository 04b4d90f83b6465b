/// What a running pool job gets: its id and lane, its cancellation token, a progress reporter,
/// and a way to learn which other jobs ran at the same time.
public struct JobContext: Sendable {
  /// The job's id.
  public let id: String
  /// The lane it runs in.
  public let lane: String
  /// Cancelled by ``WorkerPool/cancel(id:)``, by the job's timeout, or by a cancelling shutdown.
  public let token: CancellationToken
  let pool: WorkerPool

  /// Records progress (0…1), readable through ``WorkerPool/status(of:)``.
  public func reportProgress(_ fraction: Double) {
    pool.recordProgress(of: id, min(max(fraction, 0), 1))
  }

  /// Ids of the jobs, on any lane, that have run at the same time as this one so far,
  /// in the order they overlapped it. Call it at the end of the work for the full list.
  public func concurrentJobs() -> [String] {
    pool.overlaps(of: id)
  }
}
