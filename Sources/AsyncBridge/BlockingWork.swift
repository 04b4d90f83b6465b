import Dispatch

/// The one bridge from blocking work to `async`: SQLite reads and writes, file reads and other
/// calls that block a thread run on a dedicated concurrent Dispatch queue, never on a connection
/// loop's serial queue or on the cooperative thread pool (where a slow call would stall every
/// task). The continuation resumes when the work ends; a cancelled caller stops waiting at once
/// with `CancellationError` (the work itself runs to its end: SQLite calls carry their own time
/// limits).
public enum BlockingWork {
  /// Where one piece of blocking work runs: a serial queue of its own. Serial queues sit on
  /// libdispatch's overcommitting root queue, which adds a thread when the others are busy, so
  /// blocking work never waits behind CPU-bound work (or behind other blocking work), and the
  /// connection loops (on the width-limited global queue) never wait behind it.
  static func queue() -> DispatchQueue { DispatchQueue(label: "hpclab.blocking", qos: .userInitiated) }

  /// Runs `work` on the blocking queue and returns its result (or throws its error).
  public static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    let gate = ResumeOnce<T>()
    return try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { continuation in
        gate.install(continuation)
        queue().async { gate.resume(with: Result { try work() }) }
      }
    } onCancel: {
      gate.resume(with: .failure(CancellationError()))
    }
  }
}
