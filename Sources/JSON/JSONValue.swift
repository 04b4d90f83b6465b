/// One JSON value for the whole server: request bodies, job specs and results in the store,
/// experiment parameters in the corpus, problem details and ad-hoc response bodies.
///
/// Integers and floating-point numbers stay distinct, so `{"n": 1024}` round-trips as `1024`,
/// not `1024.0`; objects keep their members in order (``JSONObject``). Parse bytes with
/// ``init(parsing:maxDepth:)`` (strict: duplicate keys, non-finite numbers and deep nesting are
/// errors) and write them with ``encoded()``; `Codable` is there for values inside `Encodable`
/// models and for the store's JSON columns.
public enum JSONValue: Sendable, Hashable {
  case null
  case bool(Bool)
  case int(Int)
  case double(Double)
  case string(String)
  case array([JSONValue])
  case object(JSONObject)

  /// A number from a `Double` (written without a fraction when it is integral).
  public static func number(_ value: Double) -> JSONValue { .double(value) }

  /// An object from pairs, in order: `.object(members)` where `members` is built at run time.
  public static func object(_ pairs: [(String, JSONValue)]) -> JSONValue { .object(JSONObject(pairs)) }

  /// The empty object, `{}`.
  public static let emptyObject = JSONValue.object(JSONObject())
}

// MARK: - Reading

extension JSONValue {
  /// The member named `key` when this is an object, else `nil`.
  public subscript(key: String) -> JSONValue? {
    if case .object(let members) = self { return members[key] }
    return nil
  }

  /// The string payload, or `nil` for other cases.
  public var stringValue: String? {
    if case .string(let value) = self { return value }
    return nil
  }

  /// The integer payload (a whole `double` counts too), or `nil`.
  public var intValue: Int? {
    switch self {
    case .int(let value): return value
    case .double(let value) where value.rounded() == value && abs(value) < 9.0e15: return Int(value)
    default: return nil
    }
  }

  /// The numeric payload as a `Double`, or `nil`.
  public var doubleValue: Double? {
    switch self {
    case .int(let value): return Double(value)
    case .double(let value): return value
    default: return nil
    }
  }

  /// The Boolean payload, or `nil`.
  public var boolValue: Bool? {
    if case .bool(let value) = self { return value }
    return nil
  }

  /// The members when this is an object, or `nil`.
  public var objectValue: JSONObject? {
    if case .object(let members) = self { return members }
    return nil
  }

  /// The elements when this is an array, or `nil`.
  public var arrayValue: [JSONValue]? {
    if case .array(let elements) = self { return elements }
    return nil
  }

  /// JSON equality as RFC 8259 means it: numbers compared as numbers (`1` equals `1.0`), the rest
  /// as ``==`` compares them.
  public func equalsAsJSON(_ other: JSONValue) -> Bool {
    if let x = doubleValue, let y = other.doubleValue { return x == y }
    return self == other
  }

  /// `"object"`, `"array"`, `"string"`, `"integer"`, `"number"`, `"boolean"` or `"null"`, for messages.
  public var typeName: String {
    switch self {
    case .null: "null"
    case .bool: "boolean"
    case .int: "integer"
    case .double: "number"
    case .string: "string"
    case .array: "array"
    case .object: "object"
    }
  }
}

// MARK: - Literals

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
  ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
  public init(nilLiteral: ()) { self = .null }
  public init(booleanLiteral value: Bool) { self = .bool(value) }
  public init(integerLiteral value: Int) { self = .int(value) }
  public init(floatLiteral value: Double) { self = .double(value) }
  public init(stringLiteral value: String) { self = .string(value) }
  public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
  public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(JSONObject(elements)) }
}

// MARK: - Codable

extension JSONValue: Codable {
  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let value = try? container.decode(Bool.self) {
      self = .bool(value)
    } else if let value = try? container.decode(Int.self) {
      self = .int(value)
    } else if let value = try? container.decode(Double.self) {
      self = .double(value)
    } else if let value = try? container.decode(String.self) {
      self = .string(value)
    } else if let value = try? container.decode([JSONValue].self) {
      self = .array(value)
    } else {
      let members = try container.decode([String: JSONValue].self)
      self = .object(JSONObject(members.keys.sorted().map { ($0, members[$0]!) }))
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    switch self {
    case .null: try container.encodeNil()
    case .bool(let value): try container.encode(value)
    case .int(let value): try container.encode(value)
    case .double(let value): try container.encode(value)
    case .string(let value): try container.encode(value)
    case .array(let value): try container.encode(value)
    case .object(let value): try container.encode(value)
    }
  }
}
