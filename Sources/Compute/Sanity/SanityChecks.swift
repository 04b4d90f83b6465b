/// The checks every result goes through before it is reported (see ``SanityFlag``). Pure: the
/// facts about the machine come in a ``Context``, so tests can state any machine.
public enum SanityChecks {
  /// What the checks know of where the run happened.
  public struct Context: Sendable {
    /// The highest float32 rate the device could reach, GFLOP/s (theoretical, or a generous
    /// bound); nil when unknown.
    public var peakGFLOPS: Double?
    /// The same for float64.
    public var peakFloat64GFLOPS: Double?
    /// The host's cache levels, smallest first: a name ("L2 cache", "last-level cache") and bytes.
    public var hostCaches: [(name: String, bytes: Int)]
    /// The OpenCL device's, when the run used one.
    public var deviceCaches: [(name: String, bytes: Int)]
    /// The device time of an empty kernel launch, seconds; nil off OpenCL.
    public var emptyLaunchSeconds: Double?
    /// What timing an empty host closure costs, seconds.
    public var emptyHostSeconds: Double
    /// What the CPU frequency governor says, when the system exposes it.
    public var frequency: CPUFrequency?
    /// The 1-minute load average after the run and the online cores, when /proc/loadavg exists.
    public var load: (average: Double, cores: Int)?

    public init(
      peakGFLOPS: Double? = nil, peakFloat64GFLOPS: Double? = nil, hostCaches: [(name: String, bytes: Int)] = [],
      deviceCaches: [(name: String, bytes: Int)] = [],
      emptyLaunchSeconds: Double? = nil, emptyHostSeconds: Double = 1e-7, frequency: CPUFrequency? = nil
    ) {
      self.peakGFLOPS = peakGFLOPS
      self.peakFloat64GFLOPS = peakFloat64GFLOPS
      self.hostCaches = hostCaches
      self.deviceCaches = deviceCaches
      self.emptyLaunchSeconds = emptyLaunchSeconds
      self.emptyHostSeconds = emptyHostSeconds
      self.frequency = frequency
    }
  }

  /// A working set that a kind meant to come from memory beyond the caches (DRAM, global memory).
  public struct WorkingSet: Sendable, Equatable {
    /// What it is, e.g. "the three STREAM arrays".
    public var what: String
    public var bytes: Int
    /// Where the kind meant it to come from, e.g. "DRAM", "global memory".
    public var meant: String
    /// Whether it lives on the OpenCL device (else on the host).
    public var onDevice: Bool

    public init(what: String, bytes: Int, meant: String, onDevice: Bool) {
      self.what = what
      self.bytes = bytes
      self.meant = meant
      self.onDevice = onDevice
    }
  }

  /// Every flag for a result.
  public static func flags(
    measurements: [ExperimentMeasurement], figures: [ExperimentFigure], workingSets: [WorkingSet],
    inputFlags: [SanityFlag], concurrentJobs: [String], context: Context
  ) -> [SanityFlag] {
    var flags = inputFlags
    flags += measurements.compactMap(notConverged)
    flags += measurements.compactMap { emptyTime($0, context: context) }
    flags += figures.compactMap { abovePeak($0, context: context) }
    flags += workingSets.compactMap { cacheResident($0, caches: $0.onDevice ? context.deviceCaches : context.hostCaches) }
    if let flag = concurrentJobsFlag(concurrentJobs) { flags.append(flag) }
    if let frequency = context.frequency, let flag = frequency.flag { flags.append(flag) }
    if let load = context.load, load.average > Double(load.cores) + 1 {
      flags.append(
        SanityFlag(
          .machineLoad, .warning,
          "The load average was \(Format.number(load.average)) on \(load.cores) core\(load.cores == 1 ? "" : "s") after the run: other processes competed for the CPU, so the times may include their load."
        ))
    }
    return flags
  }

  /// A flag naming the pool jobs that overlapped the run, nil when none did.
  static func concurrentJobsFlag(_ ids: [String]) -> SanityFlag? {
    guard !ids.isEmpty else { return nil }
    return SanityFlag(
      .concurrentJobs, .warning,
      "\(ids.count) other job\(ids.count == 1 ? "" : "s") ran on the worker pool meanwhile (\(ids.joined(separator: ", "))): the times may include their load."
    )
  }

  static func notConverged(_ measurement: ExperimentMeasurement) -> SanityFlag? {
    guard !measurement.converged, measurement.repeats > 1 else { return nil }
    let spread = measurement.spread.map { "±\(Format.number(100 * $0))%" } ?? "unknown"
    let stop: String
    switch measurement.stopped {
    case .timeBudget: stop = "stopped by the time budget"
    case .maximumRepeats: stop = "stopped by the repeat limit"
    case .fixed: stop = "a fixed count the kind takes"
    case .converged: stop = "stopped"
    }
    return SanityFlag(
      .notConverged, .info, subject: measurement.name,
      "The median of \(measurement.name) had a spread of \(spread) after \(measurement.repeats) repeats (target ±\(Format.number(100 * measurement.targetSpread))%, \(stop)): compare it with care."
    )
  }

