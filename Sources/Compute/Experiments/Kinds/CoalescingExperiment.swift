/// `coalescing`: effective bandwidth of an OpenCL copy as the addresses of adjacent work-items
/// move apart (stride 1, 2, 4, … `max_stride` elements, the same bytes moved at every stride; see
/// `CoalescingKernelSource`), and of a naive vs a local-memory tiled transpose.
///
/// Bytes counted: one read and one write of 4 bytes per element (for the transpose too).
struct CoalescingExperiment: Experiment {
  static let kind = ExperimentKind.coalescing
  static let parameters: [JobParameter] = [
    .int(
      "n", default: nil, min: 1024, max: 1 << 28, unit: "elements",
      "float32 elements copied at each stride; default: a power of two with each buffer ≥ 4× the device's last-level cache (L2 on a GPU), so the copy measures DRAM, or less when the memory budget caps it (the summary says so)"
    ),
    .int(
      "max_stride", default: 64, min: 1, max: 1024, unit: "elements",
      "largest stride of the sweep, which doubles from 1"),
    .int(
      "transpose_n", default: 2048, min: 16, max: 8192, unit: "elements", "side of the n×n float32 matrix transposed"),
    .repeats(default: 5, max: 50),
    .device,
  ]

  static func machineDefault(
    for name: String, environment: ExperimentEnvironment, values: [String: JobValue]
  ) -> JobValue? {
    guard name == "n" else { return sharedMachineDefault(for: name, environment: environment) }
    guard case .int(let device) = values["device"] else { return .int(1 << 23) }
    return .int(defaultN(device: device, environment: environment).n)
  }

  /// 4× the device's last-level cache in floats (a power of two), capped to fit (then not a power of two).
  static func defaultN(device: Int, environment: ExperimentEnvironment) -> (n: Int, capped: String?) {
    guard let profile = environment.profile(device) else { return (1 << 23, nil) }
    return environment.fittingDefault(
      wanted: profile.streamingElements(elementBytes: 4), cap: 1 << 28, hostBytesPerElement: 8,
      deviceBytesPerElement: 8, largestBufferBytesPerElement: 4, reservedBytes: 20 * 2048 * 2048, device: device)
  }

  let n: Int
  /// Which level of the memory hierarchy the sweep's buffers measure.
  let hierarchyNote: String?
  let strides: [Int]
  let transposeN: Int
  let repeats: Int
  let bytesPerSecondEstimate: Double

  init(_ parameters: JobParameters, environment: ExperimentEnvironment) throws(ComputeError) {
    n = parameters.int("n")
    let maxStride = parameters.int("max_stride")
    strides = Array(sequence(first: 1) { $0 * 2 }.prefix { $0 <= maxStride })
    transposeN = parameters.int("transpose_n")
    repeats = parameters.int("repeats")
    bytesPerSecondEstimate = environment.deviceBytesPerSecond(parameters.int("device"))
    let bytes = 4 * parameters.int("n")
    let fitted = Self.defaultN(device: parameters.int("device"), environment: environment)
    let capped = fitted.capped.flatMap { fitted.n == parameters.int("n") ? $0 : nil }
    hierarchyNote = environment.profile(parameters.int("device")).map {
      DeviceProfile.hierarchyNote(
        workingSet: bytes, what: "each buffer", cacheBytes: $0.lastLevelCacheBytes, source: $0.lastLevelCacheSource)
        + (capped.map { " " + $0.prefix(1).uppercased() + $0.dropFirst() + "; raise the server's --memory-budget to measure DRAM." } ?? "")
    }
  }

  var cost: ExperimentCost {
    let runs = Double(repeats + 1)
    // Scattered access may cost up to a whole 64-byte line per 4-byte element: 16× the bytes.
    let sweepBytes = strides.reduce(0.0) { $0 + runs * 8 * Double(n) * Double(min($1, 16)) }
    let transposeBytes = runs * 8 * Double(transposeN * transposeN) * 17
    let squares = transposeN * transposeN
    return ExperimentCost(
      memoryBytes: 8 * n + 12 * squares, seconds: (sweepBytes + transposeBytes) / bytesPerSecondEstimate,
      progressUnits: 1 + strides.count * (repeats + 2) + 2 * (repeats + 2),
      sizeField: n >= squares ? "n" : "transpose_n",
      largestDeviceBufferBytes: 4 * max(n, squares), deviceMemoryBytes: 8 * n + 8 * squares)
  }

