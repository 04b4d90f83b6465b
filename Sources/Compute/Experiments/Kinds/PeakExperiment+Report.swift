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
    var architecture = ""
    if let profile, let name = profile.architecture {
      var parts: [String] = []
      for result in results {
        guard let lanes = result.dtype == .float32 ? profile.float32LanesPerUnit : profile.float64LanesPerUnit,
          let peak = profile.peakFlopsPerSecond(result.dtype, computeUnits: info.computeUnits, clockMHz: info.maxClockMHz)
        else { continue }
        let fraction = result.gflops * 1e9 / peak
        figures.append(
          ExperimentFigure(
            name: "\(result.dtype.rawValue)_fraction_of_peak", value: fraction, unit: "×",
            label: "\(result.dtype.rawValue) rate over \(name)'s \(2 * lanes) flops per cycle per unit at \(info.maxClockMHz) MHz"))
        parts.append(
          "\(result.dtype.rawValue) reached \(Format.number(100 * fraction))% of the \(Format.number(peak / 1e12)) TFLOP/s that \(lanes) FMA lanes per unit give (\(2 * lanes) flops per cycle per unit)"
            + (fraction > 1.05 ? ": above the theoretical peak, so the clock ran above the reported one or the device is not what the table says; check before trusting it" : ""))
      }
      if !parts.isEmpty { architecture = "Recognised as \(name): " + parts.joined(separator: "; ") + ". " }
    } else if info.type.contains("gpu") {
      architecture = "This device's architecture is not in hpclab's table, so the figure is not compared with a theoretical peak. "
    } else if info.type.contains("cpu"), let fp32 = results.first(where: { $0.dtype == .float32 }) {
      // No x86 core retires more than two 512-bit FMAs a cycle: 64 float32 flops. The clock that
      // the rate needs at that maximum is a sanity check on the measurement.
      let gigahertz = fp32.gflops / (64 * Double(max(info.computeUnits, 1)))
      architecture =
        gigahertz > 6
        ? "Impossible: even at 64 float32 flops per cycle per core (two 512-bit FMA units, the most any x86 core has), this rate would need \(Format.number(gigahertz)) GHz per core; check the core count or the flop count before trusting it. "
        : "At 64 float32 flops per cycle per core (two 512-bit FMA units, the most any x86 core has) this rate needs at least \(Format.number(gigahertz)) GHz per core"
          + (gigahertz * 1000 > Double(info.maxClockMHz)
            ? ": the cores ran at a turbo clock above the reported \(info.maxClockMHz) MHz. "
            : ", within the reported \(info.maxClockMHz) MHz. ")
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
    summary += architecture
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
