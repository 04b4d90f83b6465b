import HTTP
import Synchronization

/// A clock a test moves by hand: a server configured with it sees time pass only when the test
/// says so, so timeout tests advance it instead of sleeping.
public final class ManualClock: ConnectionClock {
  private let seconds: Mutex<Double>

  public init(_ start: Double = 1000) { seconds = Mutex(start) }

  public var now: Double { seconds.withLock { $0 } }

  /// Moves the clock forward.
  public func advance(by delta: Double) { seconds.withLock { $0 += delta } }
}
