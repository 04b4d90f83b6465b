import Dispatch
import Synchronization

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

/// Resumes a continuation exactly once, whichever comes first: the work's end or cancellation.
private final class ResumeOnce<T: Sendable>: Sendable {
  private let state = Mutex<(continuation: CheckedContinuation<T, any Error>?, early: Result<T, any Error>?, done: Bool)>(
    (nil, nil, false))

  func install(_ continuation: CheckedContinuation<T, any Error>) {
    let early: Result<T, any Error>? = state.withLock { state in
      if let early = state.early {
        state.done = true
        return early
      }
      state.continuation = continuation
      return nil
    }
    if let early { continuation.resume(with: early) }
  }

  func resume(with result: Result<T, any Error>) {
    let continuation: CheckedContinuation<T, any Error>? = state.withLock { state in
      guard !state.done else { return nil }
      guard let continuation = state.continuation else {
        if state.early == nil { state.early = result }  // cancelled before install: resume there
        return nil
      }
      state.done = true
      state.continuation = nil
      return continuation
    }
    continuation?.resume(with: result)
  }
}
