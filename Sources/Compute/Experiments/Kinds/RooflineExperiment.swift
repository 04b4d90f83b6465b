/// `roofline`: this machine's roofline, measured: the compute ceiling per dtype and the read
/// bandwidth of each level of the memory hierarchy, on the host (L1d, L2, L3 and DRAM, from
/// sysfs's cache sizes) or on an OpenCL device (local memory, L2 and global memory).
///
/// Host ceilings are OpenBLAS GEMM rates (what tuned code reaches; not the datasheet peak, which
/// `peak` and the sanity bound speak of); the device's come from `peak`'s FMA chains, run
/// inside this job. A level's bandwidth is a read of a working set half the size of that level
/// (per thread, of the thread's share), summed with SIMD loads; DRAM's is a working set at
/// least 4× the last-level cache, STREAM's rule. Every read is verified by its sum.
struct RooflineExperiment: Experiment {
  static let kind = ExperimentKind.roofline
  static let parameters: [JobParameter] = [
    JobParameter(
      name: "target", type: .choice, defaultValue: nil, minimum: nil, maximum: nil,
      allowed: [.string("host"), .string("opencl")], unit: nil,
      description: "host: the CPU's caches and DRAM, BLAS ceilings; opencl: the device's local memory, L2 and global memory, FMA ceilings; default: opencl when the default device is a GPU, else host"
    ),
    .int("threads", default: nil, min: 1, max: 1024, "host threads reading; default: the core count"),
    .int(
      "memory_mib", default: nil, min: 1, max: 65536, unit: "MiB",
      "working set of the DRAM (host) or global-memory (device) read, and the most any cache level reads; default: 4× the last-level cache (the device's L2), at least 64 MiB, within the memory budget"
    ),
    .int(
      "gemm_n", default: nil, min: 64, max: 8192,
      "side of the host's GEMM products that set its ceilings; default: 1024 on up to 4 cores, else 2048"),
    .repeats(default: 5, max: 50),
    .device,
  ]

  static func machineDefault(
    for name: String, environment: ExperimentEnvironment, values: [String: JobValue]
  ) -> JobValue? {
    switch name {
    case "gemm_n": return .int(environment.host.cores <= 4 ? 1024 : 2048)
    case "memory_mib":
      let onDevice = values["target"] == .string("opencl")
      let device = values["device"].flatMap { if case .int(let index) = $0 { index } else { nil } } ?? 0
      let last = onDevice ? environment.profile(device)?.lastLevelCacheBytes ?? (4 << 20) : environment.host.cacheLevels.last?.bytes ?? environment.host.lastLevelCacheBytes
      let wanted = max(4 * last, 64 << 20)
      let fit = onDevice
        // The buffer is filled from a host array of the same size: 4 bytes an element on the host too.
        ? environment.fittingDefault(
          wanted: wanted / 4, cap: 1 << 30, hostBytesPerElement: 4, deviceBytesPerElement: 4,
          largestBufferBytesPerElement: 4, reservedBytes: 64 << 20, device: device
        ).n * 4
        : environment.fittingDefault(wanted: wanted / 8, cap: 1 << 28, hostBytesPerElement: 8, reservedBytes: 3 * 2048 * 2048 * 8).n * 8
      return .int(max(1, fit >> 20))
    case "target": break
    default: return sharedMachineDefault(for: name, environment: environment)
    }
    let gpu = environment.defaultDeviceIndex.flatMap(environment.profile)?.isGPU ?? false
    return .string(gpu ? "opencl" : "host")
  }

  static func usesOpenCL(_ parameters: JobParameters) -> Bool { parameters.string("target") == "opencl" }

  /// One level to read: its name, the working set in all, and per thread (host) or in one buffer.
  struct Level {
    var figure: String
    var name: String
    var bytes: Int
    var isMemory: Bool
  }

  let onDevice: Bool
  let threads: Int
  let repeats: Int
  let levels: [Level]
  let gemmN: Int
  let deviceIndex: Int
  /// The `peak` run inside this one (OpenCL only).
  let peak: PeakExperiment?
  let localFloats: Int
  let cappedNote: String?
  let bytesPerSecondEstimate: Double

