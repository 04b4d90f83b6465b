/// One timed quantity: a kernel at one sweep point, one method, one traversal. JSON keys:
/// `name`, `clock`, `includes`, `warmups`, `repeats`, `samples`, `seconds`, `reported`, `spread`,
/// `spread_coverage`, `target_spread`, `converged`, `stopped`.
public struct ExperimentMeasurement: Sendable, Codable, Equatable {
  /// Which clock the samples come from.
  public enum Clock: String, Sendable, Codable {
    /// OpenCL profiling events (`CL_PROFILING_COMMAND_END − _START`), summed over the launches of one run.
    case device
    /// The host's monotonic clock around the run.
    case host
  }

  /// Which statistic of the samples the figures use.
  public enum Statistic: String, Sendable, Codable {
    /// The smallest sample (STREAM's rule: the best run is the least disturbed).
    case best
    /// The median sample.
    case median
  }

  /// What was timed, e.g. `"triad"`, `"strided copy, stride 16"`.
  public var name: String
  /// `clock`: `device` or `host`.
  public var clock: Clock
  /// `includes`: what one sample covers, e.g. `"kernel execution only; no build, no copies"`.
  public var includes: String
  /// `warmups`: untimed runs before the samples.
  public var warmups: Int
  /// `repeats`: timed runs, one sample each.
  public var repeats: Int
  /// `samples`: each timed run, in seconds, in order.
  public var samples: [Double]
  /// `seconds`: min/median/max of the samples.
  public var seconds: TimingStats
  /// `reported`: the statistic the figures use (`best` unless the kind says otherwise).
  public var reported: Statistic

  /// `spread`: half the width of the median's confidence interval over the median (0.02 is ±2%),
  /// from the samples' order statistics (``MedianInterval``); `null` for a single sample.
  public var spread: Double?
  /// `spread_coverage`: the probability that interval covers the median (0.95, or less below 6
  /// samples, where the interval is the whole range).
  public var spreadCoverage: Double
  /// `target_spread`: the spread the repeats aimed for.
  public var targetSpread: Double
  /// `converged`: whether the repeats stopped because the median settled (`stopped` is
  /// `converged`); for a fixed count, whether `spread` is within `target_spread`.
  public var converged: Bool
  /// `stopped`: why the repeats ended: `converged`, `max_repeats`, `time_budget`, or `fixed` (a
  /// count the kind chose).
  public var stopped: AdaptiveRepeats.Stop

  public init(
    name: String, clock: Clock, includes: String, warmups: Int, samples: [Double], reported: Statistic,
    targetSpread: Double = AdaptiveRepeats.Policy.experiment(repeats: 1).targetSpread, stopped: AdaptiveRepeats.Stop = .fixed
  ) {
    self.name = name
    self.clock = clock
    self.includes = includes
    self.warmups = warmups
    self.repeats = samples.count
    self.samples = samples
    self.seconds = TimingStats(samples)
    self.reported = reported
    let interval = MedianInterval(samples)
    let width = interval.relativeHalfWidth
    self.spread = width.isFinite ? width : nil
    self.spreadCoverage = interval.coverage
    self.targetSpread = targetSpread
    // Adaptive repeats converged when they stopped for it (at least 5 samples); a fixed count when
    // its spread is within the target.
    self.converged = stopped == .fixed ? width <= targetSpread : stopped == .converged
    self.stopped = stopped
  }

  enum CodingKeys: String, CodingKey {
    case name, clock, includes, warmups, repeats, samples, seconds, reported, spread, converged, stopped
    case spreadCoverage = "spread_coverage"
    case targetSpread = "target_spread"
  }

  /// Every key, `spread` as `null` when there is none, so each measurement has one shape.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(name, forKey: .name)
    try container.encode(clock, forKey: .clock)
    try container.encode(includes, forKey: .includes)
    try container.encode(warmups, forKey: .warmups)
    try container.encode(repeats, forKey: .repeats)
    try container.encode(samples, forKey: .samples)
    try container.encode(seconds, forKey: .seconds)
    try container.encode(reported, forKey: .reported)
    try container.encode(spread, forKey: .spread)
    try container.encode(spreadCoverage, forKey: .spreadCoverage)
    try container.encode(targetSpread, forKey: .targetSpread)
    try container.encode(converged, forKey: .converged)
    try container.encode(stopped, forKey: .stopped)
  }

  /// The sample the figures use.
  public var reportedSeconds: Double { reported == .best ? seconds.min : seconds.median }
}
