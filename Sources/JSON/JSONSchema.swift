/// A JSON Schema (draft 2020-12) validator for the keywords hpclab's published schemas use:
/// `type`, `properties`, `required`, `additionalProperties`, `items`, `enum`, `const`,
/// `minimum`, `maximum`, `minLength`, `maxLength`, `minItems`, `maxItems`, and `$ref` to
/// `#/$defs/…`. Other keywords (`$schema`, `$id`, `title`, `description`, …) are annotations
/// and are ignored; a schema must not rely on any keyword outside this list.
public struct JSONSchema: Sendable {
  public let root: JSONValue

  public init(_ root: JSONValue) { self.root = root }

  /// One way the instance fails the schema: where (a JSON Pointer) and what.
  public struct Violation: Sendable, Equatable, CustomStringConvertible {
    public var pointer: String
    public var message: String
    public var description: String { "\(pointer.isEmpty ? "/" : pointer): \(message)" }

    public init(pointer: String, message: String) {
      self.pointer = pointer
      self.message = message
    }
  }

  /// Every violation (at most `limit`), empty when `instance` is valid.
  public func validate(_ instance: JSONValue, limit: Int = 20) -> [Violation] {
    var violations: [Violation] = []
    check(instance, against: root, at: "", into: &violations, limit: limit, depth: 0)
    return violations
  }

  private func check(
    _ value: JSONValue, against schema: JSONValue, at pointer: String, into violations: inout [Violation], limit: Int,
    depth: Int
  ) {
    guard violations.count < limit, depth < 64, let keywords = schema.objectValue else { return }
    func fail(_ message: String) { violations.append(Violation(pointer: pointer, message: message)) }
    if let reference = keywords["$ref"]?.stringValue {
      guard reference.hasPrefix("#/$defs/"), let target = root["$defs"]?[String(reference.dropFirst(8))] else {
        fail("unresolvable $ref \(reference)")
        return
      }
      check(value, against: target, at: pointer, into: &violations, limit: limit, depth: depth + 1)
    }
    if let type = keywords["type"] {
      let allowed = type.arrayValue?.compactMap(\.stringValue) ?? type.stringValue.map { [$0] } ?? []
      guard allowed.contains(where: { Self.matches(value, type: $0) }) else {
        fail("expected \(allowed.joined(separator: " or ")), found \(value.typeName)")
        return
      }
    }
    if let choices = keywords["enum"]?.arrayValue, !choices.contains(where: { $0.equalsAsJSON(value) }) {
      fail("must be one of \(choices.map(\.text).joined(separator: ", "))")
    }
    if let constant = keywords["const"], !constant.equalsAsJSON(value) { fail("must be \(constant.text)") }
    if let number = value.doubleValue, value.boolValue == nil {
      if let minimum = keywords["minimum"]?.doubleValue, number < minimum { fail("must be ≥ \(minimum)") }
      if let maximum = keywords["maximum"]?.doubleValue, number > maximum { fail("must be ≤ \(maximum)") }
    }
    if let text = value.stringValue {
      if let minimum = keywords["minLength"]?.intValue, text.count < minimum { fail("must have at least \(minimum) characters") }
      if let maximum = keywords["maxLength"]?.intValue, text.count > maximum { fail("must have at most \(maximum) characters") }
    }
    if let elements = value.arrayValue {
      if let minimum = keywords["minItems"]?.intValue, elements.count < minimum { fail("must have at least \(minimum) items") }
      if let maximum = keywords["maxItems"]?.intValue, elements.count > maximum { fail("must have at most \(maximum) items") }
      if let items = keywords["items"] {
        for (index, element) in elements.enumerated() {
          check(element, against: items, at: pointer + "/\(index)", into: &violations, limit: limit, depth: depth + 1)
        }
      }
    }
    if let members = value.objectValue {
      for name in keywords["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where members[name] == nil {
        fail("missing required member \"\(name)\"")
      }
      let properties = keywords["properties"]?.objectValue
      for name in members.keys {
        let child = pointer + "/" + name.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
        if let property = properties?[name] {
          check(members[name]!, against: property, at: child, into: &violations, limit: limit, depth: depth + 1)
        } else if let additional = keywords["additionalProperties"] {
          if additional.boolValue == false {
            violations.append(Violation(pointer: child, message: "is not allowed here"))
          } else if additional.objectValue != nil {
            check(members[name]!, against: additional, at: child, into: &violations, limit: limit, depth: depth + 1)
          }
        }
      }
    }
  }

  static func matches(_ value: JSONValue, type: String) -> Bool {
    switch (type, value) {
    case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object): true
    case ("integer", .int): true
    case ("integer", .double(let number)): number.rounded() == number
    case ("number", .int), ("number", .double): true
    default: false
    }
  }
}
