extension WorkerPool {
  /// The pool's lifecycle.
  public enum State: String, Sendable, Equatable, Codable {
    /// Taking and running jobs.
    case running
    /// ``WorkerPool/shutdown(cancelRunning:)`` was called: no new jobs, queued ones were dropped,
    /// running ones are finishing.
    case shuttingDown = "shutting_down"
    /// No job is running and none will.
    case stopped
  }

  /// Where a job is.
  public enum JobStatus: Sendable, Equatable {
    /// Waiting in its lane; position 0 runs next.
    case queued(lane: String, position: Int)
    /// Running, with the last progress it reported (0…1) and whether its token is cancelled.
    case running(lane: String, progress: Double, cancelling: Bool)
  }

  /// What ``WorkerPool/cancel(id:)`` did.
  public enum CancelOutcome: Sendable, Equatable {
    /// The job was waiting; it was removed and its completion called with `.cancelled`.
    case removedFromQueue
    /// The job is running; its token was cancelled and it stops at its next check.
    case signalledRunning
    /// No queued or running job has this id (it may have finished).
    case notFound
  }
}
