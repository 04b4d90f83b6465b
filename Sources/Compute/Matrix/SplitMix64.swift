/// The SplitMix64 generator (Steele, Lea and Flood, 2014), used to make matmul inputs from a seed.
///
/// Each step adds 0x9E3779B97F4A7C15 to a 64-bit state and mixes it:
/// `z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9; z = (z ^ (z >> 27)) * 0x94D049BB133111EB; z ^ (z >> 31)`.
/// It is tiny, fast, passes BigCrush, and is easy to reimplement in a bench script.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  private var state: UInt64

  /// Starts the sequence at `seed`.
  public init(seed: UInt64) { state = seed }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A value in [-1, 1) on a grid of 2⁻²³: `Double(next() >> 40) / 2²³ - 1`.
  ///
  /// The 24 random bits make every value exact in float32 as well as float64, so a seed gives
  /// the same matrices in both dtypes.
  public mutating func nextUnit() -> Double {
    Double(next() >> 40) * 0x1p-23 - 1
  }
}
