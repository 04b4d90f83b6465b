/// The element type of a matrix: IEEE 754 binary32 or binary64.
public enum DType: String, Sendable, Codable, CaseIterable {
  case float32
  case float64

  /// Bytes per element: 4 or 8.
  public var byteCount: Int {
    switch self {
    case .float32: 4
    case .float64: 8
    }
  }

  /// Parses `"float32"` or `"float64"`, throwing `.unknownDType` naming `field` otherwise.
  public init(validating raw: String, field: String = "dtype") throws(ComputeError) {
    guard let value = DType(rawValue: raw) else {
      throw .unknownValue(.unknownDType, field: field, value: raw, allowed: DType.allCases.map(\.rawValue))
    }
    self = value
  }
}
