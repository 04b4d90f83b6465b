/// Seconds elapsed on the monotonic clock since it was made.
struct Stopwatch {
  private let clock = ContinuousClock()
  private let start: ContinuousClock.Instant

  init() { start = clock.now }

  var seconds: Double { (clock.now - start).seconds }
}

extension Duration {
  /// The duration as floating-point seconds.
  var seconds: Double {
    let (whole, atto) = components
    return Double(whole) + Double(atto) * 1e-18
  }
}
