import Foundation

/// The Mann–Whitney U test (Wilcoxon rank-sum) of two independent samples, two-sided, as
/// Google Benchmark's `compare.py` uses for timings: no assumption of normality, robust to the
/// outliers timings have.
///
/// The p-value is exact (the distribution of U enumerated) when neither sample has more than 20
/// values and there are no ties; otherwise it is the normal approximation with the tie correction
/// and a continuity correction.
public struct MannWhitney: Sendable, Codable, Equatable {
  /// U of the first sample: pairs (aᵢ, bⱼ) with aᵢ > bⱼ, ties counted as half.
  public var u: Double
  /// The two-sided p-value of "both come from the same distribution".
  public var pValue: Double
  /// The common-language effect size P(a > b) + ½·P(a = b) = U / (n_a·n_b): 0.5 when neither
  /// tends to be larger, 1 when every a exceeds every b.
  public var probabilityAGreater: Double
  /// `exact` or `normal approximation`.
  public var method: String

  public init?(_ a: [Double], _ b: [Double]) {
    let (na, nb) = (a.count, b.count)
    guard na > 0, nb > 0 else { return nil }
    // Ranks of the pooled sample, ties given their mean rank.
    let pooled = (a.map { ($0, true) } + b.map { ($0, false) }).sorted { $0.0 < $1.0 }
    var rankSumA = 0.0
    var tieTerm = 0.0
    var index = 0
    var ties = false
    while index < pooled.count {
      var end = index
      while end + 1 < pooled.count, pooled[end + 1].0 == pooled[index].0 { end += 1 }
      let size = Double(end - index + 1)
      if size > 1 {
        ties = true
        tieTerm += size * size * size - size
      }
      let rank = Double(index + end) / 2 + 1
      for position in index...end where pooled[position].1 { rankSumA += rank }
      index = end + 1
    }
    let u = rankSumA - Double(na * (na + 1)) / 2
    let product = Double(na * nb)
    self.u = u
    probabilityAGreater = u / product
    if !ties, na <= 20, nb <= 20 {
      method = "exact"
      pValue = Self.exactTwoSided(u: Int(u.rounded()), na: na, nb: nb)
    } else {
      method = "normal approximation"
      let n = Double(na + nb)
      let mean = product / 2
      let variance = product / 12 * ((n + 1) - tieTerm / (n * (n - 1)))
      guard variance > 0 else {
        pValue = 1
        return
      }
      let z = max(abs(u - mean) - 0.5, 0) / variance.squareRoot()
      pValue = min(1, erfc(z / 2.0.squareRoot()))
    }
  }

  /// P(|U − mean| ≥ |u − mean|) under the null, from the count of rank arrangements: the number
  /// of ways U = k with `na` and `nb` values satisfies c(na, nb, k) = c(na−1, nb, k−nb) + c(na, nb−1, k).
  static func exactTwoSided(u: Int, na: Int, nb: Int) -> Double {
    let maximum = na * nb
    // counts[j][k] for the current na, over nb' = 0…nb; built up one na at a time.
    var previous = [[Double]](repeating: [1] + [Double](repeating: 0, count: maximum), count: nb + 1)
    for i in 1...na {
      var current = [[Double]](repeating: [Double](repeating: 0, count: maximum + 1), count: nb + 1)
      current[0][0] = 1
      for j in 1...max(nb, 1) where j <= nb {
        for k in 0...min(i * j, maximum) {
          current[j][k] = (k >= j ? previous[j][k - j] : 0) + current[j - 1][k]
        }
      }
      previous = current
    }
    let counts = previous[nb]
    let total = counts.reduce(0, +)
    let mean = Double(maximum) / 2
    let distance = abs(Double(u) - mean)
    var extreme = 0.0
    for (k, count) in counts.enumerated() where abs(Double(k) - mean) >= distance - 1e-9 { extreme += count }
    return min(1, extreme / total)
  }

  /// The smallest two-sided p-value any data can give with `na` and `nb` values and no ties:
  /// the two most extreme of the C(na + nb, na) equally likely arrangements.
  public static func smallestTwoSidedP(_ na: Int, _ nb: Int) -> Double {
    var arrangements = 1.0
    for i in 0..<min(na, nb) { arrangements = arrangements * Double(na + nb - i) / Double(i + 1) }
    return min(1, 2 / arrangements)
  }

  enum CodingKeys: String, CodingKey {
    case u, method
    case pValue = "p_value"
    case probabilityAGreater = "probability_a_greater"
  }
}
