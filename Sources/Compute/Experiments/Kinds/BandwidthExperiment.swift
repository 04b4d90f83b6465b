import Dispatch

/// `bandwidth`: STREAM (McCalpin) copy, scale, add and triad on the host, and optionally on the
/// OpenCL device, with STREAM's rules: each array at least 4× the last-level cache, the best of
/// the timed iterations after an untimed first one, bytes counted per kernel as STREAM counts
/// them (copy and scale 2 words per element, add and triad 3; write-allocate traffic not counted),
/// and STREAM's own check of the final values. Plus a roofline: attainable GFLOP/s =
/// min(peak, intensity × bandwidth), with the peak from `cblas_dgemm` or given.
struct BandwidthExperiment: Experiment {
  static let kind = ExperimentKind.bandwidth
  static let parameters: [ExperimentParameter] = [
    .choice("target", default: "cpu", allowed: ["cpu", "opencl", "both"], "where STREAM runs: host loops, the OpenCL device, or both"),
    .int(
      "n", default: nil, min: 1024, max: 1 << 27, unit: "elements",
      "float64 elements per array; default: 4× the last-level cache (from sysfs, 32 MiB if unknown) / 8 bytes"),
    .int("threads", default: nil, min: 1, max: 256, "host threads; default: the number of cores"),
    .int("repeats", default: 10, min: 1, max: 50, "timed iterations after one untimed iteration; the best is reported, as in STREAM"),
    .number(
      "peak_gflops", default: 0, min: 0, max: 1e6, unit: "GFLOP/s",
      "compute peak for the roofline; 0 measures the host's with cblas_dgemm on 1024×1024 matrices"),
    .number("intensity", default: 1, min: 1.0 / 64, max: 1024, unit: "FLOP/byte", "arithmetic intensity at which to read the roofline"),
    .device,
  ]

  static func machineDefault(for name: String, environment: ExperimentEnvironment) -> ExperimentValue? {
    if name == "n" { return .int(max(4 * environment.host.lastLevelCacheBytes / 8, 1024)) }
    switch name {
    case "device": return environment.defaultDeviceIndex.map(ExperimentValue.int) ?? .int(0)
    case "threads": return .int(environment.host.cores)
    default: return nil
    }
  }

  static func usesOpenCL(_ parameters: ExperimentParameters) -> Bool { parameters.string("target") != "cpu" }

  static func fp64Field(_ parameters: ExperimentParameters) -> String? { usesOpenCL(parameters) ? "target" : nil }

  /// `target` both runs on the host as well, so it queues with host jobs.
  static func lane(_ parameters: ExperimentParameters, openCL: OpenCLBackend) -> String {
    parameters.string("target") == "opencl" ? openCL.lane(device: parameters.int("device")) : "cpu"
  }

  let target: String
  let n: Int
  let threads: Int
  let repeats: Int
  let peakGiven: Double
  let intensity: Double
  let lastLevelCacheBytes: Int
  let lastLevelCacheSource: String

  /// STREAM's scalar.
  static let scalar = 3.0
  /// Words moved per element by copy, scale, add, triad.
  static let kernels: [(name: String, words: Int, flops: Int)] = [("copy", 2, 0), ("scale", 2, 1), ("add", 3, 1), ("triad", 3, 2)]

  init(_ parameters: ExperimentParameters, environment: ExperimentEnvironment) throws(ComputeError) {
    target = parameters.string("target")
    n = parameters.int("n")
    threads = parameters.int("threads")
    repeats = parameters.int("repeats")
    peakGiven = parameters.number("peak_gflops")
    intensity = parameters.number("intensity")
    lastLevelCacheBytes = environment.host.lastLevelCacheBytes
    lastLevelCacheSource = environment.host.lastLevelCacheSource
  }

  var onHost: Bool { target != "opencl" }
  var onDevice: Bool { target != "cpu" }

  var cost: ExperimentCost {
    let perTarget = Double(80 * n * (repeats + 1) + 8 * 8 * n) / ExperimentCost.Rates.memoryBytesPerSecond
    let peak = peakGiven == 0 ? 4 * 2 * 1024.0 * 1024 * 1024 / ExperimentCost.Rates.blasFlopsPerSecond : 0
    // The host arrays are freed before the device part, which holds 3 device arrays and 1 host copy.
    let memory = max(onHost ? 24 * n : 0, onDevice ? 32 * n : 0) + (peakGiven == 0 ? 3 * 1024 * 1024 * 8 : 0)
    let targets = (onHost ? 1 : 0) + (onDevice ? 1 : 0)
    return ExperimentCost(
      memoryBytes: memory, seconds: Double(targets) * perTarget + peak,
      progressUnits: 1 + targets * (4 * (repeats + 1) + 1) + (peakGiven == 0 ? 4 : 0), sizeField: "n",
      largestDeviceBufferBytes: onDevice ? 8 * n : 0)
  }

