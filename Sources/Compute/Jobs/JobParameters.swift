import JSON

/// The parameters an experiment ran with: every parameter of its kind, defaults filled in,
/// values normalised to their types. What ``ExperimentRunner/validate(_:parameters:)`` returns
/// and an ``ExperimentOutcome`` reports under `parameters`.
///
/// JSON: an object from parameter name to value, keys sorted, e.g. `{"device": 0, "n": 8388608}`.
public struct JobParameters: Sendable, Equatable, Codable {
  /// Every parameter by name.
  public private(set) var values: [String: JobValue]

  /// Wraps values that have already been validated.
  init(_ values: [String: JobValue]) { self.values = values }

  public init(from decoder: any Decoder) throws {
    values = try decoder.singleValueContainer().decode([String: JobValue].self)
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: NameKey.self)
    for name in values.keys.sorted() { try container.encode(values[name], forKey: NameKey(name)) }
  }

  /// The value of `name`, or `nil` when the kind has no such parameter.
  public subscript(name: String) -> JobValue? { values[name] }

  // Typed reads for the kinds; validation guarantees the type, so a mismatch is a programming error.
  func int(_ name: String) -> Int {
    guard case .int(let value) = values[name] else { preconditionFailure("parameter \(name) is not a validated int") }
    return value
  }

  func number(_ name: String) -> Double {
    switch values[name] {
    case .number(let value): return value
    case .int(let value): return Double(value)
    default: preconditionFailure("parameter \(name) is not a validated number")
    }
  }

  func string(_ name: String) -> String {
    guard case .string(let value) = values[name] else {
      preconditionFailure("parameter \(name) is not a validated choice")
    }
    return value
  }

  mutating func set(_ name: String, _ value: JobValue) { values[name] = value }

  struct NameKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
  }
}

extension JobParameters {
  /// The parameters as a JSON object, names sorted: the spec a job stores and shows.
  public var json: JSONValue {
    .object(JSONObject(values.keys.sorted().map { ($0, values[$0]!.json) }))
  }
}
