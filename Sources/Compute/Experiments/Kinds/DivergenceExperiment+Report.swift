// The divergence experiment's figures, verification and summary.
extension DivergenceExperiment {
  func report(
    divergentNs: Double, uniformNs: Double, group: Int, error: Double, samples: Int, session: ExperimentSession
  ) -> ExperimentReport {
    let ratio = divergentNs / uniformNs
    let figures = [
      ExperimentFigure(
        name: "divergent_ns", value: divergentNs, unit: "ns/element",
        label: "branch split within each work-group (\(pattern))"),
      ExperimentFigure(
        name: "uniform_ns", value: uniformNs, unit: "ns/element", label: "branch uniform per work-group"),
      ExperimentFigure(
        name: "divergent_over_uniform", value: ratio, unit: "×", label: "divergent time over uniform time"),
      ExperimentFigure(
        name: "group_size_used", value: Double(group), unit: "work-items", label: "work-group size used"),
      ExperimentFigure(
        name: "uniform_gflops", value: 2 * Double(work) / uniformNs, unit: "GFLOP/s",
        label: "FMA rate of the uniform kernel (2 flops per FMA)"),
    ]
    let info = session.device.device.info
    let split = pattern == "halves" ? "into the first and second half of each group" : "between alternate work-items"
    var summary =
      "With the branch split \(split), each element took \(Format.number(divergentNs)) ns against \(Format.number(uniformNs)) ns when the whole group took the same path (\(Format.ratio(ratio))), for the same work: \(work) FMAs per element, groups of \(group). "
    if info.type.contains("cpu") {
      summary +=
        ratio > 1.5
        ? "PoCL runs a work-group's work-items as the lanes of vector instructions; where lanes disagree it executes both paths under masks, like a GPU warp, so divergence costs here too. "
        : ratio > 1.15
          ? "This CPU device pays a little for it: PoCL vectorises work-items across lanes where it can, and a split group cannot share one instruction stream. "
          : "This CPU device shows no clear cost (differences within about 15% are noise from other work on the machine): each core runs work-items one after another, so a work-item on one path never waits for one on the other. "
      summary +=
        "On a GPU, the lanes of a warp (32) or wavefront (64) that disagree execute both paths one after the other, approaching 2× for two equal paths; splitting by halves of a 64-wide group falls on warp boundaries and avoids it."
    } else {
      summary +=
        ratio > 1.15
        ? "Lanes of a warp or wavefront that disagree execute both paths one after the other, with the inactive half masked off."
        : "The split did not fall inside warps or wavefronts here (or the compiler predicated both paths cheaply), so divergence cost little."
    }
    return ExperimentReport(
      figures: figures, series: [],
      verification: ExperimentVerification(
        method:
          "\(samples) elements (spread over the array, plus the first two and the last groups) compared with the same fused multiply-add loop on the host",
        passed: error <= 1e-6, maxError: error, tolerance: 1e-6,
        detail: "Largest relative difference from the host over both kernels: \(Format.number(error))."),
      device: session.deviceDescription, summary: summary)
  }
}
