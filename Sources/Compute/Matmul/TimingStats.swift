/// Minimum, median and maximum of a set of durations, in seconds.
public struct TimingStats: Sendable, Codable, Equatable {
  public var min: Double
  public var median: Double
  public var max: Double

  /// The statistics of `samples` (zeros when empty); the median of an even count is the mean of the middle two.
  public init(_ samples: [Double]) {
    let sorted = samples.sorted()
    guard let first = sorted.first, let last = sorted.last else {
      self.min = 0
      self.median = 0
      self.max = 0
      return
    }
    let middle = sorted.count / 2
    self.min = first
    self.max = last
    self.median = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
  }
}
