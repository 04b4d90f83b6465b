/// `solve`: LAPACK `dgesv` (LU with partial pivoting) on a random n×n system and on Hilbert
/// systems of order 2…`hilbert_max`, each with the known solution x = ones (b = A·1).
///
/// Reported per system: the normwise backward error ‖A·x̂ − b‖∞ / (‖A‖∞‖x̂‖∞), the forward error
/// ‖x̂ − 1‖∞, and the 1-norm condition number κ₁. κ₁ is LAPACK's estimate (`dgetrf` + `dgecon`);
/// it is checked against κ₁ computed exactly enough: ‖A‖₁‖A⁻¹‖₁ with A⁻¹ from `dgetri` for the
/// random matrix, and from the Hilbert matrix's closed-form inverse for the Hilbert ones.
/// Optionally a textbook Gaussian elimination in Swift solves the random system too, to show
/// what the library buys.
struct SolveExperiment: Experiment {
  static let kind = ExperimentKind.solve
  static let parameters: [ExperimentParameter] = [
    .int("n", default: 1000, min: 2, max: 3000, unit: "rows", "order of the random system"),
    .int("hilbert_max", default: 14, min: 2, max: 20, unit: "rows", "largest order of the Hilbert systems, which start at 2"),
    .choice("naive", default: "yes", allowed: ["yes", "no"], "also solve the random system with a textbook Gaussian elimination in Swift"),
    .repeats(default: 3, max: 20),
    .seed(default: 42),
  ]

  let n: Int
  let hilbertMax: Int
  let naive: Bool
  let repeats: Int
  let seed: UInt64

  init(_ parameters: ExperimentParameters, environment: ExperimentEnvironment) throws(ComputeError) {
    n = parameters.int("n")
    hilbertMax = parameters.int("hilbert_max")
    naive = parameters.string("naive") == "yes"
    repeats = parameters.int("repeats")
    seed = UInt64(parameters.int("seed"))
  }

  /// LU flops of an n×n solve: 2n³/3 for the factorisation, 2n² for the triangular solves.
  static func solveFlops(_ n: Int) -> Double { 2 * Double(n) * Double(n) * Double(n) / 3 + 2 * Double(n) * Double(n) }

  var cost: ExperimentCost {
    // A, its LU, its inverse, the naive copy: four n×n matrices at most.
    let library = (Double(repeats + 1) + 4) * Self.solveFlops(n) / ExperimentCost.Rates.blasFlopsPerSecond
    let textbook = naive ? Self.solveFlops(n) / ExperimentCost.Rates.scalarOpsPerSecond : 0
    return ExperimentCost(
      memoryBytes: 4 * n * n * 8, seconds: library + textbook,
      progressUnits: 1 + (repeats + 1) + (naive ? 1 : 0) + 1 + (hilbertMax - 1), sizeField: "n")
  }

  /// One solved system and its figures.
  struct System {
    var n: Int
    var backwardError: Double
    var forwardError: Double
    var conditionEstimate: Double
    var conditionExact: Double
  }

