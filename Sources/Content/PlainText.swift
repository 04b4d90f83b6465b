import Foundation

/// Plain text from rendered HTML, for the search index and snippets.
public enum PlainText {
  /// Tags that end a block of text: replaced by a line break so that words on either side stay
  /// apart. Other tags (`code`, `em`, `strong`, `a`, …) are dropped without a gap, so
  /// `<code>__slots__</code>` reads `__slots__`.
  static let blockTags: Set<String> = [
    "p", "div", "br", "li", "ul", "ol", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "table",
    "thead", "tbody", "tr", "td", "th", "blockquote", "hr", "dl", "dt", "dd", "img",
  ]

  /// The text of an HTML fragment: tags removed, entities decoded, runs of blank lines collapsed.
  public static func fromHTML(_ html: String) -> String {
    var text = ""
    text.reserveCapacity(html.utf8.count)
    var index = html.startIndex
    while index < html.endIndex {
      let character = html[index]
      if character == "<", let close = html[index...].firstIndex(of: ">") {
        let inside = html[html.index(after: index)..<close]
        let name = inside.drop(while: { $0 == "/" })
          .prefix(while: { $0.isLetter || $0.isNumber }).lowercased()
        if blockTags.contains(name), text.last != "\n" { text.append("\n") }
        index = html.index(after: close)
      } else {
        text.append(character)
        index = html.index(after: index)
      }
    }
    let decoded = HTMLEscaping.unescape(text)
    return decoded.split(separator: "\n", omittingEmptySubsequences: true)
      .map { $0.trimmingCharacters(in: .whitespaces) }
      .filter { !$0.isEmpty }
      .joined(separator: "\n")
  }
}
