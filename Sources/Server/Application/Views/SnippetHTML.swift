import Content
import Store

/// A search snippet as HTML: the text escaped, each matched range inside `<mark>`, newlines as
/// spaces. The store returns text and ranges; this is the one place that writes the markup.
enum SnippetHTML {
  static func html(_ snippet: Snippet) -> String {
    var result = ""
    result.reserveCapacity(snippet.text.utf8.count + snippet.matches.count * 13)
    var marks = snippet.matches.makeIterator()
    var next = marks.next()
    var inside: Range<Int>?
    for (offset, scalar) in snippet.text.unicodeScalars.enumerated() {
      if let open = next, open.lowerBound == offset {
        result += "<mark>"
        inside = open
        next = marks.next()
      }
      switch scalar {
      case "&": result += "&amp;"
      case "<": result += "&lt;"
      case ">": result += "&gt;"
      case "\"": result += "&quot;"
      case "'": result += "&#39;"
      case "\n": result += " "
      default: result.unicodeScalars.append(scalar)
      }
      if let range = inside, offset + 1 == range.upperBound {
        result += "</mark>"
        inside = nil
      }
    }
    if inside != nil { result += "</mark>" }
    return result
  }
}
