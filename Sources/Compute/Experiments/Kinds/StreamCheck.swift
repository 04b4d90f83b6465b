/// STREAM's check of the final values: the scalar recurrence run for the same iterations, and
/// the average absolute error of each array relative to its expected value.
struct StreamCheck {
  var passed: Bool
  var worstError: Double
  var detail: String

  init(
    a: UnsafeBufferPointer<Double>, b: UnsafeBufferPointer<Double>, c: UnsafeBufferPointer<Double>, iterations: Int,
    epsilon: Double
  ) {
    var aj = 2.0
    var bj = 2.0
    var cj = 0.0
    let scalar = BandwidthExperiment.scalar
    for _ in 0..<iterations {
      cj = aj
      bj = scalar * cj
      cj = aj + bj
      aj = bj + scalar * cj
    }
    func averageError(_ values: UnsafeBufferPointer<Double>, _ expected: Double) -> Double {
      var sum = 0.0
      for value in values { sum += abs(value - expected) }
      return sum / Double(max(values.count, 1)) / abs(expected)
    }
    let errors = [averageError(a, aj), averageError(b, bj), averageError(c, cj)]
    worstError = errors.max() ?? 0
    passed = worstError <= epsilon
    detail =
      "average relative errors a \(Format.number(errors[0])), b \(Format.number(errors[1])), c \(Format.number(errors[2])) (expected a = \(Format.number(aj)), b = \(Format.number(bj)), c = \(Format.number(cj)) after \(iterations) iterations)."
  }
}