  /// One target's results: best seconds per kernel and STREAM's check.
  struct Result {
    var name: String
    var best: [Double]  // per kernel, in `kernels` order
    var check: StreamCheck
    var gbPerSecond: [Double]
  }

  func run(_ session: ExperimentSession) throws -> ExperimentReport {
    var results: [Result] = []
    if onHost { results.append(try runHost(session)) }
    if onDevice { results.append(try runDevice(session)) }
    var peak = peakGiven
    var peakSource = "given"
    if peakGiven == 0 {
      let a = [Double](repeating: 1, count: 1024 * 1024)
      let measurement = try session.measure(
        "cblas_dgemm 1024×1024×1024 (roofline peak)", clock: .host, includes: "one cblas_dgemm call", repeats: 3
      ) {
        _ = BLAS.gemm(m: 1024, k: 1024, n: 1024, a: a, b: a)
        return nil
      }
      peak = 2 * 1024 * 1024 * 1024 / measurement.reportedSeconds / 1e9
      peakSource = "measured with cblas_dgemm (1024³)"
    }
    return report(results, peak: peak, peakSource: peakSource, session: session)
  }

  // MARK: - Host

  private func runHost(_ session: ExperimentSession) throws -> Result {
    let n = self.n
    let a = UnsafeMutablePointer<Double>.allocate(capacity: n)
    let b = UnsafeMutablePointer<Double>.allocate(capacity: n)
    let c = UnsafeMutablePointer<Double>.allocate(capacity: n)
    defer {
      a.deallocate()
      b.deallocate()
      c.deallocate()
    }
    let arrays = StreamArrays(a: a, b: b, c: c)
    let chunks = threads
    // First touch in parallel, so pages land near the threads that use them (on NUMA machines).
    session.setup {
      parallel(chunks, n) { range in
        for j in range {
          arrays.a[j] = 2  // STREAM sets a = 1, then doubles it once before timing
          arrays.b[j] = 2
          arrays.c[j] = 0
        }
      }
    }
    session.advance()

    let scalar = Self.scalar
    var samples = [[Double]](repeating: [], count: 4)
    for iteration in 0...repeats {
      for kernel in 0..<4 {
        try session.check()
        let watch = Stopwatch()
        switch kernel {
        case 0: parallel(chunks, n) { range in for j in range { arrays.c[j] = arrays.a[j] } }
        case 1: parallel(chunks, n) { range in for j in range { arrays.b[j] = scalar * arrays.c[j] } }
        case 2: parallel(chunks, n) { range in for j in range { arrays.c[j] = arrays.a[j] + arrays.b[j] } }
        default: parallel(chunks, n) { range in for j in range { arrays.a[j] = arrays.b[j] + scalar * arrays.c[j] } }
        }
        let seconds = watch.seconds
        if iteration > 0 { samples[kernel].append(seconds) }
        session.advance()
      }
    }
    let check = session.verifying {
      StreamCheck(
        a: UnsafeBufferPointer(start: a, count: n), b: UnsafeBufferPointer(start: b, count: n),
        c: UnsafeBufferPointer(start: c, count: n), iterations: repeats + 1, epsilon: 1e-13)
    }
    session.advance()
    return record(samples, name: "host (\(threads) thread\(threads == 1 ? "" : "s"))", clock: .host,
      includes: "the loop over all elements, split across \(threads) thread\(threads == 1 ? "" : "s")", check: check, session: session)
  }

  // MARK: - OpenCL

