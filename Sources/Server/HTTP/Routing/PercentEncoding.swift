/// Percent-decoding for paths and queries (RFC 3986 §2.1).
public enum PercentEncoding {
  /// Decodes `%XX` escapes (and `+` as space when `plusIsSpace`); nil when an
  /// escape is malformed or the result is not UTF-8.
  public static func decode<S: StringProtocol>(_ text: S, plusIsSpace: Bool = false) -> String? {
    let utf8 = Array(text.utf8)
    guard utf8.contains(UInt8(ascii: "%")) || (plusIsSpace && utf8.contains(UInt8(ascii: "+"))) else {
      return String(text)
    }
    var out: [UInt8] = []
    out.reserveCapacity(utf8.count)
    var i = 0
    while i < utf8.count {
      let b = utf8[i]
      if b == UInt8(ascii: "%") {
        guard i + 2 < utf8.count, let hi = ByteClass.hexValue(utf8[i + 1]), let lo = ByteClass.hexValue(utf8[i + 2])
        else { return nil }
        out.append(UInt8(hi * 16 + lo))
        i += 3
      } else {
        out.append(plusIsSpace && b == UInt8(ascii: "+") ? 0x20 : b)
        i += 1
      }
    }
    return String(validating: out, as: UTF8.self)
  }
}
