/// Seconds elapsed on the monotonic clock since it was made.
struct Stopwatch {
  private let clock = ContinuousClock()
  private let start: ContinuousClock.Instant

  init() { start = clock.now }

  var seconds: Double { (clock.now - start).seconds }

  /// Seconds on the continuous clock since an arbitrary origin.
  static func monotonicSeconds() -> Double {
    (ContinuousClock.now - origin).seconds
  }

  private static let origin = ContinuousClock.now
}

extension Duration {
  /// The duration as floating-point seconds.
  var seconds: Double {
    let (whole, atto) = components
    return Double(whole) + Double(atto) * 1e-18
  }
}
