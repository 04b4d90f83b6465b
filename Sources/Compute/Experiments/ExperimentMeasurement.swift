/// One timed quantity: a kernel at one sweep point, one method, one traversal. JSON keys:
/// `name`, `clock`, `includes`, `warmups`, `repeats`, `samples`, `seconds`, `reported`.
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

  /// The sample the figures use.
  public var reportedSeconds: Double { reported == .best ? seconds.min : seconds.median }
}
