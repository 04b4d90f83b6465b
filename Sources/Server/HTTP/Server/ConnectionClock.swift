/// Where a connection reads the time for its deadlines: the monotonic clock in a server, a clock
/// a test moves by hand (`ManualClock` in the test support) so that timeouts fire without sleeping.
public protocol ConnectionClock: Sendable {
  /// Seconds on a monotonic scale (only differences matter).
  var now: Double { get }
}

/// The system's monotonic clock.
public struct MonotonicClock: ConnectionClock {
  public init() {}
  public var now: Double { System.monotonicSeconds() }
}
