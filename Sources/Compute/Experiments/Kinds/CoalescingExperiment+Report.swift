// The coalescing experiment's figures, series, verification and summary.
extension CoalescingExperiment {
  func report(
    rates: [(stride: Int, gbPerSecond: Double)], transpose: (naive: Double, tiled: Double), tile: Int,
    failures: [String],
    session: ExperimentSession
  ) -> ExperimentReport {
    let unit = rates[0].gbPerSecond
    var figures = [
      ExperimentFigure(
        name: "unit_stride_gb_s", value: unit, unit: "GB/s",
        label: "copy with unit stride (adjacent work-items, adjacent addresses)")
    ]
    let worst = rates.min { $0.gbPerSecond < $1.gbPerSecond }!
    let last = rates[rates.count - 1]
    if rates.count > 1 {
      figures += [
        ExperimentFigure(
          name: "max_stride_gb_s", value: last.gbPerSecond, unit: "GB/s", label: "copy with stride \(last.stride)"),
        ExperimentFigure(
          name: "worst_stride_gb_s", value: worst.gbPerSecond, unit: "GB/s", label: "slowest stride (\(worst.stride))"),
        ExperimentFigure(
          name: "unit_over_worst", value: unit / worst.gbPerSecond, unit: "×",
          label: "unit-stride bandwidth over the slowest stride's"),
      ]
    }
    figures += [
      ExperimentFigure(
        name: "naive_transpose_gb_s", value: transpose.naive, unit: "GB/s", label: "naive transpose (strided writes)"),
      ExperimentFigure(
        name: "tiled_transpose_gb_s", value: transpose.tiled, unit: "GB/s",
        label: "tiled transpose (\(tile)×\(tile) tiles in local memory)"),
      ExperimentFigure(
        name: "tiled_over_naive", value: transpose.tiled / transpose.naive, unit: "×",
        label: "tiled transpose bandwidth over naive"),
    ]
    let series = [
      ExperimentSeries(
        name: "strided copy", xLabel: "stride", xUnit: "elements (4 bytes)", yLabel: "effective bandwidth",
        yUnit: "GB/s",
        points: rates.map { .init(x: Double($0.stride), y: $0.gbPerSecond) })
    ]
    let info = session.device.device.info
    var summary = ""
    if rates.count > 1 {
      summary +=
        "Copying \(Format.count(n)) floats with adjacent work-items \(worst.stride) elements apart reached \(Format.number(worst.gbPerSecond)) GB/s, \(Format.ratio(unit / worst.gbPerSecond)) below unit stride (\(Format.number(unit)) GB/s): "
      summary +=
        info.type.contains("cpu")
        ? "on this CPU device each 64-byte cache line fetched served only part of its 16 floats before being evicted, and vector loads became gathers. "
        : "a warp's 32 loads no longer fall in a few memory transactions but in up to 32. "
    } else {
      summary += "Unit-stride copy reached \(Format.number(unit)) GB/s. "
    }
    summary +=
      "The tiled transpose, which stages \(tile)×\(tile) tiles in local memory so that both reads and writes run along rows, reached \(Format.number(transpose.tiled)) GB/s against \(Format.number(transpose.naive)) GB/s for the naive one (\(Format.ratio(transpose.tiled / transpose.naive)))."
    if let hierarchyNote { summary += " " + hierarchyNote }
    if info.type.contains("cpu") {
      summary +=
        " On a CPU device local memory is ordinary cached memory, so tiling helps through cache blocking rather than an on-chip scratchpad."
    }
    return ExperimentReport(
      figures: figures, series: series,
      verification: ExperimentVerification(
        method:
          "every output element compared exactly with the host: input + stride for each point of the sweep, the host transpose for both transposes",
        passed: failures.isEmpty, maxError: nil, tolerance: nil,
        detail: failures.isEmpty
          ? "All \(rates.count) strides and both transposes produced exactly the expected elements."
          : failures.joined(separator: "; ") + "."),
      device: session.deviceDescription, summary: summary,
      workingSets: [.init(what: "the strided copy's input and output", bytes: 2 * n * 4, meant: "global memory", onDevice: true)])
  }
}
