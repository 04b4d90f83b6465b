import JSON

/// A parameter value of a job: an integer, a number, a string, or a matrix (matmul's inline
/// `a` and `b`).
///
/// JSON: a bare number or string (`4096`, `0.5`, `"float32"`) or a list of rows of numbers.
/// Validation accepts an integral `.number` (say `1e6`) for an integer parameter and any `.int`
/// for a number parameter.
public enum JobValue: Sendable, Hashable, CustomStringConvertible {
  case int(Int)
  case number(Double)
  case string(String)
  /// Rows of numbers (checked rectangular and finite by the kind that takes it).
  case matrix([[Double]])

  /// The value a JSON value gives, or `nil` when no parameter can take it (`null`, an object,
  /// a list that is not rows of numbers).
  public init?(json: JSONValue) {
    switch json {
    case .int(let value): self = .int(value)
    case .double(let value): self = .number(value)
    case .string(let value): self = .string(value)
    case .array(let rows):
      var matrix: [[Double]] = []
      matrix.reserveCapacity(rows.count)
      for row in rows {
        guard case .array(let cells) = row else { return nil }
        var values: [Double] = []
        values.reserveCapacity(cells.count)
        for cell in cells {
          guard let number = cell.doubleValue else { return nil }
          values.append(number)
        }
        matrix.append(values)
      }
      self = .matrix(matrix)
    default: return nil
    }
  }

  /// The value as JSON.
  public var json: JSONValue {
    switch self {
    case .int(let value): .int(value)
    case .number(let value): .double(value)
    case .string(let value): .string(value)
    case .matrix(let rows): .array(rows.map { .array($0.map(JSONValue.double)) })
    }
  }

  public var description: String {
    switch self {
    case .int(let value): "\(value)"
    case .number(let value): "\(value)"
    case .string(let value): "\"\(value)\""
    case .matrix(let rows): "a \(rows.count)×\(rows.first?.count ?? 0) matrix"
    }
  }

  var typeName: String {
    switch self {
    case .int: "integer"
    case .number: "number"
    case .string: "string"
    case .matrix: "matrix"
    }
  }

  var numericValue: Double? {
    switch self {
    case .int(let value): Double(value)
    case .number(let value): value
    case .string, .matrix: nil
    }
  }
}

extension JobValue: Codable {
  public init(from decoder: any Decoder) throws {
    let json = try JSONValue(from: decoder)
    guard let value = JobValue(json: json) else {
      throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a parameter value"))
    }
    self = value
  }

  public func encode(to encoder: any Encoder) throws { try json.encode(to: encoder) }
}

extension JobValue: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral {
  public init(integerLiteral value: Int) { self = .int(value) }
  public init(floatLiteral value: Double) { self = .number(value) }
  public init(stringLiteral value: String) { self = .string(value) }
}
