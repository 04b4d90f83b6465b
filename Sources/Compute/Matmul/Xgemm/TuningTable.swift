import Synchronization

/// The best tuned configuration of the tunable kernel per device, dtype and size class, in memory.
///
/// The tuner (`tune` jobs) records into it; `kernel: "auto"` reads from it. The server keeps the
/// entries in SQLite and loads them back at start, so tuning survives restarts; Compute itself
/// stores nothing.
public final class TuningTable: Sendable {
  /// One tuned configuration.
  public struct Entry: Sendable, Codable, Equatable {
    /// ``TuningTable/deviceKey(_:)`` of the device it was tuned on.
    public var deviceKey: String
    public var dtype: DType
    /// ``TuningTable/SizeClass`` of the tuning size.
    public var sizeClass: SizeClass
    public var config: XgemmConfig
    /// GFLOP/s of the best timed run at `n`.
    public var gflops: Double
    /// The square size it was tuned at.
    public var n: Int
    /// Configurations tried, and how many of them verified.
    public var candidates: Int
    /// Unix seconds when tuning finished.
    public var tunedAt: Double
    /// The tune job that found it.
    public var jobID: String?

    enum CodingKeys: String, CodingKey {
      case deviceKey = "device_key"
      case dtype
      case sizeClass = "size_class"
      case config, gflops, n, candidates
      case tunedAt = "tuned_at"
      case jobID = "job_id"
    }

    public init(
      deviceKey: String, dtype: DType, sizeClass: SizeClass, config: XgemmConfig, gflops: Double, n: Int,
      candidates: Int, tunedAt: Double, jobID: String?
    ) {
      self.deviceKey = deviceKey
      self.dtype = dtype
      self.sizeClass = sizeClass
      self.config = config
      self.gflops = gflops
      self.n = n
      self.candidates = candidates
      self.tunedAt = tunedAt
      self.jobID = jobID
    }
  }

  /// Products are tuned per class of size: small ones want small tiles (enough work-groups to fill
  /// the device), large ones the largest tiles that fit.
  public enum SizeClass: String, Sendable, Codable, CaseIterable, Comparable {
    /// The largest dimension up to 512.
    case small
    /// Up to 2048.
    case medium
    /// Above 2048.
    case large

    public init(m: Int, n: Int, k: Int) {
      let largest = max(m, n, k)
      self = largest <= 512 ? .small : largest <= 2048 ? .medium : .large
    }

    public static func < (lhs: SizeClass, rhs: SizeClass) -> Bool {
      allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
  }

  struct Key: Hashable {
    var device: String
    var dtype: DType
    var sizeClass: SizeClass
  }

  private let entries = Mutex<[Key: Entry]>([:])

  public init() {}

  /// What identifies a device across restarts: vendor, name and driver version.
  public static func deviceKey(_ info: OpenCL.DeviceInfo) -> String {
    "\(info.vendor) | \(info.name) | \(info.driverVersion)"
  }

  /// Adds or replaces the entry for its device, dtype and size class.
  public func record(_ entry: Entry) {
    entries.withLock { $0[Key(device: entry.deviceKey, dtype: entry.dtype, sizeClass: entry.sizeClass)] = entry }
  }

  /// The entry for this size class, or else the one of the nearest class tuned (larger first).
  public func best(for info: OpenCL.DeviceInfo, dtype: DType, sizeClass: SizeClass) -> Entry? {
    let key = Self.deviceKey(info)
    let order = SizeClass.allCases.sorted {
      let (a, b) = (distance($0, sizeClass), distance($1, sizeClass))
      return a != b ? a < b : $0 > $1
    }
    let entries = self.entries.withLock { $0 }
    return order.compactMap { entries[Key(device: key, dtype: dtype, sizeClass: $0)] }.first
  }

  private func distance(_ a: SizeClass, _ b: SizeClass) -> Int {
    abs(SizeClass.allCases.firstIndex(of: a)! - SizeClass.allCases.firstIndex(of: b)!)
  }

  /// Every entry of a device, by dtype then size class.
  public func entries(for info: OpenCL.DeviceInfo) -> [Entry] {
    let key = Self.deviceKey(info)
    return entries.withLock { $0.values.filter { $0.deviceKey == key } }
      .sorted { ($0.dtype.rawValue, $0.sizeClass) < ($1.dtype.rawValue, $1.sizeClass) }
  }
}
