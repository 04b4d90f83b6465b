
/// FTS5 `snippet()` marks matches with two private-use characters; this turns its output into
/// safe HTML whose only tags are `<mark>` and `</mark>`.
/// A passage of text with the ranges that matched the query, as the store returns it: plain text
/// and offsets, no markup. The view layer writes the highlighting (`<mark>` in HTML).
public struct Snippet: Sendable, Hashable, Codable {
  /// The passage (newlines kept as the body had them).
  public var text: String
  /// The matched ranges, as offsets in `text`'s Unicode scalars, in order and disjoint.
  public var matches: [Range<Int>]

  public init(text: String, matches: [Range<Int>] = []) {
    self.text = text
    self.matches = matches
  }
}

/// FTS5's `snippet()` marks matches with two private-use sentinels (U+E000, U+E001), which the
/// store turns into a ``Snippet``.
enum SnippetMarkup {
  static let open: Unicode.Scalar = "\u{E000}"
  static let close: Unicode.Scalar = "\u{E001}"

  /// The text without sentinels and the ranges they enclosed.
  static func snippet(_ marked: String) -> Snippet {
    var scalars = String.UnicodeScalarView()
    var matches: [Range<Int>] = []
    var start: Int?
    var count = 0
    for scalar in marked.unicodeScalars {
      switch scalar {
      case open: start = count
      case close:
        if let begin = start, begin < count { matches.append(begin..<count) }
        start = nil
      default:
        scalars.append(scalar)
        count += 1
      }
    }
    return Snippet(text: String(scalars), matches: matches)
  }

  static func removingSentinels(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: { $0 == open || $0 == close }) else { return text }
    var scalars = String.UnicodeScalarView()
    for scalar in text.unicodeScalars where scalar != open && scalar != close { scalars.append(scalar) }
    return String(scalars)
  }
}
