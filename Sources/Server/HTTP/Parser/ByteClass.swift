/// Character classes of RFC 9110 §5.6.2 and RFC 3986, as a 256-entry table.
enum ByteClass {
  static let tchar: UInt8 = 1  // token characters (method, field names)
  static let vchar: UInt8 = 2  // field-value bytes: VCHAR / obs-text (SP and HTAB handled apart)
  static let target: UInt8 = 4  // request-target bytes (visible ASCII)
  static let hex: UInt8 = 8

  static let table: [UInt8] = {
    var t = [UInt8](repeating: 0, count: 256)
    for b in 0x21...0x7E { t[b] |= vchar | target }
    for b in 0x80...0xFF { t[b] |= vchar }
    for b in Array(UInt8(ascii: "0")...UInt8(ascii: "9")) + Array(UInt8(ascii: "a")...UInt8(ascii: "z"))
      + Array(UInt8(ascii: "A")...UInt8(ascii: "Z")) + Array("!#$%&'*+-.^_`|~".utf8)
    { t[Int(b)] |= tchar }
    for b in Array(UInt8(ascii: "0")...UInt8(ascii: "9")) + Array(UInt8(ascii: "a")...UInt8(ascii: "f"))
      + Array(UInt8(ascii: "A")...UInt8(ascii: "F"))
    { t[Int(b)] |= hex }
    return t
  }()

  @inline(__always) static func isToken(_ b: UInt8) -> Bool { table[Int(b)] & tchar != 0 }
  @inline(__always) static func isFieldValue(_ b: UInt8) -> Bool {
    table[Int(b)] & vchar != 0 || b == 0x20 || b == 0x09
  }
  @inline(__always) static func isTarget(_ b: UInt8) -> Bool { table[Int(b)] & target != 0 }
  @inline(__always) static func hexValue(_ b: UInt8) -> Int? {
    switch b {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(b - UInt8(ascii: "0"))
    case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(b - UInt8(ascii: "a") + 10)
    case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(b - UInt8(ascii: "A") + 10)
    default: nil
    }
  }
}
