// The roofline's figures, series, verification and summary.
extension RooflineExperiment {
  func report(
    ceilings: [(dtype: String, gflops: Double)], readings: [Reading], verified: Bool, ceilingSource: String,
    device: String
  ) -> ExperimentReport {
    var figures = ceilings.map { ceiling in
      ExperimentFigure(
        name: "\(ceiling.dtype)_peak_gflops", value: ceiling.gflops, unit: "GFLOP/s",
        label: "\(ceiling.dtype) ceiling (\(ceilingSource))")
    }
    figures += readings.map { reading in
      ExperimentFigure(
        name: reading.level.figure, value: reading.gbPerSecond, unit: "GB/s",
        label: "read bandwidth, \(reading.level.name)\(reading.level.bytes > 0 ? " (\(Format.bytes(reading.level.bytes)) working set)" : "")")
    }
    let memory = readings.last { $0.level.isMemory }
    for ceiling in ceilings {
      guard let memory, memory.gbPerSecond > 0 else { continue }
      figures.append(
        ExperimentFigure(
          name: "\(ceiling.dtype)_ridge_intensity", value: ceiling.gflops / memory.gbPerSecond, unit: "FLOP/byte",
          label: "\(ceiling.dtype) ridge point over \(memory.level.name): below it a kernel is memory-bound"))
    }
    let intensities = (-6...10).map { Double(sign: .plus, exponent: $0, significand: 1) }
    var series: [ExperimentSeries] = []
    for ceiling in ceilings {
      for reading in readings where reading.gbPerSecond > 0 {
        series.append(
          ExperimentSeries(
            name: "\(ceiling.dtype) roofline, \(reading.level.name)", xLabel: "arithmetic intensity", xUnit: "FLOP/byte",
            yLabel: "attainable", yUnit: "GFLOP/s",
            points: intensities.map { .init(x: $0, y: min(ceiling.gflops, $0 * reading.gbPerSecond)) }))
      }
    }
    series.append(
      ExperimentSeries(
        name: "bandwidth by level", xLabel: "level (1 = nearest)", xUnit: "level", yLabel: "read bandwidth", yUnit: "GB/s",
        points: readings.enumerated().map { .init(x: Double($0.offset + 1), y: $0.element.gbPerSecond) }))
    let allRead = readings.allSatisfy(\.verified)
    let levelsText = readings.map { "\($0.level.name) \(Format.number($0.gbPerSecond)) GB/s" }.joined(separator: ", ")
    let ceilingsText = ceilings.map { "\($0.dtype) \(Format.number($0.gflops)) GFLOP/s" }.joined(separator: ", ")
    var summary = "Ceilings: \(ceilingsText) (\(ceilingSource)). Read bandwidth: \(levelsText). "
    if let memory, let float64 = ceilings.first(where: { $0.dtype == "float64" }) ?? ceilings.first {
      summary +=
        "A \(float64.dtype) kernel needs more than \(Format.number(float64.gflops / memory.gbPerSecond)) flops per byte from \(memory.level.name) to be compute-bound here; "
      if let nearest = readings.first, nearest.gbPerSecond > 0 {
        summary +=
          "from the \(nearest.level.name) it needs only \(Format.number(float64.gflops / nearest.gbPerSecond)), which is why blocking for caches pays."
      }
    }
    if let cappedNote { summary += " " + cappedNote.prefix(1).uppercased() + cappedNote.dropFirst() + "." }
    return ExperimentReport(
      figures: figures, series: series,
      verification: ExperimentVerification(
        method:
          "each read's sums compared with the count of elements read (every input is 1); each ceiling's product checked (GEMM of ones: every element n; peak: its closed form)",
        passed: allRead && verified, maxError: nil, tolerance: nil,
        detail: allRead && verified
          ? "Every read summed to the number of elements read, and the ceilings' results were exact."
          : "A read or a ceiling's result was wrong: \(readings.filter { !$0.verified }.map(\.level.name).joined(separator: ", "))."),
      device: device, summary: summary,
      workingSets: readings.filter(\.level.isMemory).map {
        .init(what: "the \($0.level.name) read's working set", bytes: $0.level.bytes, meant: $0.level.name, onDevice: onDevice)
      })
  }
}
