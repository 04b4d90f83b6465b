// The matrices, norms and condition numbers of the solve experiment, and the textbook solver.
extension SolveExperiment {
  /// b = A·1: the row sums, in float64.
  static func rowSums(_ a: [Double], n: Int) -> [Double] {
    (0..<n).map { i in (0..<n).reduce(0.0) { $0 + a[i * n + $1] } }
  }

  /// H(i, j) = 1/(i + j + 1), 0-based.
  static func hilbert(_ n: Int) -> [Double] {
    (0..<(n * n)).map { 1 / Double($0 / n + $0 % n + 1) }
  }

  /// ‖A·x − b‖∞ / (‖A‖∞ ‖x‖∞).
  static func backwardError(_ a: [Double], _ x: [Double], _ b: [Double], n: Int) -> Double {
    var residual = 0.0
    var normA = 0.0
    for i in 0..<n {
      var ax = 0.0
      var rowSum = 0.0
      for j in 0..<n {
        ax += a[i * n + j] * x[j]
        rowSum += abs(a[i * n + j])
      }
      residual = max(residual, abs(ax - b[i]))
      normA = max(normA, rowSum)
    }
    let normX = x.map(abs).max() ?? 0
    return normA * normX == 0 ? residual : residual / (normA * normX)
  }

  /// ‖x − 1‖∞ / ‖1‖∞.
  static func forwardError(_ x: [Double]) -> Double { x.map { abs($0 - 1) }.max() ?? 0 }

  /// κ₁ of the n×n Hilbert matrix from its closed-form inverse (1-based):
  /// (H⁻¹)ᵢⱼ = (−1)^(i+j) (i+j−1) C(n+i−1, n−j) C(n+j−1, n−i) C(i+j−2, i−1)²,
  /// and ‖H‖₁ = 1 + 1/2 + … + 1/n (its first column). Accurate to a few ulps at any n here.
  static func hilbertConditionNumber(_ n: Int) -> Double {
    var inverseNorm = 0.0
    for j in 1...n {
      var column = 0.0
      for i in 1...n {
        let c = binomial(i + j - 2, i - 1)
        column += Double(i + j - 1) * binomial(n + i - 1, n - j) * binomial(n + j - 1, n - i) * c * c
      }
      inverseNorm = max(inverseNorm, column)
    }
    let norm = (1...n).reduce(0.0) { $0 + 1 / Double($1) }
    return norm * inverseNorm
  }

  /// C(n, k) as a Double, exact while it fits in 53 bits (C(39, 19) does).
  static func binomial(_ n: Int, _ k: Int) -> Double {
    guard k >= 0, k <= n else { return 0 }
    var result = 1
    for step in 0..<min(k, n - k) { result = result * (n - step) / (step + 1) }
    return Double(result)
  }

  // MARK: - The textbook solver

  /// Gaussian elimination with partial pivoting, row by row, then back substitution: the algorithm
  /// LAPACK runs, without its blocking for caches or its tuned kernels.
  static func gaussianElimination(
    _ matrix: [Double], _ rhs: [Double], n: Int, token: CancellationToken
  ) throws(ComputeError) -> [Double] {
    var a = matrix
    var b = rhs
    try a.withUnsafeMutableBufferPointer { (a) throws(ComputeError) in
      for k in 0..<n {
        if k & 15 == 0 { try token.check() }
        var pivot = k
        for i in (k + 1)..<n where abs(a[i * n + k]) > abs(a[pivot * n + k]) { pivot = i }
        guard a[pivot * n + k] != 0 else {
          throw ComputeError(.singularMatrix, field: "a", message: "the matrix is singular at column \(k + 1)")
        }
        if pivot != k {
          for j in 0..<n { a.swapAt(k * n + j, pivot * n + j) }
          b.swapAt(k, pivot)
        }
        let diagonal = a[k * n + k]
        for i in (k + 1)..<n {
          let factor = a[i * n + k] / diagonal
          if factor == 0 { continue }
          for j in (k + 1)..<n { a[i * n + j] -= factor * a[k * n + j] }
          b[i] -= factor * b[k]
        }
      }
      for i in stride(from: n - 1, through: 0, by: -1) {
        var sum = b[i]
        for j in (i + 1)..<n { sum -= a[i * n + j] * b[j] }
        b[i] = sum / a[i * n + i]
      }
    }
    return b
  }
}
