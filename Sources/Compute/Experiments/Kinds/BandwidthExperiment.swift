/// `bandwidth`: STREAM (McCalpin) copy, scale, add and triad on the host, and optionally on the
/// OpenCL device, with STREAM's rules: each array at least 4× the last-level cache, the best of
/// the timed iterations after an untimed first one, bytes counted per kernel as STREAM counts
/// them (copy and scale 2 words per element, add and triad 3; write-allocate traffic not counted),
/// and STREAM's own check of the final values. Plus a roofline: attainable GFLOP/s =
/// min(peak, intensity × bandwidth), with the peak from `cblas_dgemm` or given.
struct BandwidthExperiment: Experiment {
  static let kind = ExperimentKind.bandwidth
  static let parameters: [JobParameter] = [
    .choice(
      "target", default: "cpu", allowed: ["cpu", "opencl", "both"],
      "where STREAM runs: host loops, the OpenCL device, or both"),
    .int(
      "n", default: nil, min: 1024, max: 1 << 28, unit: "elements",
      "float64 elements per array; default: 4× the last-level cache / 8 bytes (the host's from sysfs, 32 MiB if unknown; the device's L2 on a GPU), capped by the memory budget (the summary says so)"
    ),
    .int("threads", default: nil, min: 1, max: 256, "host threads; default: the number of cores"),
    .int(
      "repeats", default: 10, min: 1, max: 50,
      "timed iterations after one untimed iteration; the best is reported, as in STREAM"),
    .number(
      "peak_gflops", default: 0, min: 0, max: 1e6, unit: "GFLOP/s",
      "compute peak for the roofline; 0 measures the host's with cblas_dgemm on 1024×1024 matrices"),
    .number(
      "intensity", default: 1, min: 1.0 / 64, max: 1024, unit: "FLOP/byte",
      "arithmetic intensity at which to read the roofline"),
    .device,
  ]

  static func machineDefault(
    for name: String, environment: ExperimentEnvironment, values: [String: JobValue]
  ) -> JobValue? {
    guard name == "n" else { return sharedMachineDefault(for: name, environment: environment) }
    return .int(defaultN(values, environment: environment).n)
  }

  /// STREAM's 4× rule for each target that runs, capped by the memory budget and the device.
  static func defaultN(
    _ values: [String: JobValue], environment: ExperimentEnvironment
  ) -> (n: Int, capped: String?) {
    let target = if case .string(let value)? = values["target"] { value } else { "cpu" }
    let device = if case .int(let value)? = values["device"] { value } else { 0 }
    let peakGiven = if case .number(let value)? = values["peak_gflops"] { value } else { 0.0 }
    let onHost = target != "opencl"
    let onDevice = target != "cpu"
    let hostWanted = onHost ? 4 * environment.host.lastLevelCacheBytes / 8 : 0
    let deviceWanted = onDevice ? environment.profile(device)?.streamingElements(elementBytes: 8) ?? 0 : 0
    return environment.fittingDefault(
      wanted: max(hostWanted, deviceWanted, 1024), cap: 1 << 28, hostBytesPerElement: onHost ? 24 : 8,
      deviceBytesPerElement: onDevice ? 24 : 0, largestBufferBytesPerElement: onDevice ? 8 : 0,
      reservedBytes: peakGiven == 0 ? 3 * 1024 * 1024 * 8 : 0, device: onDevice ? device : nil)
  }

  static func usesOpenCL(_ parameters: JobParameters) -> Bool { parameters.string("target") != "cpu" }

  static func fp64Field(_ parameters: JobParameters) -> String? { usesOpenCL(parameters) ? "target" : nil }

  /// `target` both runs on the host as well, so it queues with host jobs.
  static func lane(_ parameters: JobParameters, environment: ExperimentEnvironment) -> String {
    parameters.string("target") == "opencl" ? environment.openCL.lane(device: parameters.int("device")) : "cpu"
  }

  let target: String
  let n: Int
  let threads: Int
  let repeats: Int
  let peakGiven: Double
  let intensity: Double
  let lastLevelCacheBytes: Int
  let lastLevelCacheSource: String
  /// The OpenCL device's last-level cache and its source, when it runs there.
  let deviceCache: (bytes: Int, source: String)?
  /// What capped the default n, when it was capped and this run used it.
  let cappedNote: String?

  /// STREAM's scalar.
  static let scalar = 3.0
  /// Words moved per element by copy, scale, add, triad.
  static let kernels: [(name: String, words: Int, flops: Int)] = [
    ("copy", 2, 0), ("scale", 2, 1), ("add", 3, 1), ("triad", 3, 2),
  ]

  init(_ parameters: JobParameters, environment: ExperimentEnvironment) throws(ComputeError) {
    target = parameters.string("target")
    n = parameters.int("n")
    threads = parameters.int("threads")
    repeats = parameters.int("repeats")
    peakGiven = parameters.number("peak_gflops")
    intensity = parameters.number("intensity")
    lastLevelCacheBytes = environment.host.lastLevelCacheBytes
    lastLevelCacheSource = environment.host.lastLevelCacheSource
    let profile = environment.profile(parameters.int("device"))
    deviceCache = target == "cpu" ? nil : profile.map { ($0.lastLevelCacheBytes, $0.lastLevelCacheSource) }
    let fitted = Self.defaultN(parameters.values, environment: environment)
    cappedNote = fitted.capped != nil && fitted.n == n ? fitted.capped : nil
  }

  var onHost: Bool { target != "opencl" }
  var onDevice: Bool { target != "cpu" }

  var cost: ExperimentCost {
    let perTarget = Double(80 * n * (repeats + 1) + 8 * 8 * n) / ExperimentCost.Rates.memoryBytesPerSecond
    let peak = peakGiven == 0 ? 4 * 2 * 1024.0 * 1024 * 1024 / ExperimentCost.Rates.blasFlopsPerSecond : 0
    // The host arrays are freed before the device part, which holds 3 device arrays and 1 host copy.
    let memory = max(onHost ? 24 * n : 0, onDevice ? 8 * n : 0) + (peakGiven == 0 ? 3 * 1024 * 1024 * 8 : 0)
    let targets = (onHost ? 1 : 0) + (onDevice ? 1 : 0)
    return ExperimentCost(
      memoryBytes: memory, seconds: Double(targets) * perTarget + peak,
      progressUnits: 1 + targets * (4 * (repeats + 1) + 1) + (peakGiven == 0 ? 4 : 0), sizeField: "n",
      largestDeviceBufferBytes: onDevice ? 8 * n : 0, deviceMemoryBytes: onDevice ? 24 * n : 0)
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
}
