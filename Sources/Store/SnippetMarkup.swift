import Content

/// FTS5 `snippet()` marks matches with two private-use characters; this turns its output into
/// safe HTML whose only tags are `<mark>` and `</mark>`.
enum SnippetMarkup {
  /// Opens a match (U+E000).
  static let open: Unicode.Scalar = "\u{E000}"
  /// Closes a match (U+E001).
  static let close: Unicode.Scalar = "\u{E001}"

  /// HTML-escapes `text` and replaces the sentinels with `<mark>` and `</mark>`.
  static func html(_ text: String) -> String {
    var result = ""
    result.reserveCapacity(text.utf8.count + 32)
    for scalar in text.unicodeScalars {
      switch scalar {
      case open: result += "<mark>"
      case close: result += "</mark>"
      case "&": result += "&amp;"
      case "<": result += "&lt;"
      case ">": result += "&gt;"
      case "\"": result += "&quot;"
      case "'": result += "&#39;"
      case "\n": result += " "
      default: result.unicodeScalars.append(scalar)
      }
    }
    return result
  }

  /// `text` without the sentinel characters, so indexed content cannot fake a mark.
  static func removingSentinels(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: { $0 == open || $0 == close }) else { return text }
    var scalars = String.UnicodeScalarView()
    for scalar in text.unicodeScalars where scalar != open && scalar != close { scalars.append(scalar) }
    return String(scalars)
  }
}
