#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `peak`: the device's floating-point throughput from an FMA-chain kernel
/// (see `PeakKernelSource`), in float32 and float64, and their ratio.
///
/// Each run launches `work_items` work-items (in launches of at most about 2³¹ flops, with a
/// cancellation check between them); the rate is 2 flops per FMA over the best run's device time.
struct PeakExperiment: Experiment {
  static let kind = ExperimentKind.peak
  static let parameters: [JobParameter] = [
    .choice(
      "dtype", default: "both", allowed: ["both", "float32", "float64"],
      "precision; both runs float32 then float64 (skipped if the device has no float64)"),
    .int(
      "chains", default: 16, min: 1, max: 32,
      "independent FMA chains per work-item (enough of them hide the FMA latency)"),
    .int(
      "vector_width", default: 0, min: 0, max: 16, allowed: [0, 1, 2, 4, 8, 16],
      "lanes of each chain's vector type (float16, double8, …); 0: the device's preferred width for each dtype"),
    .int("iterations", default: 4096, min: 16, max: 65536, "FMA steps of each chain"),
    .int(
      "work_items", default: nil, min: 64, max: 1 << 22,
      "work-items per run; default: 2048 × the device's compute units"),
    .repeats(default: 10, max: 100),
    .device,
  ]

  static func machineDefault(
    for name: String, environment: ExperimentEnvironment, values: [String: JobValue]
  ) -> JobValue? {
    guard name == "work_items" else { return sharedMachineDefault(for: name, environment: environment) }
    guard case .int(let device) = values["device"] else { return .int(2048) }
    return .int(min(2048 * max(environment.device(device)?.computeUnits ?? 1, 1), 1 << 22))
  }

  static func fp64Field(_ parameters: JobParameters) -> String? {
    parameters.string("dtype") == "float64" ? "dtype" : nil
  }

  let dtypes: [DType]
  let skippedFloat64: Bool
  let chains: Int
  /// Lanes per chain for float32 and float64 (the parameter, or the device's preferred widths).
  let widths: [DType: Int]
  let iterations: Int
  let workItems: Int
  let repeats: Int
  let flopsPerSecondEstimate: Double

  /// The chain x ← a·x + b with a = 1 − 2⁻¹⁰ and b = 1.5·2⁻¹⁰ (both exact in float32) converges to c = 1.5.
  static let a = 1 - 0x1p-10
  static let b = 1.5 * 0x1p-10
  static let c = 1.5

  init(_ parameters: JobParameters, environment: ExperimentEnvironment) throws(ComputeError) {
    let device = parameters.int("device")
    let fp64 = environment.device(device)?.fp64 ?? false
    switch parameters.string("dtype") {
    case "float32": dtypes = [.float32]
    case "float64": dtypes = [.float64]
    default: dtypes = fp64 ? [.float32, .float64] : [.float32]
    }
    skippedFloat64 = parameters.string("dtype") == "both" && !fp64
    chains = parameters.int("chains")
    let width = parameters.int("vector_width")
    var widths: [DType: Int] = [:]
    for dtype in DType.allCases {
      let preferred =
        environment.openCL.devices.indices.contains(device)
        ? (try? environment.openCL.devices[device].preferredVectorWidth(dtype)) ?? 1 : 1
      // Preferred widths are powers of two up to 16 in practice; clamp anything else to a valid vector size.
      widths[dtype] = width > 0 ? width : [16, 8, 4, 2, 1].first { $0 <= max(preferred, 1) } ?? 1
    }
    self.widths = widths
    iterations = parameters.int("iterations")
    workItems = parameters.int("work_items")
    repeats = parameters.int("repeats")
    flopsPerSecondEstimate = environment.deviceFlopsPerSecond(device)
  }

  func flopsPerItem(_ dtype: DType) -> Double { 2 * Double(chains * (widths[dtype] ?? 1)) * Double(iterations) }

