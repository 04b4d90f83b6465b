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
      "backend", default: "opencl", allowed: ["opencl", "cuda"],
      "opencl: the FMA-chain kernel on an OpenCL device; cuda: the same chains compiled with NVRTC on a CUDA device, and question 7's WMMA kernel on its Tensor Cores"
    ),
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
      "work-items per run; default: enough to fill the device (on a GPU 4 work-groups of the largest size per compute unit, on a CPU 2048 per unit)"),
    .repeats(default: 10, max: 100),
    .device,
  ]

  static func machineDefault(
    for name: String, environment: ExperimentEnvironment, values: [String: JobValue]
  ) -> JobValue? {
    guard name == "work_items" else { return sharedMachineDefault(for: name, environment: environment) }
    guard case .int(let device) = values["device"], let info = environment.device(device) else { return .int(2048) }
    let units = max(info.computeUnits, 1)
    let fill = info.type.contains("gpu") ? units * max(info.maxWorkGroupSize, 64) * 4 : 2048 * units
    return .int(min(max(fill, 64), 1 << 22) / 64 * 64)
  }

  static func fp64Field(_ parameters: JobParameters) -> String? {
    parameters.string("dtype") == "float64" ? "dtype" : nil
  }

  static func usesOpenCL(_ parameters: JobParameters) -> Bool { parameters.string("backend") != "cuda" }

  let onCUDA: Bool
  let deviceIndex: Int
  let dtypes: [DType]
  let skippedFloat64: Bool
  let chains: Int
  /// Lanes per chain for float32 and float64 (the parameter, or the device's preferred widths).
  let widths: [DType: Int]
  let iterations: Int
  let workItems: Int
  let repeats: Int
  let flopsPerSecondEstimate: Double
  /// Work-items that keep every compute unit busy: a launch is never smaller (unless the run is).
  let fillItems: Int
  /// The work-group size given to each launch on a GPU (`nil`: the driver chooses).
  let groupSize: Int?
  /// The device's architecture, when recognised, for the comparison with its theoretical peak.
  let profile: DeviceProfile?

  /// The chain x ← a·x + b with a = 1 − 2⁻¹⁰ and b = 1.5·2⁻¹⁰ (both exact in float32) converges to c = 1.5.
  static let a = 1 - 0x1p-10
  static let b = 1.5 * 0x1p-10
  static let c = 1.5

  init(_ parameters: JobParameters, environment: ExperimentEnvironment) throws(ComputeError) {
    let device = parameters.int("device")
    onCUDA = parameters.string("backend") == "cuda"
    deviceIndex = device
    if onCUDA { try Self.checkCUDA(environment.cuda, device: device) }
    let fp64 = onCUDA || (environment.device(device)?.fp64 ?? false)
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
    self.widths = onCUDA ? [.float32: 1, .float64: 1] : widths
    iterations = parameters.int("iterations")
    workItems = parameters.int("work_items")
    repeats = parameters.int("repeats")
    flopsPerSecondEstimate =
      onCUDA
      ? Double(environment.cuda.devices[device].smCount * 64) * 2 * 1e9 : environment.deviceFlopsPerSecond(device)
    let info = environment.device(device)
    let gpu = info?.type.contains("gpu") ?? false
    groupSize = gpu ? min(256, max(info?.maxWorkGroupSize ?? 64, 1)) : nil
    fillItems = gpu ? max(info?.computeUnits ?? 1, 1) * max(info?.maxWorkGroupSize ?? 64, 64) * 2 : 64
    profile = environment.profile(device)
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
    if onCUDA { return try runCUDA(session) }
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
    // Launches of about 50 ms at the estimated rate, or 2³¹ flops (so a cancellation waits for one short launch),
    // never fewer work-items than fill the device: small launches leave compute units idle and
    // measure the launch overhead, not the FMA units.
    let timed = Int((max(0.05 * flopsPerSecondEstimate, 0x1p31) / flopsPerItem).rounded(.down))
    let align = groupSize ?? 64
    let perLaunch = max(align, min(workItems, max(timed, fillItems)) / align * align)
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
        let items = min(perLaunch, workItems - offset)
        let local = groupSize.flatMap { items % $0 == 0 ? ($0, 1) : nil }
        seconds += try session.launch(kernel, global: (items, 1), local: local)
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
    let check = session.verifying { closedFormCheck(values, dtype: dtype, width: width) }
    session.advance()
    return Result(dtype: dtype, width: width, gflops: gflops, maxRelativeError: check.error, tolerance: check.tolerance)
  }

  /// The largest relative error of each work-item's sum of chains against the closed form
  /// x = c + aᵏ(x₀ − c) (per value of gid % 64), and the chain's rounding-error bound.
  func closedFormCheck(_ values: [Double], dtype: DType, width: Int) -> (error: Double, tolerance: Double) {
    let decay = pow(Self.a, Double(iterations))
    // Lane l of each chain starts l/64 above the chain's x₀ (see PeakKernelSource).
    let laneOffsets = Double(width * (width - 1) / 2) / 64
    let expected = (0..<64).map { residue in
      let base = Double(residue) / 64
      let chainsSum = (0..<chains).reduce(0.0) { $0 + Self.c + decay * (base + Double($1) - Self.c) }
      return Double(width) * chainsSum + Double(chains) * decay * laneOffsets
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
}
