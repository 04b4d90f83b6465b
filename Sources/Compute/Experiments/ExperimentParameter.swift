/// One parameter an experiment kind takes: its name, type, default, bounds, unit and meaning.
///
/// JSON keys: `name`, `type` (`int`, `number` or `choice`), `default`, `min`, `max`, `allowed`,
/// `unit`, `description`. A `default` of `null` means the value is chosen on the machine that
/// runs the job (the description says how; ``ExperimentRunner/kinds()`` fills in this machine's).
public struct ExperimentParameter: Sendable, Codable, Equatable {
  /// What a parameter's values are.
  public enum ValueType: String, Sendable, Codable {
    /// A whole number (JSON integer), within `min`…`max`, and one of `allowed` when given.
    case int
    /// A real number (JSON integer or float), within `min`…`max`.
    case number
    /// A string, one of `allowed`.
    case choice
  }

  /// The key in the request's JSON object, e.g. `"n"`, `"max_stride"`.
  public var name: String
  /// The type of its values.
  public var type: ValueType
  /// The value used when the request gives none; `nil` when it depends on the machine.
  public var defaultValue: ExperimentValue?
  /// The smallest value accepted, for `int` and `number`.
  public var minimum: ExperimentValue?
  /// The largest value accepted, for `int` and `number`.
  public var maximum: ExperimentValue?
  /// The only values accepted: the choices of a `choice`, or the allowed integers of an `int`.
  public var allowed: [ExperimentValue]?
  /// The unit of its values (`"elements"`, `"bytes"`, `"FLOP/byte"`), or `nil` for a pure count or a name.
  public var unit: String?
  /// One line saying what it controls.
  public var description: String

  enum CodingKeys: String, CodingKey {
    case name, type
    case defaultValue = "default"
    case minimum = "min"
    case maximum = "max"
    case allowed, unit, description
  }

  /// Encodes every key, with `null` for the absent ones, so a client sees the same shape for each parameter.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(name, forKey: .name)
    try container.encode(type, forKey: .type)
    try container.encode(defaultValue, forKey: .defaultValue)
    try container.encode(minimum, forKey: .minimum)
    try container.encode(maximum, forKey: .maximum)
    try container.encode(allowed, forKey: .allowed)
    try container.encode(unit, forKey: .unit)
    try container.encode(description, forKey: .description)
  }

  /// An integer parameter in `min...max`; `default` nil means "chosen on the machine" (say how in `description`).
  static func int(
    _ name: String, default value: Int?, min: Int, max: Int, allowed: [Int]? = nil, unit: String? = nil,
    _ description: String
  ) -> ExperimentParameter {
    ExperimentParameter(
      name: name, type: .int, defaultValue: value.map(ExperimentValue.int), minimum: .int(min), maximum: .int(max),
      allowed: allowed?.map(ExperimentValue.int), unit: unit, description: description)
  }

  /// A real-valued parameter in `min...max`.
  static func number(
    _ name: String, default value: Double?, min: Double, max: Double, unit: String? = nil, _ description: String
  ) -> ExperimentParameter {
    ExperimentParameter(
      name: name, type: .number, defaultValue: value.map(ExperimentValue.number), minimum: .number(min),
      maximum: .number(max), allowed: nil, unit: unit, description: description)
  }

  /// A string parameter that is one of `allowed`.
  static func choice(_ name: String, default value: String, allowed: [String], _ description: String)
    -> ExperimentParameter
  {
    ExperimentParameter(
      name: name, type: .choice, defaultValue: .string(value), minimum: nil, maximum: nil,
      allowed: allowed.map(ExperimentValue.string), unit: nil, description: description)
  }

  /// The OpenCL device index parameter that every OpenCL kind takes.
  static let device = int(
    "device", default: nil, min: 0, max: 63,
    "OpenCL device index, as listed by the device catalog; default: the first GPU, else the first device")

  /// The timed-runs parameter, after one untimed warm-up.
  static func repeats(default value: Int, max: Int) -> ExperimentParameter {
    int(
      "repeats", default: value, min: 1, max: max,
      "timed runs per measurement after one untimed warm-up; the best is reported")
  }

  /// A seed for the inputs' ``SplitMix64`` stream.
  static func seed(default value: Int) -> ExperimentParameter {
    int("seed", default: value, min: 0, max: Int(Int32.max), "seed of the SplitMix64 stream that makes the inputs")
  }
}
