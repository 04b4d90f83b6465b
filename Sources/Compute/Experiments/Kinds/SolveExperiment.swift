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
  static let parameters: [JobParameter] = [
    .int("n", default: 1000, min: 2, max: 3000, unit: "rows", "order of the random system"),
    .int(
      "hilbert_max", default: 14, min: 2, max: 20, unit: "rows",
      "largest order of the Hilbert systems, which start at 2"),
    .choice(
      "naive", default: "yes", allowed: ["yes", "no"],
      "also solve the random system with a textbook Gaussian elimination in Swift"),
    .repeats(default: 3, max: 20),
    .seed(default: 42),
  ]

  let n: Int
  let hilbertMax: Int
  let naive: Bool
  let repeats: Int
  let seed: UInt64

  init(_ parameters: JobParameters, environment: ExperimentEnvironment) throws(ComputeError) {
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
        1
          / (try LAPACK.reciprocalConditionEstimate(
            try LAPACK.factorize(h, n: order), oneNorm: LAPACK.oneNorm(h, n: order)))
      }
      hilbert.append(
        System(
          n: order, backwardError: Self.backwardError(h, hx, hb, n: order), forwardError: Self.forwardError(hx),
          conditionEstimate: estimate, conditionExact: Self.hilbertConditionNumber(order)))
      session.advance()
    }
    return report(
      random: random, hilbert: hilbert, lapackSeconds: lapack.reportedSeconds, naive: naiveRun, session: session)
  }
}