  func run(_ session: ExperimentSession) throws -> ExperimentReport {
    let n = self.n
    let a = session.setup { () -> [Double] in
      var generator = SplitMix64(seed: seed)
      return (0..<(n * n)).map { _ in generator.nextUnit() }
    }
    let b = Self.rowSums(a, n: n)
    session.advance()

    var x: [Double] = []
    let lapack = try session.measure(
      "dgesv, n = \(n)", clock: .host, includes: "LAPACKE_dgesv including its O(n²) copies of A and b", repeats: repeats
    ) {
      x = try LAPACK.solve(a: a, b: b, n: n)
      return nil
    }
    var naiveRun: (seconds: Double, forwardError: Double)?
    if naive {
      var naiveX: [Double] = []
      let measurement = try session.measure(
        "textbook Gaussian elimination, n = \(n)", clock: .host,
        includes: "the Swift elimination and back substitution, including its copy of A; one run, no warm-up",
        repeats: 1, warmups: 0
      ) {
        naiveX = try Self.gaussianElimination(a, b, n: n, token: session.token)
        return nil
      }
      naiveRun = (measurement.reportedSeconds, Self.forwardError(naiveX))
    }
    try session.check()
    let random = try session.verifying { () throws(ComputeError) -> System in
      let lu = try LAPACK.factorize(a, n: n)
      let oneNorm = LAPACK.oneNorm(a, n: n)
      let estimate = 1 / (try LAPACK.reciprocalConditionEstimate(lu, oneNorm: oneNorm))
      let inverse = try LAPACK.inverse(lu)
      return System(
        n: n, backwardError: Self.backwardError(a, x, b, n: n), forwardError: Self.forwardError(x),
        conditionEstimate: estimate, conditionExact: oneNorm * LAPACK.oneNorm(inverse, n: n))
    }
    session.advance()

    var hilbert: [System] = []
    for order in 2...hilbertMax {
      try session.check()
      let h = Self.hilbert(order)
      let hb = Self.rowSums(h, n: order)
      let hx = try LAPACK.solve(a: h, b: hb, n: order)
      let estimate = try session.verifying { () throws(ComputeError) -> Double in
        1 / (try LAPACK.reciprocalConditionEstimate(try LAPACK.factorize(h, n: order), oneNorm: LAPACK.oneNorm(h, n: order)))
      }
      hilbert.append(
        System(
          n: order, backwardError: Self.backwardError(h, hx, hb, n: order), forwardError: Self.forwardError(hx),
          conditionEstimate: estimate, conditionExact: Self.hilbertConditionNumber(order)))
      session.advance()
    }
    return report(random: random, hilbert: hilbert, lapackSeconds: lapack.reportedSeconds, naive: naiveRun, session: session)
  }

