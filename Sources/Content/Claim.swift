import JSON

/// A numeric claim of an answer, tied to the experiment and figure that test it, so that the
/// page can say whether it holds on the reader's machine.
///
/// Front matter (`claims:` of a question):
/// `{text, experiment: {kind, params}, figure, min, max, device_type}`. `text` is quoted verbatim
/// from the answer (the loader checks it is there); `figure` names a scalar figure of the
/// kind's result; the claim asserts `min ≤ figure ≤ max` (either bound may be left out);
/// `device_type` (`cpu` or `gpu`, optional) says which OpenCL devices the claim is about.
/// JSON keys: `text`, `kind`, `params`, `figure`, `min`, `max`, `device_type`.
public struct Claim: Sendable, Hashable, Codable {
  /// The sentence (or clause) of the answer that makes the claim, verbatim.
  public var text: String
  /// The job kind that measures it.
  public var kind: String
  /// The job's parameters for the Run button, an object (`{}` for the defaults).
  public var params: JSONValue
  /// The name of the result figure the claim is about, e.g. `tiled_over_naive`.
  public var figure: String
  /// The smallest value the text allows, if it sets one.
  public var min: Double?
  /// The largest value the text allows, if it sets one.
  public var max: Double?
  /// `cpu` or `gpu` when the claim is about one type of device; nil when it holds anywhere.
  public var deviceType: String?

  public init(
    text: String, kind: String, params: JSONValue = .emptyObject, figure: String, min: Double? = nil,
    max: Double? = nil, deviceType: String? = nil
  ) {
    self.text = text
    self.kind = kind
    self.params = params
    self.figure = figure
    self.min = min
    self.max = max
    self.deviceType = deviceType
  }

  /// The device types a claim may name.
  public static let deviceTypes: Set<String> = ["cpu", "gpu"]

  /// Whether `value` lies within the claim's range.
  public func holds(for value: Double) -> Bool {
    guard value.isFinite else { return false }
    return (min.map { value >= $0 } ?? true) && (max.map { value <= $0 } ?? true)
  }

  /// The range in words, e.g. "≥ 2", "between 1e-7 and 1e-5".
  public var rangeText: String {
    switch (min, max) {
    case let (low?, high?): "between \(Self.number(low)) and \(Self.number(high))"
    case let (low?, nil): "≥ \(Self.number(low))"
    case let (nil, high?): "≤ \(Self.number(high))"
    case (nil, nil): "any value"
    }
  }

  static func number(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 1e9 { return String(Int(value)) }
    return String(value)
  }

  enum CodingKeys: String, CodingKey {
    case text, kind, params, figure, min, max
    case deviceType = "device_type"
  }
}