  func run(_ session: ExperimentSession) throws -> ExperimentReport {
    let n = self.n
    let input = session.setup { (0..<n).map { Float($0 & 4095) } }
    session.inspect("input", input)
    let inBuffer = try session.buffer(bytes: 4 * n, access: .readOnly)
    let outBuffer = try session.buffer(bytes: 4 * n, access: .writeOnly)
    try session.upload(input, to: inBuffer)
    let copy = try session.kernel("strided_copy", source: CoalescingKernelSource.source, options: "-DTILE=1")
    try copy.setArgument(0, inBuffer)
    try copy.setArgument(1, outBuffer)
    session.advance()

    // The stride sweep.
    var rates: [(stride: Int, gbPerSecond: Double)] = []
    var sweepFailures: [String] = []
    for stride in strides {
      let rows = n / stride
      let covered = rows * stride
      try copy.setArgument(2, Int32(stride))
      try copy.setArgument(3, Float(stride))
      let measurement = try session.measure(
        "strided copy, stride \(stride)", clock: .device,
        includes: "kernel execution only (profiling events); no copies", repeats: repeats
      ) { try session.launch(copy, global: (rows, stride), local: nil) }
      rates.append((stride, 8 * Double(covered) / measurement.reportedSeconds / 1e9))
      let output: [Float] = try session.download(outBuffer, count: n)
      let wrong = session.verifying { (0..<covered).count { output[$0] != input[$0] + Float(stride) } }
      if wrong > 0 { sweepFailures.append("stride \(stride): \(wrong) of \(covered) elements wrong") }
      session.advance()
    }

    // The transposes.
    let side = transposeN
    let matrix = session.setup { (0..<(side * side)).map { Float($0 % 65521) } }
    let matrixBuffer = try session.buffer(bytes: 4 * side * side, access: .readOnly)
    let transposedBuffer = try session.buffer(bytes: 4 * side * side, access: .writeOnly)
    try session.upload(matrix, to: matrixBuffer)
    let naive = try session.kernel("transpose_naive", source: CoalescingKernelSource.source, options: "-DTILE=1")
    let (tiled, tile) = try session.kernel(
      "transpose_tiled", source: CoalescingKernelSource.source, sizes: [16, 8, 4, 2, 1], items: { $0 * $0 },
      localBytes: { $0 * ($0 + 1) * 4 }, options: { "-DTILE=\($0)" })
    var transposeRates: [Double] = []
    var transposeFailures: [String] = []
    for (name, kernel, local) in [("naive", naive, nil), ("tiled", tiled, (tile, tile))]
      as [(String, OpenCL.Kernel, (Int, Int)?)]
    {
      try kernel.setArgument(0, matrixBuffer)
      try kernel.setArgument(1, transposedBuffer)
      try kernel.setArgument(2, Int32(side))
      let rounded = local.map { (side + $0.0 - 1) / $0.0 * $0.0 } ?? side
      let measurement = try session.measure(
        "\(name) transpose, \(side)×\(side)", clock: .device,
        includes: "kernel execution only (profiling events); no copies",
        repeats: repeats
      ) { try session.launch(kernel, global: (rounded, rounded), local: local) }
      transposeRates.append(8 * Double(side * side) / measurement.reportedSeconds / 1e9)
      let output: [Float] = try session.download(transposedBuffer, count: side * side)
      let wrong = session.verifying {
        (0..<(side * side)).count { output[($0 % side) * side + $0 / side] != matrix[$0] }
      }
      if wrong > 0 { transposeFailures.append("\(name) transpose: \(wrong) elements wrong") }
      session.advance()
    }
    return report(
      rates: rates, transpose: (transposeRates[0], transposeRates[1]), tile: tile,
      failures: sweepFailures + transposeFailures, session: session)
  }
}
