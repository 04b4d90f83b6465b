// The summation methods compared, and the exact reference.
extension SummationExperiment {
  static func naive(_ x: UnsafeBufferPointer<Float>) -> Float {
    var sum: Float = 0
    for value in x { sum += value }
    return sum
  }

  /// Kahan's compensated sum: `c` holds the low-order bits lost by the last addition.
  static func kahan(_ x: UnsafeBufferPointer<Float>) -> Float {
    var sum: Float = 0
    var compensation: Float = 0
    for value in x {
      let y = value - compensation
      let t = sum + y
      compensation = (t - sum) - y
      sum = t
    }
    return sum
  }

  /// Pairwise (cascade) summation as NumPy does it: halves recursively, naive below 128 elements.
  static func pairwise(_ x: UnsafeBufferPointer<Float>) -> Float {
    if x.count <= 128 { return naive(x) }
    let half = x.count / 2
    return pairwise(UnsafeBufferPointer(rebasing: x[0..<half])) + pairwise(UnsafeBufferPointer(rebasing: x[half...]))
  }

  static func naive64(_ x: UnsafeBufferPointer<Float>) -> Double {
    var sum = 0.0
    for value in x { sum += Double(value) }
    return sum
  }

  /// Neumaier's variant of Kahan in float64 (also exact when a term is larger than the running sum).
  static func compensated64(_ x: UnsafeBufferPointer<Float>) -> Double {
    var sum = 0.0
    var compensation = 0.0
    for value in x {
      let v = Double(value)
      let t = sum + v
      compensation += abs(sum) >= abs(v) ? (sum - t) + v : (v - t) + sum
      sum = t
    }
    return sum + compensation
  }

  /// The exact sum in 128-bit fixed point with 96 fractional bits, rounded once to Double; `exact`
  /// is false if a value had bits below 2⁻⁹⁶, or was too large for `x.count` such terms to fit in
  /// 127 bits (neither happens for these data: values below 1, n ≤ 10⁸).
  static func exactSum(_ x: UnsafeBufferPointer<Float>) -> (value: Double, exact: Bool) {
    var total: Int128 = 0
    var exact = true
    // Each term is below 2^(24 + shift); the count adds its bit width; one bit is the sign.
    let maxShift = 126 - 24 - (Int.bitWidth - x.count.leadingZeroBitCount)
    for value in x {
      let bits = value.bitPattern
      let exponent = Int((bits >> 23) & 0xFF)
      var mantissa = Int128(bits & 0x7F_FFFF)
      guard exponent != 0xFF else {
        exact = false
        continue
      }
      let shift: Int
      if exponent == 0 {
        shift = -149 + 96
      } else {
        mantissa |= 0x80_0000
        shift = exponent - 150 + 96
      }
      guard shift <= maxShift else {
        exact = false
        continue
      }
      var term = mantissa
      if shift >= 0 {
        term <<= shift
      } else {
        term >>= -shift
        if term << -shift != mantissa { exact = false }
      }
      total += bits >> 31 == 0 ? term : -term
    }
    return (Double(total) * 0x1p-96, exact)
  }
}