  private func runDevice(_ session: ExperimentSession) throws -> Result {
    let n = self.n
    let source = StreamKernelSource.source
    let options = "-DUSE_DOUBLE"
    let bytes = n * 8
    let a = try session.buffer(bytes: bytes)
    let b = try session.buffer(bytes: bytes)
    let c = try session.buffer(bytes: bytes)
    let initialize = try session.kernel("stream_init", source: source, options: options)
    let copy = try session.kernel("stream_copy", source: source, options: options)
    let scale = try session.kernel("stream_scale", source: source, options: options)
    let add = try session.kernel("stream_add", source: source, options: options)
    let triad = try session.kernel("stream_triad", source: source, options: options)
    let count = Int32(n)
    try initialize.setArgument(0, a)
    try initialize.setArgument(1, b)
    try initialize.setArgument(2, c)
    try initialize.setArgument(3, count)
    try copy.setArgument(0, a)
    try copy.setArgument(1, c)
    try copy.setArgument(2, count)
    try scale.setArgument(0, b)
    try scale.setArgument(1, c)
    try scale.setArgument(2, Self.scalar)
    try scale.setArgument(3, count)
    try add.setArgument(0, a)
    try add.setArgument(1, b)
    try add.setArgument(2, c)
    try add.setArgument(3, count)
    try triad.setArgument(0, a)
    try triad.setArgument(1, b)
    try triad.setArgument(2, c)
    try triad.setArgument(3, Self.scalar)
    try triad.setArgument(4, count)
    _ = try session.launch(initialize, global: (n, 1), local: nil)
    session.advance()

    var samples = [[Double]](repeating: [], count: 4)
    for iteration in 0...repeats {
      for (index, kernel) in [copy, scale, add, triad].enumerated() {
        try session.check()
        let seconds = try session.launch(kernel, global: (n, 1), local: nil)
        if iteration > 0 { samples[index].append(seconds) }
        session.advance()
      }
    }
    let hostA: [Double] = try session.download(a, count: n)
    let hostB: [Double] = try session.download(b, count: n)
    let hostC: [Double] = try session.download(c, count: n)
    let check = session.verifying {
      hostA.withUnsafeBufferPointer { a in
        hostB.withUnsafeBufferPointer { b in
          hostC.withUnsafeBufferPointer { c in StreamCheck(a: a, b: b, c: c, iterations: repeats + 1, epsilon: 1e-13) }
        }
      }
    }
    session.advance()
    return record(samples, name: "OpenCL", clock: .device, includes: "kernel execution only (profiling events)", check: check, session: session)
  }

  private func record(
    _ samples: [[Double]], name: String, clock: ExperimentMeasurement.Clock, includes: String, check: StreamCheck,
    session: ExperimentSession
  ) -> Result {
    var best: [Double] = []
    var rates: [Double] = []
    for (index, kernel) in Self.kernels.enumerated() {
      let measurement = session.record(
        "\(kernel.name), \(name)", clock: clock, includes: includes, warmups: 1, samples: samples[index])
      best.append(measurement.reportedSeconds)
      rates.append(Double(kernel.words * 8 * n) / measurement.reportedSeconds / 1e9)
    }
    return Result(name: name, best: best, check: check, gbPerSecond: rates)
  }

  // MARK: - The report

  private func report(_ results: [Result], peak: Double, peakSource: String, session: ExperimentSession) -> ExperimentReport {
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
      ExperimentFigure(name: "last_level_cache_bytes", value: Double(lastLevelCacheBytes), unit: "bytes", label: "last-level cache (\(lastLevelCacheSource))"),
      ExperimentFigure(name: "peak_gflops", value: peak, unit: "GFLOP/s", label: "compute peak for the roofline (\(peakSource))"),
      ExperimentFigure(name: "ridge_intensity", value: ridge, unit: "FLOP/byte", label: "ridge point: peak / triad bandwidth"),
      ExperimentFigure(name: "triad_intensity", value: triadIntensity, unit: "FLOP/byte", label: "triad's arithmetic intensity (2 flops per 24 bytes)"),
      ExperimentFigure(name: "triad_gflops", value: triadGflops, unit: "GFLOP/s", label: "triad's achieved rate, \(roof.name)"),
      ExperimentFigure(name: "attainable_gflops", value: attainable, unit: "GFLOP/s", label: "roofline at \(Format.number(intensity)) FLOP/byte: min(peak, intensity × bandwidth)"),
    ]
    var series: [ExperimentSeries] = []
    for result in results {
      series.append(
        ExperimentSeries(
          name: "STREAM, \(result.name)", xLabel: "kernel (1 copy, 2 scale, 3 add, 4 triad)", xUnit: "kernel",
          yLabel: "bandwidth", yUnit: "GB/s", points: result.gbPerSecond.enumerated().map { .init(x: Double($0.offset + 1), y: $0.element) }))
    }
    let intensities = (-6...10).map { pow2($0) }
    series.append(
      ExperimentSeries(
        name: "roofline", xLabel: "arithmetic intensity", xUnit: "FLOP/byte", yLabel: "attainable", yUnit: "GFLOP/s",
        points: intensities.map { .init(x: $0, y: min(peak, $0 * bandwidth)) }))
    series.append(
      ExperimentSeries(
        name: "STREAM kernels on the roofline", xLabel: "arithmetic intensity", xUnit: "FLOP/byte", yLabel: "achieved",
        yUnit: "GFLOP/s",
        points: Self.kernels.enumerated().filter { $0.element.flops > 0 }.map { index, kernel in
          .init(x: Double(kernel.flops) / Double(8 * kernel.words), y: Double(kernel.flops * n) / roof.best[index] / 1e9)
        }))

