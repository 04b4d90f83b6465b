// The bandwidth experiment's figures, roofline series, verification and summary.
extension BandwidthExperiment {
  func report(_ results: [Result], peak: Double, peakSource: String, session: ExperimentSession) -> ExperimentReport {
    var figures: [ExperimentFigure] = []
    for result in results {
      let prefix = result.name == "OpenCL" ? "opencl" : "cpu"
      for (index, kernel) in Self.kernels.enumerated() {
        figures.append(
          ExperimentFigure(
            name: "\(prefix)_\(kernel.name)_gb_s", value: result.gbPerSecond[index], unit: "GB/s",
            label: "STREAM \(kernel.name), \(result.name), \(kernel.words) words per element"))
      }
    }
    // The roofline uses the host's triad when the host ran, else the device's.
    let roof = results[0]
    let bandwidth = roof.gbPerSecond[3]
    let ridge = peak / bandwidth
    let attainable = min(peak, intensity * bandwidth)
    let triadIntensity = 2.0 / 24
    let triadGflops = 2 * Double(n) / roof.best[3] / 1e9
    figures += [
      ExperimentFigure(name: "array_bytes", value: Double(n * 8), unit: "bytes", label: "bytes per array (3 arrays)"),
      ExperimentFigure(
        name: "last_level_cache_bytes", value: Double(lastLevelCacheBytes), unit: "bytes",
        label: "last-level cache (\(lastLevelCacheSource))"),
      ExperimentFigure(
        name: "peak_gflops", value: peak, unit: "GFLOP/s", label: "compute peak for the roofline (\(peakSource))"),
      ExperimentFigure(
        name: "ridge_intensity", value: ridge, unit: "FLOP/byte", label: "ridge point: peak / triad bandwidth"),
      ExperimentFigure(
        name: "triad_intensity", value: triadIntensity, unit: "FLOP/byte",
        label: "triad's arithmetic intensity (2 flops per 24 bytes)"),
      ExperimentFigure(
        name: "triad_gflops", value: triadGflops, unit: "GFLOP/s", label: "triad's achieved rate, \(roof.name)"),
      ExperimentFigure(
        name: "attainable_gflops", value: attainable, unit: "GFLOP/s",
        label: "roofline at \(Format.number(intensity)) FLOP/byte: min(peak, intensity × bandwidth)"),
    ]
    var series: [ExperimentSeries] = []
    for result in results {
      series.append(
        ExperimentSeries(
          name: "STREAM, \(result.name)", xLabel: "kernel (1 copy, 2 scale, 3 add, 4 triad)", xUnit: "kernel",
          yLabel: "bandwidth", yUnit: "GB/s",
          points: result.gbPerSecond.enumerated().map { .init(x: Double($0.offset + 1), y: $0.element) }))
    }
    let intensities = (-6...10).map { Double(sign: .plus, exponent: $0, significand: 1) }
    series.append(
      ExperimentSeries(
        name: "roofline", xLabel: "arithmetic intensity", xUnit: "FLOP/byte", yLabel: "attainable", yUnit: "GFLOP/s",
        points: intensities.map { .init(x: $0, y: min(peak, $0 * bandwidth)) }))
    series.append(
      ExperimentSeries(
        name: "STREAM kernels on the roofline", xLabel: "arithmetic intensity", xUnit: "FLOP/byte", yLabel: "achieved",
        yUnit: "GFLOP/s",
        points: Self.kernels.enumerated().filter { $0.element.flops > 0 }.map { index, kernel in
          .init(
            x: Double(kernel.flops) / Double(8 * kernel.words), y: Double(kernel.flops * n) / roof.best[index] / 1e9)
        }))

    let passed = results.allSatisfy(\.check.passed)
    let detail = results.map { "\($0.name): \($0.check.detail)" }.joined(separator: " ")
    var summary = ""
    for result in results {
      let rates = result.gbPerSecond.map(Format.number)
      let onDevice = result.name == "OpenCL"
      summary +=
        "STREAM on \(onDevice ? "the OpenCL device" : "the host with \(threads) thread\(threads == 1 ? "" : "s")") reached copy \(rates[0]), scale \(rates[1]), add \(rates[2]) and triad \(rates[3]) GB/s (best of \(repeats)). "
      let cache = onDevice ? deviceCache ?? (lastLevelCacheBytes, lastLevelCacheSource) : (lastLevelCacheBytes, lastLevelCacheSource)
      summary +=
        DeviceProfile.hierarchyNote(workingSet: n * 8, what: "each array", cacheBytes: cache.0, source: cache.1) + " "
    }
    if let cappedNote { summary += cappedNote.prefix(1).uppercased() + cappedNote.dropFirst() + "; raise the server's --memory-budget to meet STREAM's rule. " }
    summary +=
      "With a peak of \(Format.number(peak)) GFLOP/s (\(peakSource)\(onDevice && peakGiven == 0 ? ": the host's, so for the device's roofline give its peak_gflops" : "")) the ridge point is \(Format.number(ridge)) FLOP/byte: triad, at \(Format.number(triadIntensity)) FLOP/byte, reaches only \(Format.number(triadGflops)) GFLOP/s (\(Format.number(100 * triadGflops / peak))% of peak), limited by memory bandwidth, "
      + "and a kernel of \(Format.number(intensity)) FLOP/byte can reach at most \(Format.number(attainable)) GFLOP/s."
    var device: [String] = []
    if onHost { device.append(session.hostDescription) }
    if onDevice { device.append(session.deviceDescription) }
    return ExperimentReport(
      figures: figures, series: series,
      verification: ExperimentVerification(
        method:
          "STREAM's checkSTREAMresults: the average absolute error of each array against the scalar recurrence, relative to the expected value",
        passed: passed, maxError: results.map(\.check.worstError).max(), tolerance: 1e-13, detail: detail),
      device: device.joined(separator: " and "), summary: summary,
      workingSets: results.map { result in
        let onDevice = result.name == "OpenCL"
        return .init(
          what: "the three STREAM arrays\(onDevice ? " on the device" : "")", bytes: 3 * n * 8,
          meant: onDevice ? "global memory" : "DRAM", onDevice: onDevice)
      })
  }
}
