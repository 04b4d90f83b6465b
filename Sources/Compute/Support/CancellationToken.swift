import Synchronization

/// A flag that long work polls between pieces, set from any thread to ask it to stop.
///
/// Work calls ``check()`` between pieces (a BLAS row band, a batch of OpenCL launches,
/// a block of rows of the naive loop); once the token is cancelled, `check()` throws
/// ``ComputeError`` with code `.cancelled`, `.timedOut` or `.shuttingDown` according to the
/// ``Reason``. Cancelling twice keeps the first reason.
public final class CancellationToken: Sendable {
  /// Why the work should stop.
  public enum Reason: Sendable, Equatable {
    /// Someone asked (``WorkerPool/cancel(id:)``, or the caller's own code).
    case requested
    /// The job's timeout, in seconds, ran out.
    case timedOut(seconds: Double)
    /// The pool is shutting down and cancels running work.
    case shutdown
  }

  private let state = Mutex<Reason?>(nil)

  /// Makes a token that is not cancelled.
  public init() {}

  /// Asks the work to stop; the first reason given wins.
  public func cancel(_ reason: Reason = .requested) {
    state.withLock { if $0 == nil { $0 = reason } }
  }

  /// Whether ``cancel(_:)`` has been called.
  public var isCancelled: Bool { state.withLock { $0 != nil } }

  /// The reason given to the first ``cancel(_:)``, or `nil`.
  public var reason: Reason? { state.withLock { $0 } }

  /// Throws the matching ``ComputeError`` once the token is cancelled; cheap enough to call often.
  public func check() throws(ComputeError) {
    if let reason = self.reason { throw ComputeError.cancelled(reason) }
  }
}
