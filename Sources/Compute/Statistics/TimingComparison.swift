/// Two sets of repeats of one timed quantity, compared: is B the same as A, faster, slower, or
/// can the samples not tell? Times: smaller is faster.
///
/// The rule, with α = 0.05 and the Mann–Whitney U test (``MannWhitney``):
/// - fewer than 3 repeats on a side: `inconclusive`;
/// - significant (p < α) and the medians differ by at least `practical` (1%): `faster` or `slower`;
/// - significant but under 1%: `same` (a real difference too small to matter);
/// - not significant and the medians within `equivalence` (5%): `same`;
/// - not significant and further apart: `inconclusive` (too noisy to tell; take more repeats).
public struct TimingComparison: Sendable, Codable, Equatable {
  public enum Verdict: String, Sendable, Codable {
    case same, faster, slower, inconclusive
  }

  public var verdict: Verdict
  /// (median B − median A) / median A: +0.10 is B 10% slower.
  public var change: Double
  /// The test, when both sides had repeats.
  public var test: MannWhitney?
  /// Why the verdict is what it is, in a sentence.
  public var reason: String

  public static let alpha = 0.05
  public static let practical = 0.01
  public static let equivalence = 0.05

  public init(a: [Double], b: [Double]) {
    let medianA = MedianInterval(a).median
    let medianB = MedianInterval(b).median
    change = medianA > 0 ? (medianB - medianA) / medianA : 0
    test = MannWhitney(a, b)
    let percent = "\(Format.number(100 * abs(change)))%"
    guard a.count >= 3, b.count >= 3, let test else {
      verdict = .inconclusive
      reason = "too few repeats to test (\(a.count) and \(b.count); at least 3 each)"
      return
    }
    let p = "p = \(Format.number(test.pValue))"
    switch (test.pValue < Self.alpha, abs(change) >= Self.practical, abs(change) < Self.equivalence) {
    case (true, true, _):
      verdict = change > 0 ? .slower : .faster
      reason = "B's median is \(percent) \(change > 0 ? "slower" : "faster"), \(p) < \(Self.alpha)"
    case (true, false, _):
      verdict = .same
      reason = "a significant difference (\(p)) but only \(percent), under the \(Format.number(100 * Self.practical))% that matters"
    case (false, _, true):
      verdict = .same
      reason = "no significant difference (\(p)) and the medians within \(percent)"
    case (false, _, false):
      verdict = .inconclusive
      let floor = MannWhitney.smallestTwoSidedP(a.count, b.count)
      reason =
        floor >= Self.alpha
        ? "the medians differ by \(percent), but with \(a.count) and \(b.count) repeats the smallest p the test can give is \(Format.number(floor)), not below \(Self.alpha); take at least 4 repeats a side"
        : "the medians differ by \(percent) but the repeats are too noisy to tell (\(p)); take more repeats"
    }
  }
}
