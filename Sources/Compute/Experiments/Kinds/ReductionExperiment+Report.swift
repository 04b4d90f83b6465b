// The reduction experiment's figures, verification and summary.
extension ReductionExperiment {
  func report(
    atomic: (seconds: Double, error: Double, tolerance: Double),
    tree: (seconds: Double, error: Double, tolerance: Double),
    group: Int, exact: Double, session: ExperimentSession
  ) -> ExperimentReport {
    let bytes = 4 * Double(n)
    let method = useInt64 ? "64-bit integer atomics on fixed point" : "a float compare-and-swap loop"
    let figures = [
      ExperimentFigure(name: "atomic_ms", value: atomic.seconds * 1e3, unit: "ms", label: "global atomics (\(method))"),
      ExperimentFigure(
        name: "tree_ms", value: tree.seconds * 1e3, unit: "ms",
        label: "local-memory tree, groups of \(group), \(perItem) elements per work-item"),
      ExperimentFigure(
        name: "atomic_gb_s", value: bytes / atomic.seconds / 1e9, unit: "GB/s", label: "input read rate, global atomics"
      ),
      ExperimentFigure(
        name: "tree_gb_s", value: bytes / tree.seconds / 1e9, unit: "GB/s", label: "input read rate, local-memory tree"),
      ExperimentFigure(
        name: "atomic_over_tree", value: atomic.seconds / tree.seconds, unit: "×", label: "atomic time over tree time"),
      ExperimentFigure(
        name: "atomic_error", value: atomic.error, unit: "relative error",
        label: "atomic sum against the float64 host sum"),
      ExperimentFigure(
        name: "tree_error", value: tree.error, unit: "relative error", label: "tree sum against the float64 host sum"),
    ]
    let passed = atomic.error <= atomic.tolerance && tree.error <= tree.tolerance
    let info = session.device.device.info
    var summary =
      "Summing \(Format.count(n)) floats with one global atomic add per element (\(method)) took \(Format.number(atomic.seconds * 1e3)) ms (\(Format.number(bytes / atomic.seconds / 1e9)) GB/s), against \(Format.number(tree.seconds * 1e3)) ms (\(Format.number(bytes / tree.seconds / 1e9)) GB/s) for a tree reduction in local memory: "
    let ratio = atomic.seconds / tree.seconds
    summary +=
      ratio >= 1
      ? "the atomics were \(Format.ratio(ratio)) slower. " : "here the atomics were \(Format.ratio(1 / ratio)) faster. "
    summary +=
      "Every atomic on the one counter waits its turn, while in the tree each work-item adds \(perItem) element\(perItem == 1 ? "" : "s") in a register and the group of \(group) combines its values in fast on-chip memory, writing one partial sum. "
    if info.type.contains("cpu") {
      summary +=
        "On this CPU device local memory is ordinary cache and each barrier costs a pass over the group's work-items, so the tree needs work per work-item to pay off; what it avoids is the serialised atomics and the counter's cache line bouncing between cores. "
    }
    if let hierarchyNote { summary += hierarchyNote + " " }
    summary +=
      "For tiled vs naive matrix multiply, the other use of local memory, run the matmul job with kernel naive and kernel tiled."
    return ExperimentReport(
      figures: figures, series: [],
      verification: ExperimentVerification(
        method: "both sums compared with the float64 host sum (exact for these inputs)",
        passed: passed, maxError: max(atomic.error, tree.error), tolerance: max(atomic.tolerance, tree.tolerance),
        detail:
          "Host sum \(Format.number(exact)); atomic sum off by \(Format.number(atomic.error)) (allowed \(Format.number(atomic.tolerance))\(useInt64 ? ": fixed point is exact" : "")), tree sum by \(Format.number(tree.error)) (allowed \(Format.number(tree.tolerance)))."
      ),
      device: session.deviceDescription, summary: summary)
  }
}
