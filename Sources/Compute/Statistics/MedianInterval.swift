/// A distribution-free confidence interval for the median of some samples, from their order
/// statistics: [x₍ⱼ₎, x₍ₙ₋ⱼ₊₁₎] covers the population median with probability
/// 1 − 2·P(Binomial(n, ½) < j). `j` is the largest rank that keeps the coverage at or above the
/// level asked; below 6 samples no rank reaches 95%, and the interval is the whole range (with its
/// smaller coverage stated).
public struct MedianInterval: Sendable, Codable, Equatable {
  /// The median of the samples.
  public var median: Double
  /// The interval's ends.
  public var lower: Double
  public var upper: Double
  /// The probability that the interval covers the median (0.5 for a single sample).
  public var coverage: Double

  /// Half the interval's width over the median: "±2%" is 0.02. Infinite for a single sample,
  /// which says nothing of its spread.
  public var relativeHalfWidth: Double {
    guard coverage > 0.5, median > 0 else { return .infinity }
    return (upper - lower) / 2 / median
  }

  public init(_ samples: [Double], level: Double = 0.95) {
    let sorted = samples.sorted()
    let n = sorted.count
    guard n > 0 else {
      (median, lower, upper, coverage) = (0, 0, 0, 0)
      return
    }
    median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    guard n > 1 else {
      (lower, upper, coverage) = (sorted[0], sorted[0], 0.5)
      return
    }
    // tail[j] = P(Binomial(n, ½) < j), built from the probabilities of 0, 1, … successes.
    var rank = 1
    var below = 0.0  // P(X < rank)
    var probability = Self.halfPower(n)  // P(X = rank − 1), starting at P(X = 0)
    var coverage = 1 - 2 * probability
    while rank < n / 2 {
      let nextBelow = below + probability
      let nextProbability = probability * Double(n - rank + 1) / Double(rank)
      let nextCoverage = 1 - 2 * (nextBelow + nextProbability)
      guard nextCoverage >= level else { break }
      (rank, below, probability, coverage) = (rank + 1, nextBelow, nextProbability, nextCoverage)
    }
    lower = sorted[rank - 1]
    upper = sorted[n - rank]
    self.coverage = coverage
  }

  /// 2⁻ⁿ.
  private static func halfPower(_ n: Int) -> Double { Double(sign: .plus, exponent: -n, significand: 1) }
}