  private func report(
    random: System, hilbert: [System], lapackSeconds: Double, naive: (seconds: Double, forwardError: Double)?,
    session: ExperimentSession
  ) -> ExperimentReport {
    let epsilon = Double.ulpOfOne
    let gflops = Self.solveFlops(n) / lapackSeconds / 1e9

    // Verification: backward stability everywhere; LAPACK's κ estimate within 10× of the truth
    // where the factorisation can be trusted (κ ≤ 10¹⁴); the textbook solver agrees.
    let backwardTolerance = 10 * Double(max(n, hilbertMax)) * epsilon
    let worstBackward = ([random] + hilbert).map(\.backwardError).max() ?? 0
    let trusted = ([random] + hilbert).filter { $0.conditionExact <= 1e14 }
    let worstEstimateRatio = trusted.map { max($0.conditionEstimate / $0.conditionExact, $0.conditionExact / $0.conditionEstimate) }.max() ?? 1
    let naiveOK = naive.map { $0.forwardError <= max(1e-8, 1e3 * random.forwardError) } ?? true
    let passed = worstBackward <= backwardTolerance && worstEstimateRatio <= 10 && naiveOK
    var detail =
      "Largest backward error \(Format.number(worstBackward)) (tolerance 10·n·ε = \(Format.number(backwardTolerance))) over the random system and \(hilbert.count) Hilbert systems; "
      + "dgecon's κ₁ estimate was within \(Format.ratio(worstEstimateRatio)) of the exact κ₁ for the \(trusted.count) systems with κ₁ ≤ 10^14 (allowed 10×)."
    if let naive {
      detail += " The textbook elimination's forward error is \(Format.number(naive.forwardError))\(naiveOK ? "" : ", too far from LAPACK's")."
    }

    let worstHilbert = hilbert.last!
    let firstBad = hilbert.first { $0.forwardError > 1e-2 }
    var figures = [
      ExperimentFigure(name: "dgesv_seconds", value: lapackSeconds, unit: "s", label: "LAPACKE_dgesv on the random \(n)×\(n) system"),
      ExperimentFigure(name: "dgesv_gflops", value: gflops, unit: "GFLOP/s", label: "dgesv rate, counting 2n³/3 + 2n² flops"),
      ExperimentFigure(name: "random_backward_error", value: random.backwardError, unit: "relative error", label: "‖Ax̂−b‖∞/(‖A‖∞‖x̂‖∞), random system"),
      ExperimentFigure(name: "random_forward_error", value: random.forwardError, unit: "relative error", label: "‖x̂−1‖∞, random system"),
      ExperimentFigure(name: "random_condition_estimate", value: random.conditionEstimate, unit: "κ₁", label: "dgecon estimate of κ₁, random system"),
      ExperimentFigure(name: "random_condition_exact", value: random.conditionExact, unit: "κ₁", label: "‖A‖₁‖A⁻¹‖₁ with A⁻¹ from dgetri, random system"),
      ExperimentFigure(name: "hilbert_condition_exact", value: worstHilbert.conditionExact, unit: "κ₁", label: "κ₁ of the \(worstHilbert.n)×\(worstHilbert.n) Hilbert matrix (closed-form inverse)"),
      ExperimentFigure(name: "hilbert_forward_error", value: worstHilbert.forwardError, unit: "relative error", label: "‖x̂−1‖∞, \(worstHilbert.n)×\(worstHilbert.n) Hilbert system"),
      ExperimentFigure(name: "hilbert_backward_error", value: worstHilbert.backwardError, unit: "relative error", label: "backward error, \(worstHilbert.n)×\(worstHilbert.n) Hilbert system"),
    ]
    if let naive {
      figures.insert(
        contentsOf: [
          ExperimentFigure(name: "naive_seconds", value: naive.seconds, unit: "s", label: "textbook Gaussian elimination in Swift, same system"),
          ExperimentFigure(name: "naive_over_dgesv", value: naive.seconds / lapackSeconds, unit: "×", label: "textbook time over dgesv time"),
        ], at: 2)
    }
    func curve(_ name: String, _ unit: String, _ value: (System) -> Double) -> ExperimentSeries {
      ExperimentSeries(
        name: name, xLabel: "Hilbert order n", xUnit: "rows", yLabel: name, yUnit: unit,
        points: hilbert.map { .init(x: Double($0.n), y: value($0)) })
    }
    let series = [
      curve("forward error", "relative error", \.forwardError),
      curve("backward error", "relative error", \.backwardError),
      curve("condition number κ₁", "κ₁", \.conditionExact),
      curve("κ₁·ε (error bound, roughly)", "relative error", { $0.conditionExact * epsilon }),
      curve("dgecon estimate of κ₁", "κ₁", \.conditionEstimate),
    ]

    var summary =
      "For a random \(n)×\(n) system, dgesv took \(Format.number(lapackSeconds * 1e3)) ms (\(Format.number(gflops)) GFLOP/s)"
    if let naive { summary += ", \(Format.ratio(naive.seconds / lapackSeconds)) faster than a textbook elimination in Swift" }
    summary +=
      "; with κ₁ ≈ \(Format.number(random.conditionEstimate)) its answer is off by \(Format.number(random.forwardError)). "
      + "Hilbert matrices are notoriously ill-conditioned: κ₁ grows from \(Format.number(hilbert[0].conditionExact)) at n = 2 to \(Format.number(worstHilbert.conditionExact)) at n = \(worstHilbert.n), and the forward error follows κ₁·ε up to \(Format.number(worstHilbert.forwardError))"
    summary += firstBad.map { " (over 1% from n = \($0.n))" } ?? ""
    summary +=
      ", while the backward error stays near \(Format.number(worstHilbert.backwardError)): LAPACK solves a nearby problem exactly, but for an ill-conditioned matrix a nearby problem has a very different answer."
    return ExperimentReport(
      figures: figures, series: series,
      verification: ExperimentVerification(
        method: "backward error of every solve against 10·n·ε; dgecon's κ₁ estimate against κ₁ from dgetri (random) or the closed-form Hilbert inverse",
        passed: passed, maxError: worstBackward, tolerance: backwardTolerance, detail: detail),
      device: "\(session.hostDescription), OpenBLAS LAPACK", summary: summary)
  }

  // MARK: - Matrices and norms

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
