/// When to stop repeating a measurement: a state machine fed one sample at a time with the time
/// it ended, on a clock the caller chooses (the session's monotonic clock; a test's fake one).
///
/// It takes at least `minimum` samples, then goes on until the median's confidence interval is
/// narrower than `targetSpread` of the median (``MedianInterval/relativeHalfWidth``, at least 5
/// samples), or it has `maximum` samples, or the time spent since the minimum was reached exceeds
/// `extraSeconds` (the budget for converging).
public struct AdaptiveRepeats: Sendable {
  public struct Policy: Sendable, Codable, Equatable {
    /// Samples always taken.
    public var minimum: Int
    /// Samples never exceeded.
    public var maximum: Int
    /// The relative half-width of the median's 95% interval to reach, e.g. 0.02 for ±2%.
    public var targetSpread: Double
    /// Seconds that may be spent beyond the minimum samples to reach the target.
    public var extraSeconds: Double

    public init(minimum: Int, maximum: Int, targetSpread: Double = 0.02, extraSeconds: Double) {
      self.minimum = max(1, minimum)
      self.maximum = max(self.minimum, maximum)
      self.targetSpread = targetSpread
      self.extraSeconds = extraSeconds
    }

    /// The default for a kind's `repeats`: up to 4× as many (at least 6, so that a 95% interval of
    /// the median exists; at most 40), and half again the time the first `repeats` took (at least
    /// 0.2 s) to get the median within ±2%.
    public static func experiment(repeats: Int) -> Policy {
      Policy(minimum: repeats, maximum: max(repeats, min(max(4 * repeats, 6), 40)), targetSpread: 0.02, extraSeconds: 0.2)
    }

    enum CodingKeys: String, CodingKey {
      case minimum, maximum
      case targetSpread = "target_spread"
      case extraSeconds = "extra_seconds"
    }
  }

  /// Why the repeats ended.
  public enum Stop: String, Sendable, Codable {
    /// The median's interval reached the target.
    case converged
    /// The maximum count was reached first.
    case maximumRepeats = "max_repeats"
    /// The time budget ran out first.
    case timeBudget = "time_budget"
    /// A fixed count, not adaptive (the kind took its samples itself).
    case fixed
  }

  public enum Decision: Sendable, Equatable {
    case again
    case stop(Stop)
  }

  public let policy: Policy
  public private(set) var samples: [Double] = []
  private let startedAt: Double
  /// When the minimum was reached; the extra budget counts from there.
  private var minimumReachedAt: Double?
  /// The time the minimum samples took, which sets the extra budget (half again, at least
  /// `policy.extraSeconds`).
  private var extraBudget = 0.0

  /// Starts at `now` (seconds on the caller's clock).
  public init(policy: Policy, now: Double) {
    self.policy = policy
    self.startedAt = now
  }

  /// Records one sample that ended at `now`; says whether to take another.
  public mutating func record(_ sample: Double, now: Double) -> Decision {
    samples.append(sample)
    if samples.count == policy.minimum {
      minimumReachedAt = now
      extraBudget = max(policy.extraSeconds, (now - startedAt) / 2)
    }
    guard samples.count >= policy.minimum else { return .again }
    if samples.count >= 5, MedianInterval(samples).relativeHalfWidth <= policy.targetSpread { return .stop(.converged) }
    if samples.count >= policy.maximum { return .stop(.maximumRepeats) }
    if let reached = minimumReachedAt, now - reached >= extraBudget { return .stop(.timeBudget) }
    return .again
  }
}
