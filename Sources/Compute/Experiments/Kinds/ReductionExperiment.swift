/// `reduction`: the sum of n floats on the OpenCL device, by one global atomic add per element
/// vs by a tree in local memory per work-group (see `ReductionKernelSource`).
///
/// The atomic sum uses 64-bit integer atomics on fixed-point values (x·2²⁴, exact for these
/// inputs), so it is exact and order-independent; on a device without `cl_khr_int64_base_atomics`,
/// or with `atomic` `float-cas`, it uses a compare-and-swap loop on a float instead. The tree
/// writes one float partial sum per group, which the host adds in float64. Both are checked
/// against a float64 host sum; bandwidth counts the 4 bytes of each input element read once.
struct ReductionExperiment: Experiment {
  static let kind = ExperimentKind.reduction
  static let parameters: [JobParameter] = [
    .int(
      "n", default: nil, min: 1, max: 1 << 28, unit: "elements",
      "float32 values summed (uniform in [0, 1)); default: a power of two ≥ 4× the device's last-level cache (L2 on a GPU) in bytes, so the tree reads from DRAM, or less when the memory budget caps it (the summary says so)"
    ),
    .int(
      "group_size", default: 256, min: 2, max: 1024, allowed: [2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
      "work-items per group of the tree (capped at what the device allows)"),
    .int(
      "per_item", default: 16, min: 1, max: 1024, unit: "elements",
      "elements each tree work-item adds in a register before the tree (1: the textbook one element per work-item)"),
    .choice(
      "atomic", default: "auto", allowed: ["auto", "int64", "float-cas"],
      "how the atomic sum adds: 64-bit integer atomics on fixed point (auto, when the device has them) or a float compare-and-swap loop"
    ),
    .repeats(default: 5, max: 50),
    .seed(default: 3),
    .device,
  ]

  static func machineDefault(
    for name: String, environment: ExperimentEnvironment, values: [String: JobValue]
  ) -> JobValue? {
    guard name == "n" else { return sharedMachineDefault(for: name, environment: environment) }
    guard case .int(let device) = values["device"] else { return .int(1 << 22) }
    return .int(defaultN(device: device, environment: environment).n)
  }

  /// 4× the device's last-level cache in floats (a power of two), capped to fit (then not a power of two).
  static func defaultN(device: Int, environment: ExperimentEnvironment) -> (n: Int, capped: String?) {
    guard let profile = environment.profile(device) else { return (1 << 22, nil) }
    return environment.fittingDefault(
      wanted: profile.streamingElements(elementBytes: 4), cap: 1 << 28, hostBytesPerElement: 4,
      deviceBytesPerElement: 5, largestBufferBytesPerElement: 4, device: device)  // 4 + 8 per 64 for partial sums
  }

  let n: Int
  /// Which level of the memory hierarchy the input measured.
  let hierarchyNote: String?
  let groupSize: Int
  let perItem: Int
  let useInt64: Bool
  let repeats: Int
  let seed: UInt64
  let bytesPerSecondEstimate: Double

  /// Elements per atomic launch, so that a cancellation waits for one short launch at most.
  static let atomicChunk = 1 << 20

  init(_ parameters: JobParameters, environment: ExperimentEnvironment) throws(ComputeError) {
    n = parameters.int("n")
    groupSize = parameters.int("group_size")
    perItem = parameters.int("per_item")
    repeats = parameters.int("repeats")
    seed = UInt64(parameters.int("seed"))
    let device = parameters.int("device")
    bytesPerSecondEstimate = environment.deviceBytesPerSecond(device)
    let bytes = 4 * parameters.int("n")
    let fitted = Self.defaultN(device: device, environment: environment)
    let capped = fitted.capped.flatMap { fitted.n == parameters.int("n") ? $0 : nil }
    hierarchyNote = environment.profile(device).map {
      DeviceProfile.hierarchyNote(
        workingSet: bytes, what: "the input", cacheBytes: $0.lastLevelCacheBytes, source: $0.lastLevelCacheSource)
        + (capped.map { " " + $0.prefix(1).uppercased() + $0.dropFirst() + "; raise the server's --memory-budget to measure DRAM." } ?? "")
    }
    let extensions =
      environment.openCL.devices.indices.contains(device)
      ? (try? environment.openCL.devices[device].extensions) ?? [] : []
    let hasInt64 = extensions.contains("cl_khr_int64_base_atomics")
    switch parameters.string("atomic") {
    case "int64":
      guard hasInt64 else {
        throw ComputeError(
          .backendUnavailable, field: "atomic",
          message: "OpenCL device \(device) has no 64-bit atomics (cl_khr_int64_base_atomics); use atomic float-cas",
          available: ["auto", "float-cas"])
      }
      useInt64 = true
    case "float-cas": useInt64 = false
    default: useInt64 = hasInt64
    }
  }

  var cost: ExperimentCost {
    // An atomic on one contended address: count it as a scattered access (a cache-line transfer).
    let atomics = Double(repeats + 1) * Double(n) / ExperimentCost.Rates.scatteredAccessesPerSecond
    let tree = Double(repeats + 1) * 4 * Double(n) / bytesPerSecondEstimate
    return ExperimentCost(
      memoryBytes: 4 * n, seconds: atomics + tree, progressUnits: 1 + 2 * (repeats + 1) + 1, sizeField: "n",
      largestDeviceBufferBytes: 4 * n, deviceMemoryBytes: 4 * n + 8 * max(n / 64, 1))
  }

  func run(_ session: ExperimentSession) throws -> ExperimentReport {
    let n = self.n
    let input = session.setup { () -> [Float] in
      var generator = SplitMix64(seed: seed)
      return (0..<n).map { _ in Float(generator.next() >> 40) * 0x1p-24 }
    }
    session.inspect("input", input)
    // Exact in float64: every value is a multiple of 2⁻²⁴ below 1, and n < 2²⁹.
    let exact = session.verifying { input.reduce(0.0) { $0 + Double($1) } }
    let inBuffer = try session.buffer(bytes: 4 * n, access: .readOnly)
    try session.upload(input, to: inBuffer)
    session.advance()

    // Global atomics.
    let source = ReductionKernelSource.source
    let atomicName = useInt64 ? "sum_atomic_fixed" : "sum_atomic_cas"
    let atomic = try session.kernel(atomicName, source: source, options: useInt64 ? "-DUSE_INT64_ATOMICS" : "")
    let total = try session.buffer(bytes: 8)
    try atomic.setArgument(0, inBuffer)
    try atomic.setArgument(1, total)
    var atomicSum = 0.0
    let atomicMeasurement = try session.measure(
      "\(useInt64 ? "int64 fixed-point" : "float compare-and-swap") atomics, n = \(n)", clock: .device,
      includes:
        "kernel execution only (profiling events), summed over \((n + Self.atomicChunk - 1) / Self.atomicChunk) launch(es); the counter reset is not timed",
      repeats: repeats
    ) {
      try session.upload([Int64(0)], to: total)
      var seconds = 0.0
      var offset = 0
      while offset < n {
        try session.check()
        let count = min(Self.atomicChunk, n - offset)
        try atomic.setArgument(2, Int32(offset))
        try atomic.setArgument(3, Int32(count))
        seconds += try session.launch(atomic, global: (count, 1), local: nil)
        offset += count
      }
      let bits: [Int64] = try session.download(total, count: 1)
      atomicSum = useInt64 ? Double(bits[0]) * 0x1p-24 : Double(Float(bitPattern: UInt32(truncatingIfNeeded: bits[0])))
      return seconds
    }

    // Local-memory tree.
    let (tree, group) = try session.kernel(
      "sum_tree", source: source, sizes: [1024, 512, 256, 128, 64, 32, 16, 8, 4, 2].filter { $0 <= groupSize },
      localBytes: { 4 * $0 }, options: { "-DGROUP=\($0)" })
    let groups = (n + group * perItem - 1) / (group * perItem)
    let partials = try session.buffer(bytes: 4 * groups, access: .writeOnly)
    try tree.setArgument(0, inBuffer)
    try tree.setArgument(1, partials)
    try tree.setArgument(2, Int32(n))
    try tree.setArgument(3, Int32(perItem))
    var treeSum = 0.0
    let treeMeasurement = try session.measure(
      "local-memory tree, n = \(n), groups of \(group), \(perItem) per work-item", clock: .device,
      includes:
        "kernel execution only (profiling events); the host's float64 sum of the \(groups) partial sums is not timed",
      repeats: repeats
    ) {
      let seconds = try session.launch(tree, global: (groups * group, 1), local: (group, 1))
      let sums: [Float] = try session.download(partials, count: groups)
      treeSum = sums.reduce(0.0) { $0 + Double($1) }
      return seconds
    }
    session.advance()

    let atomicError = exact == 0 ? abs(atomicSum) : abs(atomicSum - exact) / exact
    let treeError = exact == 0 ? abs(treeSum) : abs(treeSum - exact) / exact
    // int64 fixed point is exact; a float CAS sum carries float32 rounding of a running sum of n
    // terms (statistically about √n·u; see the summation experiment); a tree of float partials
    // about (per_item + log₂(group))·u.
    let atomicTolerance = useInt64 ? 0 : 1e-3
    let treeTolerance = 1e-5
    return report(
      atomic: (atomicMeasurement.reportedSeconds, atomicError, atomicTolerance),
      tree: (treeMeasurement.reportedSeconds, treeError, treeTolerance), group: group, exact: exact, session: session)
  }
}
