/// What hpclab knows about a device beyond what OpenCL reports: its architecture's floating-point
/// lanes per compute unit (to say how close `peak` came), its last-level cache (so that working
/// sets meant for DRAM exceed it), and conservative throughput estimates for time budgets.
///
/// NVIDIA GPUs are recognised by compute capability (`cl_nv_device_attribute_query`) or by name;
/// the table gives FP32 and FP64 lanes per SM and the L2 size of the data-centre parts, from
/// NVIDIA's architecture whitepapers. Other devices are "not recognised": their figures stand
/// alone, and their caches are what the driver reports.
public struct DeviceProfile: Sendable, Equatable {
  /// e.g. "NVIDIA Hopper (compute capability 9.0)"; `nil` when not recognised.
  public var architecture: String?
  /// FP32 and FP64 fused multiply-add lanes per compute unit, when recognised.
  public var float32LanesPerUnit: Int?
  public var float64LanesPerUnit: Int?
  /// The cache a streaming working set must exceed (L2 on a GPU, the host's last-level cache on a
  /// CPU device), in bytes, and where that figure came from.
  public var lastLevelCacheBytes: Int
  public var lastLevelCacheSource: String
  /// Whether the device is a GPU (buffers in device memory, not the host's).
  public var isGPU: Bool
  /// Conservative estimates for time budgets: about half of what such a device sustains.
  public var flopsPerSecondEstimate: Double
  public var bytesPerSecondEstimate: Double

  /// Theoretical peak in FLOP/s for `dtype` (2 flops per FMA lane per cycle), when recognised.
  public func peakFlopsPerSecond(_ dtype: DType, computeUnits: Int, clockMHz: Int) -> Double? {
    guard let lanes = dtype == .float32 ? float32LanesPerUnit : float64LanesPerUnit else { return nil }
    return 2 * Double(lanes) * Double(computeUnits) * Double(clockMHz) * 1e6
  }

  /// NVIDIA compute capability → (name, FP32 lanes/SM, FP64 lanes/SM).
  static let nvidiaArchitectures: [String: (String, Int, Int)] = [
    "6.0": ("Pascal GP100", 64, 32), "6.1": ("Pascal", 128, 4),
    "7.0": ("Volta", 64, 32), "7.5": ("Turing", 64, 2),
    "8.0": ("Ampere GA100", 64, 32), "8.6": ("Ampere", 128, 2), "8.7": ("Ampere", 128, 2),
    "8.9": ("Ada Lovelace", 128, 2), "9.0": ("Hopper", 128, 64),
    "10.0": ("Blackwell", 128, 64), "12.0": ("Blackwell", 128, 2),
  ]

  /// Name fragments of NVIDIA parts → (compute capability, L2 bytes), for drivers that do not
  /// report the capability, and because OpenCL does not report L2.
  static let nvidiaParts: [(fragment: String, capability: String, l2: Int)] = [
    ("GH200", "9.0", 50 << 20), ("H200", "9.0", 50 << 20), ("H100", "9.0", 50 << 20), ("H800", "9.0", 50 << 20),
    ("A100", "8.0", 40 << 20), ("A800", "8.0", 40 << 20), ("A30", "8.0", 24 << 20),
    ("L40", "8.9", 96 << 20), ("L4", "8.9", 48 << 20), ("RTX 4090", "8.9", 72 << 20), ("RTX 4080", "8.9", 64 << 20),
    ("A40", "8.6", 6 << 20), ("A10", "8.6", 6 << 20), ("RTX 3090", "8.6", 6 << 20), ("RTX 3080", "8.6", 5 << 20),
    ("V100", "7.0", 6 << 20), ("T4", "7.5", 4 << 20), ("P100", "6.0", 4 << 20),
  ]