  init(_ parameters: JobParameters, environment: ExperimentEnvironment) throws(ComputeError) {
    onDevice = parameters.string("target") == "opencl"
    let threads = parameters.int("threads")
    self.threads = threads
    repeats = parameters.int("repeats")
    deviceIndex = parameters.int("device")
    let host = environment.host
    gemmN = parameters.int("gemm_n")
    let memoryBytes = parameters.int("memory_mib") << 20
    if onDevice, let info = environment.device(deviceIndex), let profile = environment.profile(deviceIndex) {
      let l2 = profile.lastLevelCacheBytes
      cappedNote = memoryBytes < 4 * l2 ? "the global-memory working set (\(Format.bytes(memoryBytes))) is less than 4× the L2 (\(Format.bytes(l2)))" : nil
      levels = [
        Level(figure: "local_gb_s", name: "local memory", bytes: 0, isMemory: false),
        // No cache level reads more than the global-memory working set asked for.
        Level(
          figure: "l2_gb_s", name: profile.isGPU ? "L2 cache" : "last-level cache",
          bytes: max(min(l2 / 2, memoryBytes) / 64 * 64, 64), isMemory: false),
        Level(figure: "global_gb_s", name: "global memory", bytes: memoryBytes, isMemory: true),
      ]
      localFloats = [4096, 2048, 1024, 512, 256].first { $0 * 4 * 2 <= info.localMemoryBytes } ?? 256
      var values = try PeakExperiment.parameters.validated(["device": .int(deviceIndex), "repeats": .int(repeats)])
      PeakExperiment.fillMachineDefaults(&values, environment: environment)
      peak = try PeakExperiment(JobParameters(values), environment: environment)
      bytesPerSecondEstimate = environment.deviceBytesPerSecond(deviceIndex)
    } else {
      let caches = host.dataCaches.isEmpty
        ? [HostMachine.CacheLevel(level: 3, bytes: host.lastLevelCacheBytes, sharedBy: host.cores)] : host.dataCaches
      var levels: [Level] = caches.map { cache in
        // Half of each thread's share of the level, a multiple of 64 bytes per thread.
        // No level reads more than the DRAM working set asked for (a small memory_mib keeps the
        // whole run small; the DRAM figure is then flagged as cache-resident).
        let share = cache.bytes / max(min(cache.sharedBy, threads), 1) / 2
        let perThread = max(min(share, memoryBytes / threads) / 64 * 64, 4096)
        return Level(figure: cache.figure, name: cache.name, bytes: perThread * threads, isMemory: false)
      }
      let lastLevelTotal = host.cacheLevels.last?.bytes ?? host.lastLevelCacheBytes
      cappedNote =
        memoryBytes < 4 * lastLevelTotal
        ? "the DRAM working set (\(Format.bytes(memoryBytes))) is less than 4× the last-level cache (\(Format.bytes(lastLevelTotal)))" : nil
      levels.append(
        Level(figure: "dram_gb_s", name: "DRAM", bytes: max(memoryBytes / (64 * threads), 1) * 64 * threads, isMemory: true))
      self.levels = levels
      localFloats = 0
      peak = nil
      bytesPerSecondEstimate = ExperimentCost.Rates.memoryBytesPerSecond
    }
  }

  var cost: ExperimentCost {
    let reads = Double(levels.count * (4 * repeats + 1)) * 0.03  // about 30 ms a sample, up to 4× the repeats
    if let peak {
      let buffer = levels.map(\.bytes).max() ?? 0
      return ExperimentCost(
        memoryBytes: peak.cost.memoryBytes + buffer, seconds: peak.cost.seconds + reads,
        progressUnits: peak.cost.progressUnits + levels.count * (repeats + 1), sizeField: "memory_mib",
        largestDeviceBufferBytes: buffer, deviceMemoryBytes: buffer)
    }
    let gemmFlops = 2 * 2 * Double(gemmN * gemmN * gemmN) * Double(repeats + 1)
    return ExperimentCost(
      memoryBytes: (levels.last?.bytes ?? 0) + 3 * gemmN * gemmN * 8,
      seconds: reads + gemmFlops / ExperimentCost.Rates.blasFlopsPerSecond,
      progressUnits: (levels.count + 2) * (repeats + 1), sizeField: "memory_mib")
  }

  /// One level's result.
  struct Reading {
    var level: Level
    var gbPerSecond: Double
    var verified: Bool
  }

  func run(_ session: ExperimentSession) throws -> ExperimentReport {
    onDevice ? try runDevice(session) : try runHost(session)
  }
}
