/// Escaping and unescaping of HTML text.
public enum HTMLEscaping {
  /// Escapes `&`, `<`, `>`, `"` and `'` so that the text is safe in element content and in
  /// quoted attribute values.
  public static func escape(_ text: String) -> String {
    var needsEscaping = false
    for byte in text.utf8 where byte == 0x26 || byte == 0x3C || byte == 0x3E || byte == 0x22 || byte == 0x27 {
      needsEscaping = true
      break
    }
    guard needsEscaping else { return text }
    var result = ""
    result.reserveCapacity(text.utf8.count + 16)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": result += "&amp;"
      case "<": result += "&lt;"
      case ">": result += "&gt;"
      case "\"": result += "&quot;"
      case "'": result += "&#39;"
      default: result.unicodeScalars.append(scalar)
      }
    }
    return result
  }

  /// Decodes the named entities Ink and common Markdown produce (`&amp;`, `&lt;`, `&gt;`,
  /// `&quot;`, `&apos;`, `&#39;`, `&nbsp;`) and numeric entities; unknown entities stay as written.
  public static func unescape(_ text: String) -> String {
    guard text.contains("&") else { return text }
    var result = ""
    result.reserveCapacity(text.utf8.count)
    var index = text.startIndex
    while index < text.endIndex {
      let character = text[index]
      guard character == "&",
        let semicolon = text[index...].prefix(12).firstIndex(of: ";")
      else {
        result.append(character)
        index = text.index(after: index)
        continue
      }
      let name = text[text.index(after: index)..<semicolon]
      if let decoded = decode(entity: name) {
        result.append(decoded)
        index = text.index(after: semicolon)
      } else {
        result.append(character)
        index = text.index(after: index)
      }
    }
    return result
  }

  private static func decode(entity name: Substring) -> Character? {
    switch name {
    case "amp": return "&"
    case "lt": return "<"
    case "gt": return ">"
    case "quot": return "\""
    case "apos": return "'"
    case "nbsp": return " "
    default:
      guard name.first == "#" else { return nil }
      let digits = name.dropFirst()
      let value: UInt32?
      if digits.first == "x" || digits.first == "X" {
        value = UInt32(digits.dropFirst(), radix: 16)
      } else {
        value = UInt32(digits)
      }
      guard let value, let scalar = Unicode.Scalar(value) else { return nil }
      return Character(scalar)
    }
  }
}