  public init(_ info: OpenCL.DeviceInfo, host: HostMachine = .current) {
    isGPU = info.type.contains("gpu")
    let isNVIDIA = info.vendor.uppercased().contains("NVIDIA") || info.name.uppercased().contains("NVIDIA")
    let part = isNVIDIA ? Self.nvidiaParts.first { info.name.contains($0.fragment) } : nil
    let capability = info.computeCapability ?? part?.capability
    if isNVIDIA, let capability, let arch = Self.nvidiaArchitectures[capability] {
      architecture = "NVIDIA \(arch.0) (compute capability \(capability))"
      float32LanesPerUnit = arch.1
      float64LanesPerUnit = arch.2
    } else {
      architecture = nil
      float32LanesPerUnit = nil
      float64LanesPerUnit = nil
    }
    if !isGPU {
      // A CPU device is the host: its last-level cache is the host's, whatever the driver reports.
      lastLevelCacheBytes = max(host.lastLevelCacheBytes, info.globalMemoryCacheBytes)
      lastLevelCacheSource = host.lastLevelCacheBytes >= info.globalMemoryCacheBytes
        ? "the host's \(host.lastLevelCacheSource)" : "CL_DEVICE_GLOBAL_MEM_CACHE_SIZE"
    } else if let part, part.l2 > info.globalMemoryCacheBytes {
      lastLevelCacheBytes = part.l2
      lastLevelCacheSource = "L2 of the \(part.fragment) (NVIDIA whitepaper)"
    } else if info.globalMemoryCacheBytes > 0 {
      lastLevelCacheBytes = info.globalMemoryCacheBytes
      lastLevelCacheSource = "CL_DEVICE_GLOBAL_MEM_CACHE_SIZE"
    } else {
      lastLevelCacheBytes = 64 << 20
      lastLevelCacheSource = "assumed 64 MiB (the device reports no cache size)"
    }
    let units = Double(max(info.computeUnits, 1))
    let clock = Double(max(info.maxClockMHz, 100)) * 1e6
    if isGPU {
      // Half of the recognised FP32 peak, else 32 lanes per unit; about 8 bytes per cycle per unit.
      flopsPerSecondEstimate = max(ExperimentCost.Rates.deviceFlopsPerSecond, Double(float32LanesPerUnit ?? 64) * units * clock)
      bytesPerSecondEstimate = max(ExperimentCost.Rates.memoryBytesPerSecond, 8 * units * clock)
    } else {
      flopsPerSecondEstimate = max(ExperimentCost.Rates.deviceFlopsPerSecond, 2 * units * clock)
      bytesPerSecondEstimate = max(ExperimentCost.Rates.memoryBytesPerSecond, units * clock)
    }
  }

  /// A sentence naming the level of the memory hierarchy a working set of `bytes` measured, against
  /// a last-level cache of `cacheBytes` (`source` says where that size came from).
  public static func hierarchyNote(workingSet bytes: Int, what: String, cacheBytes: Int, source: String) -> String {
    let ratio = Double(bytes) / Double(max(cacheBytes, 1))
    let sizes = "\(what) of \(Format.bytes(bytes)) is \(Format.number(ratio))× the \(Format.bytes(cacheBytes)) last-level cache (\(source))"
    if ratio >= 4 { return "This measured DRAM: \(sizes)." }
    if ratio >= 1 {
      return "Mostly DRAM, partly cache: \(sizes); STREAM asks for 4×, so part of the traffic may be served by the cache and the figure may overstate DRAM bandwidth."
    }
    return "This measured the cache, not DRAM: \(sizes), so it fits; a larger n (within the server's --memory-budget) would measure DRAM."
  }

  /// Elements of `elementBytes` each in one array of a streaming working set: a power of two at
  /// least 4× the last-level cache (STREAM's rule), so that the run measures DRAM.
  public func streamingElements(elementBytes: Int) -> Int {
    let wanted = max(4 * lastLevelCacheBytes / max(elementBytes, 1), 1024)
    var n = 1024
    while n < wanted { n *= 2 }
    return n
  }
}
