// The peak experiment's figures, verification and summary.
extension PeakExperiment {
  func report(_ results: [Result], session: ExperimentSession) -> ExperimentReport {
    let info = session.device.device.info
    let cyclesPerSecond = Double(max(info.computeUnits, 1)) * Double(max(info.maxClockMHz, 1)) * 1e6
    var figures: [ExperimentFigure] = []
    for result in results {
      figures.append(
        ExperimentFigure(
          name: "\(result.dtype.rawValue)_gflops", value: result.gflops, unit: "GFLOP/s",
          label: "\(result.dtype.rawValue) FMA throughput (2 flops per FMA)"))
      figures.append(
        ExperimentFigure(
          name: "\(result.dtype.rawValue)_vector_width", value: Double(result.width), unit: "lanes",
          label: "\(result.dtype.rawValue) lanes per chain"))
      figures.append(
        ExperimentFigure(
          name: "\(result.dtype.rawValue)_flops_per_cycle_per_unit", value: result.gflops * 1e9 / cyclesPerSecond,
          unit: "flops/cycle",
          label: "\(result.dtype.rawValue) flops per cycle per compute unit, at the reported \(info.maxClockMHz) MHz"))
    }
    let fp32 = results.first { $0.dtype == .float32 }
    let fp64 = results.first { $0.dtype == .float64 }
    if let fp32, let fp64 {
      figures.append(
        ExperimentFigure(
          name: "fp32_to_fp64_ratio", value: fp32.gflops / fp64.gflops, unit: "×",
          label: "float32 rate over float64 rate"))
    }
    let passed = results.allSatisfy { $0.maxRelativeError <= $0.tolerance }
    let detail =
      results.map {
        "\($0.dtype.rawValue): largest relative error \(Format.number($0.maxRelativeError)) against the closed form, bound \(Format.number($0.tolerance))"
      }.joined(separator: "; ") + "."

    var summary = "The FMA-chain kernel (\(chains) independent chains per work-item) reached "
    summary += results.map { "\(Format.number($0.gflops)) GFLOP/s in \($0.dtype.rawValue) (\($0.width)-wide vectors)" }
      .joined(separator: " and ")
    summary += " on \(info.name) (\(info.computeUnits) compute units at \(info.maxClockMHz) MHz"
    summary +=
      results.map {
        ": \(Format.number($0.gflops * 1e9 / cyclesPerSecond)) \($0.dtype.rawValue) flops per cycle per unit at that clock"
      }.first ?? ""
    summary += "; turbo clocks above the reported one inflate this figure). "
    if let fp32, let fp64 {
      let ratio = fp32.gflops / fp64.gflops
      summary += "float32 ran \(Format.ratio(ratio)) the float64 rate: "
      summary +=
        info.type.contains("cpu")
        ? "on a CPU a vector register holds twice as many float32 lanes, so about 2× is expected; data-centre GPUs with full float64 units also show 2×, consumer GPUs 32× or 64×. "
        : "GPUs differ by design here, from 2× with full-rate float64 units to 32× or 64× on consumer parts. "
    } else if skippedFloat64 {
      summary += "The device has no float64 (cl_khr_fp64), so only float32 ran. "
    }
    summary +=
      "This is the rate of ordinary FMA units; matrix units such as Tensor Cores are not used by this kernel, so express matmul GFLOP/s as a percentage of it."
    return ExperimentReport(
      figures: figures, series: [],
      verification: ExperimentVerification(
        method:
          "every work-item's output compared with the chain's closed form x = c + aᵏ(x₀ − c), within the chain's rounding-error bound",
        passed: passed, maxError: results.map(\.maxRelativeError).max(), tolerance: results.map(\.tolerance).min(),
        detail: detail),
      device: session.deviceDescription, summary: summary)
  }
}
