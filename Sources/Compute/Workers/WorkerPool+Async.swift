import AsyncBridge
import Synchronization

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

extension WorkerPool {
  /// Waits until no job runs, or `grace` has passed, whichever comes first; no polling.
  public func drain(within grace: Duration) async {
    await withTaskGroup(of: Void.self) { group in
      group.addTask { await self.idle() }
      group.addTask { try? await Task.sleep(for: grace) }
      await group.next()
      group.cancelAll()
    }
  }

  /// Suspends until no job runs; a cancelled caller returns at once.
  public func idle() async {
    let gate = ResumeOnce<Void>()
    let waiter = Mutex<Int?>(nil)
    await withTaskCancellationHandler {
      try? await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
        gate.install(continuation)
        if let id = whenIdle({ gate.resume(with: .success(())) }) { waiter.withLock { $0 = id } }
      }
    } onCancel: {
      if let id = waiter.withLock({ $0 }) { _ = cancelIdleWaiter(id) }
      gate.resume(with: .success(()))
    }
  }
}