  var cost: ExperimentCost {
    let flops = dtypes.reduce(0.0) { $0 + Double(repeats + 1) * Double(workItems) * flopsPerItem($1) }
    let bytes = workItems * (dtypes.contains(.float64) ? 8 : 4)
    return ExperimentCost(
      memoryBytes: 2 * bytes, seconds: flops / flopsPerSecondEstimate,
      progressUnits: dtypes.count * (repeats + 2), sizeField: "work_items", largestDeviceBufferBytes: bytes)
  }

  /// One dtype's result.
  struct Result {
    var dtype: DType
    var width: Int
    var gflops: Double
    var maxRelativeError: Double
    var tolerance: Double
  }

  func run(_ session: ExperimentSession) throws -> ExperimentReport {
    var results: [Result] = []
    for dtype in dtypes { results.append(try run(dtype, session: session)) }
    return report(results, session: session)
  }

  private func run(_ dtype: DType, session: ExperimentSession) throws -> Result {
    let width = widths[dtype] ?? 1
    let flopsPerItem = self.flopsPerItem(dtype)
    let options = (dtype == .float64 ? "-DUSE_DOUBLE " : "") + "-DCHAINS=\(chains) -DWIDTH=\(width)"
    let kernel = try session.kernel("fma_chains", source: PeakKernelSource.source, options: options)
    let out = try session.buffer(bytes: workItems * dtype.byteCount, access: .writeOnly)
    try kernel.setArgument(0, out)
    try kernel.setArgument(2, Int32(iterations))
    if dtype == .float64 {
      try kernel.setArgument(3, Self.a)
      try kernel.setArgument(4, Self.b)
    } else {
      try kernel.setArgument(3, Float(Self.a))
      try kernel.setArgument(4, Float(Self.b))
    }
    // Launches of at most about 2³¹ flops, so a cancellation waits for one short launch at most.
    let perLaunch = max(64, min(workItems, Int((0x1p31 / flopsPerItem).rounded(.down)) / 64 * 64))
    let measurement = try session.measure(
      "\(dtype.rawValue) FMA chains", clock: .device,
      includes:
        "kernel execution only (profiling events), summed over \((workItems + perLaunch - 1) / perLaunch) launch(es) per run",
      repeats: repeats
    ) {
      var seconds = 0.0
      var offset = 0
      while offset < workItems {
        try session.check()
        try kernel.setArgument(1, Int32(offset))
        seconds += try session.launch(kernel, global: (min(perLaunch, workItems - offset), 1), local: nil)
        offset += perLaunch
      }
      return seconds
    }
    let gflops = Double(workItems) * flopsPerItem / measurement.reportedSeconds / 1e9

    // The closed form, per value of gid % 64, and the rounding-error bound of the chain.
    let values: [Double] =
      dtype == .float64
      ? try session.download(out, count: workItems)
      : (try session.download(out, count: workItems) as [Float]).map(Double.init)
    let check = session.verifying { () -> (error: Double, tolerance: Double) in
      let decay = pow(Self.a, Double(iterations))
      let expected = (0..<64).map { residue in
        let base = Double(residue) / 64
        let chainsSum = (0..<chains).reduce(0.0) { $0 + Self.c + decay * (base + Double($1) - Self.c) }
        return Double(width) * chainsSum
      }
      // Each step rounds once (unit u); the chain damps old errors by a, so a chain's error stays
      // below u·max|x| / (1 − a); the final sum of chains·width terms adds a few u of its own.
      let u = dtype == .float64 ? 0x1p-53 : 0x1p-24
      let lanes = Double(chains * width)
      let largest = max(Self.c, Double(chains))
      let bound = lanes * u * largest / (1 - Self.a) + lanes * u * (expected.max() ?? 0)
      var worst = 0.0
      for (gid, value) in values.enumerated() {
        let truth = expected[gid % 64]
        worst = max(worst, abs(value - truth) / truth)
      }
      return (worst, 2 * bound / (expected.min() ?? 1))
    }
    session.advance()
    return Result(dtype: dtype, width: width, gflops: gflops, maxRelativeError: check.error, tolerance: check.tolerance)
  }
}
