/// How an experiment checked its own result. JSON: `{"method", "passed", "max_error", "tolerance", "detail"}`.
public struct ExperimentVerification: Sendable, Codable, Equatable {
  /// What was compared with what, e.g. `"output compared element by element with a host transpose"`.
  public var method: String
  /// Whether every check passed.
  public var passed: Bool
  /// The largest error found, in the check's own measure (relative unless `detail` says otherwise);
  /// `nil` for a check that is exact or yes/no.
  public var maxError: Double?
  /// The largest error accepted; `nil` when there is none.
  public var tolerance: Double?
  /// What each check found, in a sentence or two.
  public var detail: String

  public init(method: String, passed: Bool, maxError: Double? = nil, tolerance: Double? = nil, detail: String) {
    self.method = method
    self.passed = passed
    self.maxError = maxError
    self.tolerance = tolerance
    self.detail = detail
  }

  enum CodingKeys: String, CodingKey {
    case method, passed
    case maxError = "max_error"
    case tolerance, detail
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(method, forKey: .method)
    try container.encode(passed, forKey: .passed)
    try container.encode(maxError.flatMap { $0.isFinite ? $0 : nil }, forKey: .maxError)
    try container.encode(tolerance, forKey: .tolerance)
    try container.encode(detail, forKey: .detail)
  }
}
