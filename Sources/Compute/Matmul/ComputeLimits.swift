/// The bounds a matmul spec must respect; the server passes its configured values in.
public struct ComputeLimits: Sendable, Equatable, Codable {
  /// The largest `m`, `k` or `n`. Default 8192 (an 8192² float32 matrix is 256 MiB).
  public var maxDimension: Int
  /// The largest `repeats`. Default 50.
  public var maxRepeats: Int
  /// The most memory, host and device together, that one job may need by
  /// ``MatmulSpec/estimatedMemoryBytes()``. Default 1 GiB.
  public var memoryBudgetBytes: Int

  /// Makes limits; every argument has the default documented on its property.
  public init(maxDimension: Int = 8192, maxRepeats: Int = 50, memoryBudgetBytes: Int = 1 << 30) {
    self.maxDimension = maxDimension
    self.maxRepeats = maxRepeats
    self.memoryBudgetBytes = memoryBudgetBytes
  }

  enum CodingKeys: String, CodingKey {
    case maxDimension = "max_dimension"
    case maxRepeats = "max_repeats"
    case memoryBudgetBytes = "memory_budget_bytes"
  }
}
