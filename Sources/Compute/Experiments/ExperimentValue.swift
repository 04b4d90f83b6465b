/// A parameter value as a request gives it: an integer, a number or a string.
///
/// JSON: a bare number or string (`4096`, `0.5`, `"float32"`). Decoding tries an integer first,
/// so `4096` is `.int` and `0.5` is `.number`; validation accepts an integral `.number` (say
/// `1e6`) for an integer parameter and any `.int` for a number parameter.
public enum ExperimentValue: Sendable, Hashable, Codable, CustomStringConvertible {
  case int(Int)
  case number(Double)
  case string(String)

  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if let value = try? container.decode(Int.self) {
      self = .int(value)
    } else if let value = try? container.decode(Double.self) {
      self = .number(value)
    } else {
      self = .string(try container.decode(String.self))
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    switch self {
    case .int(let value): try container.encode(value)
    case .number(let value): try container.encode(value)
    case .string(let value): try container.encode(value)
    }
  }

  /// The value as written in messages: `4096`, `0.5`, `"float32"`.
  public var description: String {
    switch self {
    case .int(let value): "\(value)"
    case .number(let value): "\(value)"
    case .string(let value): "\"\(value)\""
    }
  }

  /// `integer`, `number` or `string`, for messages about a wrong type.
  var typeName: String {
    switch self {
    case .int: "integer"
    case .number: "number"
    case .string: "string"
    }
  }

  /// The value as a Double, for range checks; `nil` for a string.
  var numericValue: Double? {
    switch self {
    case .int(let value): Double(value)
    case .number(let value): value
    case .string: nil
    }
  }
}

extension ExperimentValue: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral {
  public init(integerLiteral value: Int) { self = .int(value) }
  public init(floatLiteral value: Double) { self = .number(value) }
  public init(stringLiteral value: String) { self = .string(value) }
}
