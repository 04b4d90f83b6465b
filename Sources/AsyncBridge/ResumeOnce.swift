import Synchronization

/// Resumes a continuation exactly once, whichever comes first: the awaited event or the caller's
/// cancellation, even when the event comes before the continuation is installed. The bridge for
/// ``BlockingWork`` and for the worker pool's wait for idleness.
///
/// ```swift
/// let gate = ResumeOnce<Int>()
/// try await withTaskCancellationHandler {
///   try await withCheckedThrowingContinuation { gate.install($0); start { gate.resume(with: $0) } }
/// } onCancel: { gate.resume(with: .failure(CancellationError())) }
/// ```
public final class ResumeOnce<T: Sendable>: Sendable {
  private let state = Mutex<(continuation: CheckedContinuation<T, any Error>?, early: Result<T, any Error>?, done: Bool)>(
    (nil, nil, false))

  public init() {}

  public func install(_ continuation: CheckedContinuation<T, any Error>) {
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

  public func resume(with result: Result<T, any Error>) {
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
