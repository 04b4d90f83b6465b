#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What the host CPU says about itself, read once: its name, cores and cache sizes.
///
/// On Linux the caches come from sysfs (`/sys/devices/system/cpu/cpu0/cache/index*/{level,type,size}`)
/// and the name from `/proc/cpuinfo`; elsewhere, or when a file is missing, documented fallbacks apply.
public struct HostMachine: Sendable, Codable, Equatable {
  /// `model name` from `/proc/cpuinfo`, or `"host CPU"`.
  public var cpuName: String
  /// Online logical processors (`sysconf(_SC_NPROCESSORS_ONLN)`), at least 1.
  public var cores: Int
  /// The size of the highest-level data or unified cache of cpu0, in bytes; 32 MiB when unknown.
  public var lastLevelCacheBytes: Int
  /// Where ``lastLevelCacheBytes`` came from: `"sysfs L3"`, say, or `"fallback"`.
  public var lastLevelCacheSource: String
  /// The memory page size (`sysconf(_SC_PAGESIZE)`), usually 4096.
  public var pageBytes: Int
  /// cpu0's data and unified caches by level, smallest first (`[]` when sysfs does not say).
  public var dataCaches: [CacheLevel] = []

  /// One level of cache as sysfs describes it. JSON: `{"level", "bytes", "shared_by"}`.
  public struct CacheLevel: Sendable, Codable, Equatable {
    public var level: Int
    public var bytes: Int
    /// Logical processors sharing it (from `shared_cpu_list`), 1 when unknown.
    public var sharedBy: Int

    public init(level: Int, bytes: Int, sharedBy: Int = 1) {
      self.level = level
      self.bytes = bytes
      self.sharedBy = sharedBy
    }

    /// "L1d cache", "L2 cache", …
    public var name: String { level == 1 ? "L1d cache" : "L\(level) cache" }
    /// The roofline figure of its read bandwidth: `l1d_gb_s`, `l2_gb_s`, …
    var figure: String { level == 1 ? "l1d_gb_s" : "l\(level)_gb_s" }

    enum CodingKeys: String, CodingKey {
      case level, bytes
      case sharedBy = "shared_by"
    }
  }

  /// The caches named for the sanity checks, smallest first, each with the capacity of all its
  /// instances together ("L2 caches (8 of them)"); the last-level cache alone when only that is known.
  public var cacheLevels: [(name: String, bytes: Int)] {
    guard !dataCaches.isEmpty else { return [("last-level cache", lastLevelCacheBytes)] }
    // A working set spread over every core meets every instance of a level: count them all.
    return dataCaches.map { cache in
      let instances = max(1, cores / max(cache.sharedBy, 1))
      let name = cache.name + (instances > 1 ? "s (\(instances) of them)" : "")
      return (name, cache.bytes * instances)
    }
  }

  enum CodingKeys: String, CodingKey {
    case cpuName = "cpu_name"
    case cores
    case lastLevelCacheBytes = "last_level_cache_bytes"
    case lastLevelCacheSource = "last_level_cache_source"
    case pageBytes = "page_bytes"
    case dataCaches = "data_caches"
  }

  /// The last-level cache size assumed when sysfs does not say: 32 MiB.
  public static let fallbackLastLevelCacheBytes = 32 << 20

  /// This machine, read on first use.
  public static let current = HostMachine.read()

  static func read() -> HostMachine {
    let cores = max(Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), 1)
    let page = max(Int(sysconf(Int32(_SC_PAGESIZE))), 1)
    var best: (level: Int, bytes: Int)?
    var levels: [CacheLevel] = []
    for index in 0..<16 {
      let directory = "/sys/devices/system/cpu/cpu0/cache/index\(index)/"
      guard let levelText = readSmallFile(directory + "level"), let level = Int(levelText),
        let sizeText = readSmallFile(directory + "size"), let bytes = parseCacheSize(sizeText)
      else { continue }
      if readSmallFile(directory + "type") == "Instruction" { continue }
      if best.map({ level > $0.level }) ?? true { best = (level, bytes) }
      let shared = readSmallFile(directory + "shared_cpu_list").map(cpuCount) ?? 1
      levels.append(CacheLevel(level: level, bytes: bytes, sharedBy: max(shared, 1)))
    }
    let name = cpuinfoField("model name") ?? "host CPU"
    return HostMachine(
      cpuName: name.isEmpty ? "host CPU" : name, cores: cores,
      lastLevelCacheBytes: best?.bytes ?? fallbackLastLevelCacheBytes,
      lastLevelCacheSource: best.map { "sysfs L\($0.level)" } ?? "fallback", pageBytes: page,
      dataCaches: levels.sorted { $0.level < $1.level })
  }

  /// The first processor's `field` in `/proc/cpuinfo` (its first 64 KiB), trimmed; nil where
  /// there is no such file or field.
  static func cpuinfoField(
    _ field: String, cpuinfo: String? = readSmallFile("/proc/cpuinfo", limit: 1 << 16)
  ) -> String? {
    cpuinfo?.split(separator: "\n").first { $0.hasPrefix(field) }?
      .split(separator: ":", maxSplits: 1).last.map { String($0).trimmingSpaces }
  }

  /// `"0-3,8"` → 5.
  static func cpuCount(_ list: String) -> Int {
    var total = 0
    for range in list.split(separator: ",") {
      let ends = range.split(separator: "-").compactMap { Int(String($0).trimmingSpaces) }
      total += ends.count == 2 ? ends[1] - ends[0] + 1 : 1
    }
    return total
  }

  /// `"32768K"`, `"1M"`, `"512"` → bytes.
  static func parseCacheSize(_ text: String) -> Int? {
    let multipliers: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
    guard let last = text.last else { return nil }
    if let multiplier = multipliers[last] { return Int(text.dropLast()).map { $0 * multiplier } }
    return Int(text)
  }

  /// The file's text up to `limit` bytes, trimmed, or nil when it cannot be read.
  static func readSmallFile(_ path: String, limit: Int = 4096) -> String? {
    guard let file = fopen(path, "r") else { return nil }
    defer { fclose(file) }
    var bytes = [UInt8](repeating: 0, count: limit)
    let count = bytes.withUnsafeMutableBytes { fread($0.baseAddress, 1, limit, file) }
    guard count > 0 else { return nil }
    return String(decoding: bytes[0..<count], as: UTF8.self).trimmingSpaces
  }
}
