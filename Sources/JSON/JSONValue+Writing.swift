extension JSONValue {
  /// Compact JSON text as UTF-8 bytes, object members in their order. Integral doubles below
  /// 10¹⁵ are written without a fraction; non-finite doubles (which JSON cannot hold) as `null`.
  public func encoded() -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(64)
    append(to: &out)
    return out
  }

  /// ``encoded()`` as a `String`.
  public var text: String { String(decoding: encoded(), as: UTF8.self) }

  /// Appends the compact JSON text of this value to `out`.
  public func append(to out: inout [UInt8]) {
    switch self {
    case .null: out.append(contentsOf: "null".utf8)
    case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
    case .int(let value): out.append(contentsOf: String(value).utf8)
    case .double(let value):
      if value.isFinite, value == value.rounded(), abs(value) < 1e15 {
        out.append(contentsOf: String(Int64(value)).utf8)
      } else if value.isFinite {
        out.append(contentsOf: "\(value)".utf8)
      } else {
        out.append(contentsOf: "null".utf8)
      }
    case .string(let value): Self.appendString(value, to: &out)
    case .array(let elements):
      out.append(UInt8(ascii: "["))
      for (index, element) in elements.enumerated() {
        if index > 0 { out.append(UInt8(ascii: ",")) }
        element.append(to: &out)
      }
      out.append(UInt8(ascii: "]"))
    case .object(let members):
      out.append(UInt8(ascii: "{"))
      var first = true
      for (key, value) in members {
        if !first { out.append(UInt8(ascii: ",")) }
        first = false
        Self.appendString(key, to: &out)
        out.append(UInt8(ascii: ":"))
        value.append(to: &out)
      }
      out.append(UInt8(ascii: "}"))
    }
  }

  /// Appends `text` as a JSON string literal (quotes, backslashes and control characters escaped).
  public static func appendString(_ text: String, to out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
      case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
      case 0x0A: out.append(contentsOf: "\\n".utf8)
      case 0x0D: out.append(contentsOf: "\\r".utf8)
      case 0x09: out.append(contentsOf: "\\t".utf8)
      case 0..<0x20:
        let hex = Array("0123456789abcdef".utf8)
        out.append(contentsOf: "\\u00".utf8)
        out.append(hex[Int(byte >> 4)])
        out.append(hex[Int(byte & 0xF)])
      default: out.append(byte)
      }
    }
    out.append(UInt8(ascii: "\""))
  }
}
