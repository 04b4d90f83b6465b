/// An ordered list of header fields with case-insensitive lookup by name
/// (RFC 9110 §5.1). Duplicates are kept in order, as received.
public struct HTTPHeaders: Sendable, Sequence, ExpressibleByDictionaryLiteral {
  public typealias Field = (name: String, value: String)
  public private(set) var fields: [Field] = []

  public init() {}
  public init(_ fields: [Field]) { self.fields = fields }
  public init(dictionaryLiteral elements: (String, String)...) {
    fields = elements.map { (name: $0.0, value: $0.1) }
  }

  public var count: Int { fields.count }
  public var isEmpty: Bool { fields.isEmpty }
  public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }

  /// The first value of the named field, or nil.
  public subscript(name: String) -> String? {
    for field in fields where field.name.equalsASCIICaseInsensitive(name) { return field.value }
    return nil
  }

  /// Every value of the named field, in order.
  public func values(for name: String) -> [String] {
    fields.filter { $0.name.equalsASCIICaseInsensitive(name) }.map(\.value)
  }

  /// Whether a comma-separated field (such as `Connection`) lists `token`, ignoring case.
  public func contains(_ name: String, token: String) -> Bool {
    for field in fields where field.name.equalsASCIICaseInsensitive(name) {
      for item in field.value.split(separator: ",") {
        if item.trimmingASCIIWhitespace().equalsASCIICaseInsensitive(token) { return true }
      }
    }
    return false
  }

  public mutating func add(_ name: String, _ value: String) { fields.append((name, value)) }

  /// Replaces every field of that name with one field.
  public mutating func set(_ name: String, _ value: String) {
    remove(name)
    fields.append((name, value))
  }

  public mutating func remove(_ name: String) {
    fields.removeAll { $0.name.equalsASCIICaseInsensitive(name) }
  }
}

extension StringProtocol {
  /// ASCII case-insensitive equality: header names and tokens are ASCII.
  @inlinable
  func equalsASCIICaseInsensitive<Other: StringProtocol>(_ other: Other) -> Bool {
    let a = utf8, b = other.utf8
    guard a.count == b.count else { return false }
    return zip(a, b).allSatisfy { x, y in x == y || (x | 0x20 == y | 0x20 && (x | 0x20) >= 0x61 && (x | 0x20) <= 0x7A) }
  }

  /// The string without leading and trailing spaces and tabs.
  func trimmingASCIIWhitespace() -> Substring {
    let s = Substring(self)
    guard let first = s.firstIndex(where: { $0 != " " && $0 != "\t" }) else { return s[s.endIndex...] }
    let last = s.lastIndex(where: { $0 != " " && $0 != "\t" })!
    return s[first...last]
  }
}
