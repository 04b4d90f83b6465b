/// A named scalar result. JSON: `{"name", "value", "unit", "label"}`; `value` is `null` when it is
/// not finite (a ratio over a zero time, say), since JSON has no infinities.
public struct ExperimentFigure: Sendable, Codable, Equatable {
  /// A stable snake_case key, e.g. `"fp32_gflops"`.
  public var name: String
  /// The value, in `unit`.
  public var value: Double
  /// `"GB/s"`, `"GFLOP/s"`, `"ns/element"`, `"×"`, `"relative error"`, …
  public var unit: String
  /// A short phrase for people, e.g. `"float32 FMA throughput"`.
  public var label: String

  public init(name: String, value: Double, unit: String, label: String) {
    self.name = name
    self.value = value
    self.unit = unit
    self.label = label
  }

  enum CodingKeys: String, CodingKey { case name, value, unit, label }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    name = try container.decode(String.self, forKey: .name)
    value = try container.decodeIfPresent(Double.self, forKey: .value) ?? .nan
    unit = try container.decode(String.self, forKey: .unit)
    label = try container.decode(String.self, forKey: .label)
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(name, forKey: .name)
    try container.encode(value.isFinite ? value : nil, forKey: .value)
    try container.encode(unit, forKey: .unit)
    try container.encode(label, forKey: .label)
  }

  public static func == (lhs: Self, rhs: Self) -> Bool {
    lhs.name == rhs.name && lhs.unit == rhs.unit && lhs.label == rhs.label
      && (lhs.value == rhs.value || (lhs.value.isNaN && rhs.value.isNaN))
  }
}