  static func emptyTime(_ measurement: ExperimentMeasurement, context: Context) -> SanityFlag? {
    let floor = measurement.clock == .device ? context.emptyLaunchSeconds : context.emptyHostSeconds
    guard let floor, measurement.seconds.min <= 2 * floor else { return nil }
    let what = measurement.clock == .device ? "an empty kernel launch" : "timing an empty block"
    return SanityFlag(
      .emptyTime, .warning, subject: measurement.name,
      "\(measurement.name) took \(Format.seconds(measurement.seconds.min)), no more than twice \(what) (\(Format.seconds(floor))): the work may have been optimised away, or it is too small to time; make it larger."
    )
  }

  static func abovePeak(_ figure: ExperimentFigure, context: Context) -> SanityFlag? {
    guard figure.unit == "GFLOP/s", figure.value.isFinite else { return nil }
    let float64 = ["float64", "fp64", "dgesv", "dgemm", "double"].contains { figure.name.contains($0) }
    guard let peak = float64 ? (context.peakFloat64GFLOPS ?? context.peakGFLOPS) : context.peakGFLOPS,
      figure.value > peak * 1.02
    else { return nil }
    return SanityFlag(
      .abovePeak, .warning, subject: figure.name,
      "Impossible: \(figure.label) is \(Format.number(figure.value)) GFLOP/s, above this device's \(float64 ? "float64 " : "")peak of \(Format.number(peak)) GFLOP/s; check the clock, or the flop count."
    )
  }

  static func cacheResident(_ set: WorkingSet, caches: [(name: String, bytes: Int)]) -> SanityFlag? {
    // STREAM's rule: the arrays must be at least 4× the caches to measure memory.
    guard let level = caches.first(where: { set.bytes <= $0.bytes }) ?? caches.last.flatMap({ set.bytes < 4 * $0.bytes ? $0 : nil })
    else { return nil }
    let fits = set.bytes <= level.bytes
    return SanityFlag(
      .cacheResident, .warning, subject: set.what,
      fits
        ? "\(set.what.prefix(1).uppercased() + set.what.dropFirst()) (\(Format.bytes(set.bytes))) fit in the \(level.name) (\(Format.bytes(level.bytes))): this measured the \(level.name), not \(set.meant)."
        : "\(set.what.prefix(1).uppercased() + set.what.dropFirst()) (\(Format.bytes(set.bytes))) are less than 4× the \(level.name) (\(Format.bytes(level.bytes))): part of it stays cached, so this is not a clean \(set.meant) figure (STREAM asks for 4×)."
    )
  }

  /// A flag when `values` are all zero or all one value, else nil.
  public static func inputFlag<T: BinaryFloatingPoint>(_ name: String, _ values: UnsafeBufferPointer<T>) -> SanityFlag? {
    guard let first = values.first, values.count > 1, values.allSatisfy({ $0 == first }) else { return nil }
    let what = first == 0 ? "all zero" : "all \(Format.number(Double(first)))"
    return SanityFlag(
      .constantInput, .warning, subject: name,
      "The input \(name) is \(what): compression on a GPU, caches, branch predictors or a compiler can make constant data faster (or more accurate) than real data."
    )
  }
}

extension SanityChecks.Context {
  /// What the checks know of a run on `device` (an OpenCL device), or on the host when nil: the
  /// device's theoretical peak when recognised, else a bound no device reaches (64 float32 flops
  /// per cycle per unit — two AVX-512 FMA units — at 5 GHz or the stated clock if higher, since
  /// CPUs state their base clock and boost above it); its caches; the empty-launch time; the
  /// CPU governor and the load average.
  static func machine(host: HostMachine, device: OpenCL.DeviceInfo?, emptyLaunchSeconds: Double?) -> Self {
    let frequency = CPUFrequency.read()
    var context = Self(hostCaches: host.cacheLevels, emptyHostSeconds: emptyHostSeconds, frequency: frequency)
    context.load = CPUFrequency.loadAverage().map { ($0, host.cores) }
    if let info = device {
      let profile = DeviceProfile(info, host: host)
      context.peakGFLOPS =
        (profile.peakFlopsPerSecond(.float32, computeUnits: info.computeUnits, clockMHz: info.maxClockMHz)
          ?? 64 * Double(info.computeUnits) * Double(max(info.maxClockMHz, 5000)) * 1e6) / 1e9
      context.peakFloat64GFLOPS =
        profile.peakFlopsPerSecond(.float64, computeUnits: info.computeUnits, clockMHz: info.maxClockMHz).map { $0 / 1e9 }
      context.deviceCaches = [(profile.isGPU ? "L2 cache" : "last-level cache", profile.lastLevelCacheBytes)]
      context.emptyLaunchSeconds = emptyLaunchSeconds
    } else {
      // The host: the same bound per core, at the highest clock the system states, else 5 GHz.
      let gigahertz = max(frequency?.maximumKHz.map { Double($0) / 1e6 } ?? 5, 5)
      context.peakGFLOPS = 64 * Double(host.cores) * gigahertz
      context.peakFloat64GFLOPS = 32 * Double(host.cores) * gigahertz
    }
    return context
  }

  /// What timing an empty block costs on this host (the least of 200 tries), measured once.
  static let emptyHostSeconds: Double = {
    var best = Double.infinity
    for _ in 0..<200 {
      let watch = Stopwatch()
      best = min(best, watch.seconds)
    }
    return max(best, 1e-9)
  }()
}