    let passed = results.allSatisfy(\.check.passed)
    let detail = results.map { "\($0.name): \($0.check.detail)" }.joined(separator: " ")
    let ruleMet = n * 8 >= 4 * lastLevelCacheBytes
    var summary = ""
    for result in results {
      let rates = result.gbPerSecond.map(Format.number)
      summary += "STREAM on \(result.name == "OpenCL" ? "the OpenCL device" : "the host with \(threads) thread\(threads == 1 ? "" : "s")") reached copy \(rates[0]), scale \(rates[1]), add \(rates[2]) and triad \(rates[3]) GB/s (best of \(repeats), arrays of \(Format.bytes(n * 8))"
      summary += ruleMet ? ", ≥ 4× the \(Format.bytes(lastLevelCacheBytes)) last-level cache). " : ", smaller than STREAM's 4× the \(Format.bytes(lastLevelCacheBytes)) last-level cache, so caches inflate these). "
    }
    summary +=
      "With a peak of \(Format.number(peak)) GFLOP/s the ridge point is \(Format.number(ridge)) FLOP/byte: triad, at \(Format.number(triadIntensity)) FLOP/byte, reaches only \(Format.number(triadGflops)) GFLOP/s (\(Format.number(100 * triadGflops / peak))% of peak), limited by memory bandwidth, "
      + "and a kernel of \(Format.number(intensity)) FLOP/byte can reach at most \(Format.number(attainable)) GFLOP/s."
    var device: [String] = []
    if onHost { device.append(session.hostDescription) }
    if onDevice { device.append(session.deviceDescription) }
    return ExperimentReport(
      figures: figures, series: series,
      verification: ExperimentVerification(
        method: "STREAM's checkSTREAMresults: the average absolute error of each array against the scalar recurrence, relative to the expected value",
        passed: passed, maxError: results.map(\.check.worstError).max(), tolerance: 1e-13, detail: detail),
      device: device.joined(separator: " and "), summary: summary)
  }
}

/// The three arrays, shared read-write by the STREAM threads (each writes only its own chunk).
struct StreamArrays: @unchecked Sendable {
  // @unchecked: plain pointers; the parallel loops partition the indices, so no element is
  // touched by two threads, and the arrays outlive every loop (freed after the last one).
  let a: UnsafeMutablePointer<Double>
  let b: UnsafeMutablePointer<Double>
  let c: UnsafeMutablePointer<Double>
}

/// STREAM's check of the final values: the scalar recurrence run for the same iterations, and
/// the average absolute error of each array relative to its expected value.
struct StreamCheck {
  var passed: Bool
  var worstError: Double
  var detail: String

  init(a: UnsafeBufferPointer<Double>, b: UnsafeBufferPointer<Double>, c: UnsafeBufferPointer<Double>, iterations: Int, epsilon: Double) {
    var aj = 2.0, bj = 2.0, cj = 0.0
    let scalar = BandwidthExperiment.scalar
    for _ in 0..<iterations {
      cj = aj
      bj = scalar * cj
      cj = aj + bj
      aj = bj + scalar * cj
    }
    func averageError(_ values: UnsafeBufferPointer<Double>, _ expected: Double) -> Double {
      var sum = 0.0
      for value in values { sum += abs(value - expected) }
      return sum / Double(max(values.count, 1)) / abs(expected)
    }
    let errors = [averageError(a, aj), averageError(b, bj), averageError(c, cj)]
    worstError = errors.max() ?? 0
    passed = worstError <= epsilon
    detail =
      "average relative errors a \(Format.number(errors[0])), b \(Format.number(errors[1])), c \(Format.number(errors[2])) (expected a = \(Format.number(aj)), b = \(Format.number(bj)), c = \(Format.number(cj)) after \(iterations) iterations)."
  }
}

/// Runs `body` over `count` indices split into `chunks` contiguous ranges, in parallel when `chunks` > 1.
func parallel(_ chunks: Int, _ count: Int, _ body: (Range<Int>) -> Void) {
  let chunks = max(1, min(chunks, count))
  if chunks == 1 {
    body(0..<count)
    return
  }
  withoutActuallyEscaping(body) { body in
    let box = UncheckedBox(body)
    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
      box.value((count * chunk / chunks)..<(count * (chunk + 1) / chunks))
    }
  }
}

/// Lets a non-Sendable closure cross into `concurrentPerform`, which runs it on other threads but
/// returns only after they all finish.
struct UncheckedBox<T>: @unchecked Sendable {
  // @unchecked: used only by `parallel`, whose callers' closures touch disjoint data per chunk.
  let value: T
  init(_ value: T) { self.value = value }
}

/// 2^k as a Double.
func pow2(_ k: Int) -> Double { k >= 0 ? Double(1 << k) : 1 / Double(1 << -k) }
