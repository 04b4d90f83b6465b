// The one bridge from the Dispatch-based pool to Swift concurrency, after NIOThreadPool.runIfActive:
// a checked continuation resumed by the job's completion, with task cancellation forwarded to
// cancel(id:).
extension WorkerPool {
  /// Submits `work` and suspends until it finishes; cancelling the calling task cancels the job.
  ///
  /// - Throws: what ``submit(id:lane:timeout:work:completion:)`` throws, what `work` throws, or
  ///   ``ComputeError`` `.cancelled`/`.timedOut`/`.shuttingDown`.
  public func run<T: Sendable>(
    id: String, lane: String, timeout: Duration? = nil, _ work: @escaping @Sendable (JobContext) throws -> T
  ) async throws -> T {
    try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
        do {
          try submit(id: id, lane: lane, timeout: timeout, work: work) { continuation.resume(with: $0) }
        } catch {
          continuation.resume(throwing: error)
          return
        }
        // The cancellation handler may have run before the job existed; catch that case here.
        if Task.isCancelled { cancel(id: id) }
      }
    } onCancel: {
      cancel(id: id)
    }
  }

  /// Refuses new jobs, completes queued ones with `.shuttingDown`, and waits without blocking a
  /// thread until running jobs have finished; the state is then `.stopped`.
  public func shutdown(cancelRunning: Bool = false) async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
      beginShutdownForAsync(cancelRunning: cancelRunning) { continuation.resume() }
    }
  }
}
