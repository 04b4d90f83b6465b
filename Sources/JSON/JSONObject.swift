/// The members of a JSON object, in the order they were written or inserted; keys are unique.
///
/// Reads like a dictionary (`object["n"]`, `object["n"] = 4`, `object["n"] = nil`) and builds
/// from a dictionary literal or from an array of pairs: `.object([("kind", "peak"), ("n", 4)])`.
/// Two objects are equal when they have the same members, in any order (RFC 8259 §4).
public struct JSONObject: Sendable, Hashable, Sequence {
  public static func == (a: JSONObject, b: JSONObject) -> Bool { a.values == b.values }
  public func hash(into hasher: inout Hasher) { hasher.combine(values) }

  public private(set) var keys: [String] = []
  private var values: [String: JSONValue] = [:]

  public init() {}

  /// Members from pairs, in order; a repeated key keeps its first position and its last value.
  public init(_ pairs: some Sequence<(String, JSONValue)>) {
    for (key, value) in pairs { self[key] = value }
  }

  /// Members from a dictionary, keys sorted (a stable order for stored text).
  public init(_ dictionary: [String: JSONValue]) {
    for key in dictionary.keys.sorted() { self[key] = dictionary[key] }
  }

  public var count: Int { keys.count }
  public var isEmpty: Bool { keys.isEmpty }

  public subscript(key: String) -> JSONValue? {
    get { values[key] }
    set {
      if let newValue {
        if values.updateValue(newValue, forKey: key) == nil { keys.append(key) }
      } else if values.removeValue(forKey: key) != nil {
        keys.removeAll { $0 == key }
      }
    }
  }

  /// The members as a dictionary (order dropped).
  public var dictionary: [String: JSONValue] { values }

  public func makeIterator() -> some IteratorProtocol<(key: String, value: JSONValue)> {
    keys.lazy.map { (key: $0, value: values[$0]!) }.makeIterator()
  }

  /// The same members with keys sorted.
  public func sortedByKey() -> JSONObject {
    var sorted = JSONObject()
    for key in keys.sorted() { sorted[key] = values[key] }
    return sorted
  }
}

extension JSONObject: ExpressibleByDictionaryLiteral, ExpressibleByArrayLiteral {
  public typealias Key = String
  public typealias Value = JSONValue
  public typealias ArrayLiteralElement = (String, JSONValue)
  public init(dictionaryLiteral elements: (String, JSONValue)...) { self.init(elements) }
  public init(arrayLiteral elements: (String, JSONValue)...) { self.init(elements) }
}

extension JSONObject: Codable {
  public init(from decoder: any Decoder) throws {
    let members = try decoder.singleValueContainer().decode([String: JSONValue].self)
    self.init(members)
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: MemberKey.self)
    for (key, value) in self { try container.encode(value, forKey: MemberKey(stringValue: key)) }
  }

  private struct MemberKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
  }
}
