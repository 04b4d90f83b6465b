import Foundation

import Ink

/// Renders corpus Markdown to HTML with Ink.
///
/// Ink escapes `<`, `>` and `&` in text, inline code and fenced code, and adds
/// `class="language-xxx"` to fenced code that names a language. It copies the rest of the fence's
/// info line into that attribute unescaped, so the renderer first reduces every info string to
/// its first word, restricted to `[A-Za-z0-9_+#.-]` (```` ```python title="x" ```` becomes
/// ```` ```python ````). Raw HTML in the Markdown passes through: corpus files are trusted
/// project sources, reviewed like code.
public enum MarkdownRenderer {
  /// Block HTML for a Markdown document.
  public static func html(_ markdown: String) -> String {
    MarkdownParser().html(from: sanitizingFenceInfo(markdown))
  }

  /// Inline HTML for a short Markdown fragment (a title, a table cell): the paragraph wrapper is
  /// dropped. Text that Ink would turn into a block (a heading, a list) is escaped as plain text.
  public static func inlineHTML(_ markdown: String) -> String {
    let trimmed = markdown.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !trimmed.isEmpty else { return "" }
    let rendered = MarkdownParser().html(from: trimmed)
    if rendered.hasPrefix("<p>"), rendered.hasSuffix("</p>"),
      rendered.dropFirst(3).range(of: "<p>") == nil
    {
      return String(rendered.dropFirst(3).dropLast(4))
    }
    return HTMLEscaping.escape(trimmed)
  }

  /// Rewrites each opening code fence so that its info string is one safe word.
  static func sanitizingFenceInfo(_ markdown: String) -> String {
    guard markdown.contains("```") else { return markdown }
    var output: [Substring] = []
    var openFence: Int? = nil  // the backtick count of the fence we are inside, if any
    for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
      let body = line.drop(while: { $0 == " " })
      let ticks = body.prefix(while: { $0 == "`" }).count
      if let fence = openFence {
        if ticks == fence { openFence = nil }
        output.append(line)
      } else if ticks >= 3 {
        openFence = ticks
        let info = body.dropFirst(ticks).trimmingCharacters(in: .whitespaces)
        let word = info.prefix(while: { !$0.isWhitespace && $0 != "{" })
        let language = word.filter { $0.isASCII && ($0.isLetter || $0.isNumber || "_+#.-".contains($0)) }
        let indent = line.prefix(while: { $0 == " " })
        let fence = String(indent) + String(repeating: "`", count: ticks) + String(language)
        output.append(Substring(fence))
      } else {
        output.append(line)
      }
    }
    return output.joined(separator: "\n")
  }
}
