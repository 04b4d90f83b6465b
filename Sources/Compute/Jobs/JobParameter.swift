/// One parameter a job kind takes: its name, type, default, bounds, unit and meaning. Every kind,
/// matmul and the experiments alike, is described by a list of these; requests are decoded and
/// checked against it (``JobSchema``), `GET /jobs/kinds` shows it, and the page forms are built
/// from it.
///
/// JSON keys: `name`, `type` (`int`, `number`, `choice` or `matrix`), `default`, `min`, `max`,
/// `allowed`, `unit`, `description`, `applies_when`. A `default` of `null` means the value is
/// chosen on the machine that runs the job, or follows from other parameters (the description
/// says how; ``JobKind/info()`` fills in this machine's).
public struct JobParameter: Sendable, Codable, Equatable {
  /// What a parameter's values are.
  public enum ValueType: String, Sendable, Codable {
    /// A whole number (JSON integer), within `min`…`max`, and one of `allowed` when given.
    case int
    /// A real number (JSON integer or float), within `min`…`max`.
    case number
    /// A string, one of `allowed`.
    case choice
    /// A list of rows of numbers.
    case matrix
  }

  /// The key in the request's JSON object, e.g. `"n"`, `"max_stride"`.
  public var name: String
  /// The type of its values.
  public var type: ValueType
  /// The value used when the request gives none; `nil` when it depends on the machine.
  public var defaultValue: JobValue?
  /// The smallest value accepted, for `int` and `number`.
  public var minimum: JobValue?
  /// The largest value accepted, for `int` and `number`.
  public var maximum: JobValue?
  /// The only values accepted: the choices of a `choice`, or the allowed integers of an `int`.
  public var allowed: [JobValue]?
  /// The unit of its values (`"elements"`, `"bytes"`, `"FLOP/byte"`), or `nil` for a pure count or a name.
  public var unit: String?
  /// One line saying what it controls.
  public var description: String
  /// Other parameters' values under which this one applies (`{"backend": "opencl"}` for matmul's
  /// `kernel`); `nil` when it always applies.
  public var appliesWhen: [String: String]?
  /// The error codes for a value below `min` and above `max`, when the kind's clients match on
  /// codes of their own (matmul's `invalid_dimension`, `dimension_too_large`,
  /// `invalid_repeats`); `nil` for `invalid_value`. Not shown in `/jobs/kinds`.
  public var boundCodes: BoundCodes? = nil

  /// Error codes for the two sides of a parameter's bounds.
  public struct BoundCodes: Sendable, Equatable {
    public var below: ComputeError.Code
    public var above: ComputeError.Code
  }

  enum CodingKeys: String, CodingKey {
    case name, type
    case defaultValue = "default"
    case minimum = "min"
    case maximum = "max"
    case allowed, unit, description
    case appliesWhen = "applies_when"
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
    try container.encode(appliesWhen, forKey: .appliesWhen)
  }

  /// An integer parameter in `min...max`; `default` nil means "chosen on the machine" (say how in `description`).
  static func int(
    _ name: String, default value: Int?, min: Int, max: Int, allowed: [Int]? = nil, unit: String? = nil,
    _ description: String
  ) -> JobParameter {
    JobParameter(
      name: name, type: .int, defaultValue: value.map(JobValue.int), minimum: .int(min), maximum: .int(max),
      allowed: allowed?.map(JobValue.int), unit: unit, description: description)
  }

  /// A real-valued parameter in `min...max`.
  static func number(
    _ name: String, default value: Double?, min: Double, max: Double, unit: String? = nil, _ description: String
  ) -> JobParameter {
    JobParameter(
      name: name, type: .number, defaultValue: value.map(JobValue.number), minimum: .number(min),
      maximum: .number(max), allowed: nil, unit: unit, description: description)
  }

  /// A string parameter that is one of `allowed`.
  static func choice(_ name: String, default value: String, allowed: [String], _ description: String)
    -> JobParameter
  {
    JobParameter(
      name: name, type: .choice, defaultValue: .string(value), minimum: nil, maximum: nil,
      allowed: allowed.map(JobValue.string), unit: nil, description: description)
  }

  /// The OpenCL device index parameter that every OpenCL kind takes.
  static let device = int(
    "device", default: nil, min: 0, max: 63,
    "OpenCL device index, as listed by the device catalog; default: the first GPU, else the first device")

  /// The timed-runs parameter, after one untimed warm-up.
  static func repeats(default value: Int, max: Int) -> JobParameter {
    int(
      "repeats", default: value, min: 1, max: max,
      "timed runs per measurement after one untimed warm-up; the best is reported")
  }

  /// A seed for the inputs' ``SplitMix64`` stream.
  static func seed(default value: Int) -> JobParameter {
    int("seed", default: value, min: 0, max: Int(Int32.max), "seed of the SplitMix64 stream that makes the inputs")
  }
}
