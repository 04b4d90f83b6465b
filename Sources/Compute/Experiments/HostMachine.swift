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

  enum CodingKeys: String, CodingKey {
    case cpuName = "cpu_name"
    case cores
    case lastLevelCacheBytes = "last_level_cache_bytes"
    case lastLevelCacheSource = "last_level_cache_source"
    case pageBytes = "page_bytes"
  }

  /// The last-level cache size assumed when sysfs does not say: 32 MiB.
  public static let fallbackLastLevelCacheBytes = 32 << 20

  /// This machine, read on first use.
  public static let current = HostMachine.read()

  static func read() -> HostMachine {
    let cores = max(Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), 1)
    let page = max(Int(sysconf(Int32(_SC_PAGESIZE))), 1)
    var best: (level: Int, bytes: Int)?
    for index in 0..<16 {
      let directory = "/sys/devices/system/cpu/cpu0/cache/index\(index)/"
      guard let levelText = readSmallFile(directory + "level"), let level = Int(levelText),
        let sizeText = readSmallFile(directory + "size"), let bytes = parseCacheSize(sizeText)
      else { continue }
      if readSmallFile(directory + "type") == "Instruction" { continue }
      if best.map({ level > $0.level }) ?? true { best = (level, bytes) }
    }
    let name =
      readSmallFile("/proc/cpuinfo", limit: 1 << 16)?
      .split(separator: "\n").first { $0.hasPrefix("model name") }?
      .split(separator: ":", maxSplits: 1).last.map { String($0).trimmingSpaces } ?? "host CPU"
    return HostMachine(
      cpuName: name.isEmpty ? "host CPU" : name, cores: cores,
      lastLevelCacheBytes: best?.bytes ?? fallbackLastLevelCacheBytes,
      lastLevelCacheSource: best.map { "sysfs L\($0.level)" } ?? "fallback", pageBytes: page)
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
