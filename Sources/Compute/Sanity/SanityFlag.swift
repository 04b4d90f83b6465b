/// A warning a result carries about its own figures: what may make one of them wrong, in a
/// sentence. JSON: `{"code", "severity", "subject", "message"}`.
public struct SanityFlag: Sendable, Codable, Equatable {
  public enum Code: String, Sendable, Codable, CaseIterable {
    /// A measurement's median did not settle within its target spread.
    case notConverged = "not_converged"
    /// A working set meant to measure memory fits a cache ("this measured L2, not DRAM").
    case cacheResident = "cache_resident"
    /// A rate above what the device can do: the clock, the byte or flop count is wrong.
    case abovePeak = "above_peak"
    /// A time no longer than an empty launch (or the timer's own cost): the work may have been
    /// optimised away, or it is too small to time.
    case emptyTime = "indistinguishable_from_empty"
    /// Inputs that are all zero or all one value: compression, branch prediction or a compiler
    /// can make such inputs faster than real data.
    case constantInput = "constant_input"
    /// Other jobs ran on the worker pool at the same time.
    case concurrentJobs = "concurrent_jobs"
    /// The CPU's clock is managed by a frequency governor, or ran below its maximum.
    case frequencyScaling = "frequency_scaling"
    /// Other processes kept the machine busy (load average above the cores, where /proc says).
    case machineLoad = "machine_load"
    /// A default size was lowered to fit the server's time budget: the run measured a smaller
    /// working set than the kind's rule for that default asks for.
    case defaultCapped = "default_capped"
  }

  public enum Severity: String, Sendable, Codable {
    /// The figure named is probably wrong, or measured something else than it says.
    case warning
    /// Worth knowing when reading the figure.
    case info
  }

  public var code: Code
  public var severity: Severity
  /// The measurement, figure or input the flag is about (nil for the whole run).
  public var subject: String?
  /// One sentence for people.
  public var message: String

  public init(_ code: Code, _ severity: Severity, subject: String? = nil, _ message: String) {
    self.code = code
    self.severity = severity
    self.subject = subject
    self.message = message
  }
}
