// The solve experiment's figures, series, verification and summary.
extension SolveExperiment {
  func report(
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
    let worstEstimateRatio =
      trusted.map { max($0.conditionEstimate / $0.conditionExact, $0.conditionExact / $0.conditionEstimate) }.max() ?? 1
    let naiveOK = naive.map { $0.forwardError <= max(1e-8, 1e3 * random.forwardError) } ?? true
    let passed = worstBackward <= backwardTolerance && worstEstimateRatio <= 10 && naiveOK
    var detail =
      "Largest backward error \(Format.number(worstBackward)) (tolerance 10·n·ε = \(Format.number(backwardTolerance))) over the random system and \(hilbert.count) Hilbert systems; "
      + "dgecon's κ₁ estimate was within \(Format.ratio(worstEstimateRatio)) of the exact κ₁ for the \(trusted.count) systems with κ₁ ≤ 10^14 (allowed 10×)."
    if let naive {
      detail +=
        " The textbook elimination's forward error is \(Format.number(naive.forwardError))\(naiveOK ? "" : ", too far from LAPACK's")."
    }

    let worstHilbert = hilbert.last!
    let firstBad = hilbert.first { $0.forwardError > 1e-2 }
    var figures = [
      ExperimentFigure(
        name: "dgesv_seconds", value: lapackSeconds, unit: "s", label: "LAPACKE_dgesv on the random \(n)×\(n) system"),
      ExperimentFigure(
        name: "dgesv_gflops", value: gflops, unit: "GFLOP/s", label: "dgesv rate, counting 2n³/3 + 2n² flops"),
      ExperimentFigure(
        name: "random_backward_error", value: random.backwardError, unit: "relative error",
        label: "‖Ax̂−b‖∞/(‖A‖∞‖x̂‖∞), random system"),
      ExperimentFigure(
        name: "random_forward_error", value: random.forwardError, unit: "relative error", label: "‖x̂−1‖∞, random system"
      ),
      ExperimentFigure(
        name: "random_condition_estimate", value: random.conditionEstimate, unit: "κ₁",
        label: "dgecon estimate of κ₁, random system"),
      ExperimentFigure(
        name: "random_condition_exact", value: random.conditionExact, unit: "κ₁",
        label: "‖A‖₁‖A⁻¹‖₁ with A⁻¹ from dgetri, random system"),
      ExperimentFigure(
        name: "hilbert_condition_exact", value: worstHilbert.conditionExact, unit: "κ₁",
        label: "κ₁ of the \(worstHilbert.n)×\(worstHilbert.n) Hilbert matrix (closed-form inverse)"),
      ExperimentFigure(
        name: "hilbert_forward_error", value: worstHilbert.forwardError, unit: "relative error",
        label: "‖x̂−1‖∞, \(worstHilbert.n)×\(worstHilbert.n) Hilbert system"),
      ExperimentFigure(
        name: "hilbert_backward_error", value: worstHilbert.backwardError, unit: "relative error",
        label: "backward error, \(worstHilbert.n)×\(worstHilbert.n) Hilbert system"),
    ]
    if let naive {
      figures.insert(
        contentsOf: [
          ExperimentFigure(
            name: "naive_seconds", value: naive.seconds, unit: "s",
            label: "textbook Gaussian elimination in Swift, same system"),
          ExperimentFigure(
            name: "naive_over_dgesv", value: naive.seconds / lapackSeconds, unit: "×",
            label: "textbook time over dgesv time"),
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
    if let naive {
      summary += ", \(Format.ratio(naive.seconds / lapackSeconds)) faster than a textbook elimination in Swift"
    }
    summary +=
      "; with κ₁ ≈ \(Format.number(random.conditionEstimate)) its answer is off by \(Format.number(random.forwardError)). "
      + "Hilbert matrices are notoriously ill-conditioned: κ₁ grows from \(Format.number(hilbert[0].conditionExact)) at n = 2 to \(Format.number(worstHilbert.conditionExact)) at n = \(worstHilbert.n), and the forward error follows κ₁·ε up to \(Format.number(worstHilbert.forwardError))"
    summary += firstBad.map { " (over 1% from n = \($0.n))" } ?? ""
    summary +=
      ", while the backward error stays near \(Format.number(worstHilbert.backwardError)): LAPACK solves a nearby problem exactly, but for an ill-conditioned matrix a nearby problem has a very different answer."
    return ExperimentReport(
      figures: figures, series: series,
      verification: ExperimentVerification(
        method:
          "backward error of every solve against 10·n·ε; dgecon's κ₁ estimate against κ₁ from dgetri (random) or the closed-form Hilbert inverse",
        passed: passed, maxError: worstBackward, tolerance: backwardTolerance, detail: detail),
      device: "\(session.hostDescription), OpenBLAS LAPACK", summary: summary)
  }
}
