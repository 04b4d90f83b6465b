import Foundation

/// What Linux's cpufreq says about cpu0, where the system exposes it
/// (`/sys/devices/system/cpu/cpu0/cpufreq/`): the governor, and the current and maximum clock.
/// Virtual machines and containers often expose nothing; then there is nothing to say.
public struct CPUFrequency: Sendable, Equatable {
  public var governor: String?
  public var currentKHz: Int?
  public var maximumKHz: Int?

  public init(governor: String?, currentKHz: Int?, maximumKHz: Int?) {
    self.governor = governor
    self.currentKHz = currentKHz
    self.maximumKHz = maximumKHz
  }

  /// Read now; nil when the folder is absent.
  public static func read(root: String = "/sys/devices/system/cpu/cpu0/cpufreq/") -> CPUFrequency? {
    func text(_ name: String) -> String? {
      (try? String(contentsOfFile: root + name, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }
    guard FileManager.default.fileExists(atPath: root) else { return nil }
    return CPUFrequency(
      governor: text("scaling_governor"), currentKHz: text("scaling_cur_freq").flatMap { Int($0) },
      maximumKHz: text("cpuinfo_max_freq").flatMap { Int($0) })
  }

  /// The 1-minute load average from /proc/loadavg, or nil.
  public static func loadAverage() -> Double? {
    guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return nil }
    return text.split(separator: " ").first.flatMap { Double($0) }
  }

  /// A flag when the clock ran clearly below its maximum (throttling, or a power-saving
  /// governor), or an info when a governor other than `performance` manages it.
  var flag: SanityFlag? {
    if let current = currentKHz, let maximum = maximumKHz, maximum > 0, Double(current) < 0.85 * Double(maximum) {
      return SanityFlag(
        .frequencyScaling, .warning,
        "cpu0 ran at \(current / 1000) MHz after the run, \(Format.number(100 * Double(current) / Double(maximum)))% of its \(maximum / 1000) MHz maximum\(governor.map { " (governor \($0))" } ?? ""): a throttled or power-saving clock lowers every figure."
      )
    }
    if let governor, governor != "performance" {
      return SanityFlag(
        .frequencyScaling, .info,
        "The CPU frequency governor is \(governor), not performance: the clock may change during the run.")
    }
    return nil
  }
}
