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
///
/// Rendering happens once, when the corpus loads; two Ink modifiers do the work on the way:
/// - links to cross-references (`[question 8](question:8)`) get the path the injected
///   ``LinkResolver`` gives and keep the reference: `<a href="/questions/8" data-ref="question:8">`
///   (Content knows no URLs: the server passes its resolver in);
/// - fenced code is highlighted (``CodeHighlighter``), so pages insert it as it is.
///
/// One fix around Ink 0.6: Ink ends a paragraph at a line that starts with `` ` ``, `-`, `#` or
/// `<`, so a soft-wrapped sentence whose next line starts with inline code was cut in two. Soft
/// line breaks inside paragraphs and list items are joined first (``joiningSoftLineBreaks(_:)``).
public struct MarkdownRenderer: Sendable {
  /// Where cross-reference links point.
  public var links: LinkResolver

  public init(links: LinkResolver = .references) { self.links = links }

  /// The renderer entries use when they are made without HTML (tests, tools): links keep their
  /// references as targets.
  public static let standard = MarkdownRenderer()

  /// Block HTML for a Markdown document.
  public func html(_ markdown: String) -> String {
    let prepared = Self.joiningSoftLineBreaks(Self.sanitizingFenceInfo(markdown))
    return parser(highlighting: true).html(from: prepared)
  }

  /// Inline HTML for a short Markdown fragment (a title, a table cell): the paragraph wrapper is
  /// dropped. Text that Ink would turn into a block (a heading, a list) is escaped as plain text.
  public func inlineHTML(_ markdown: String) -> String {
    let trimmed = markdown.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !trimmed.isEmpty else { return "" }
    let rendered = parser(highlighting: false).html(from: trimmed)
    if rendered.hasPrefix("<p>"), rendered.hasSuffix("</p>"),
      rendered.dropFirst(3).range(of: "<p>") == nil
    {
      return String(rendered.dropFirst(3).dropLast(4))
    }
    return HTMLEscaping.escape(trimmed)
  }

  /// Ink with this renderer's modifiers.
  private func parser(highlighting: Bool) -> MarkdownParser {
    var parser = MarkdownParser()
    let links = self.links
    parser.addModifier(Modifier(target: .links) { input in Self.resolvingReference(in: input.html, links) })
    if highlighting {
      parser.addModifier(Modifier(target: .codeBlocks) { input in CodeHighlighter.highlightBlocks(in: input.html) })
    }
    return parser
  }

  /// Static forms, for callers that render one fragment with the standard renderer.
  public static func html(_ markdown: String) -> String { standard.html(markdown) }
  public static func inlineHTML(_ markdown: String) -> String { standard.inlineHTML(markdown) }

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

  /// Joins each line that continues a paragraph or list item onto the line before it, outside
  /// code fences. A line starts a new block when the line before is blank, a heading, a table
  /// row, an HTML tag or ends in a hard break (two spaces), or when it is itself blank, a heading (`#`), a
  /// quote (`>`), a table row (`|`), an HTML tag, a fence, a rule or a list item (`- `, `* `,
  /// `+ `, `1. `, `1) `).
  static func joiningSoftLineBreaks(_ markdown: String) -> String {
    var output: [String] = []
    var openFence: Int? = nil
    var previousJoinable = false
    for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
      let body = line.drop(while: { $0 == " " || $0 == "\t" })
      let ticks = body.prefix(while: { $0 == "`" }).count
      if let fence = openFence {
        if ticks == fence, body.dropFirst(ticks).allSatisfy(\.isWhitespace) { openFence = nil }
        output.append(String(line))
        previousJoinable = false
        continue
      }
      if ticks >= 3 {
        openFence = ticks
        output.append(String(line))
        previousJoinable = false
        continue
      }
      if previousJoinable, !startsBlock(body) {
        output[output.count - 1] += " " + body
      } else {
        output.append(String(line))
      }
      previousJoinable = !body.isEmpty && !line.hasSuffix("  ")
        && !["#", "|"].contains(body.first ?? " ") && !isRule(body) && !isHTMLTag(body)
    }
    return output.joined(separator: "\n")
  }

  private static func startsBlock(_ line: Substring) -> Bool {
    guard let first = line.first else { return true }
    switch first {
    case "#", ">", "|":
      return true
    case "<":
      return isHTMLTag(line)
    case "-", "*", "+":
      return line.dropFirst().first == " " || isRule(line)
    case "_":
      return isRule(line)
    default:
      let digits = line.prefix(while: \.isNumber)
      guard !digits.isEmpty, digits.count <= 9 else { return false }
      let rest = line.dropFirst(digits.count)
      return (rest.first == "." || rest.first == ")") && rest.dropFirst().first == " "
    }
  }

  private static func isHTMLTag(_ line: Substring) -> Bool {
    line.first == "<" && (line.dropFirst().first.map { $0.isLetter || $0 == "/" || $0 == "!" } ?? false)
  }

  private static func isRule(_ line: Substring) -> Bool {
    let marks = line.filter { !$0.isWhitespace }
    guard marks.count >= 3, let first = marks.first, "-*_".contains(first) else { return false }
    return marks.allSatisfy { $0 == first }
  }

  /// One link's HTML from Ink (`<a href="question:8">…</a>`): a cross-reference gets the
  /// resolver's path and a `data-ref` attribute; other links are left alone.
  static func resolvingReference(in html: String, _ links: LinkResolver) -> String {
    guard html.hasPrefix("<a href=\""), let close = html.dropFirst(9).firstIndex(of: "\"") else { return html }
    let target = String(html[html.index(html.startIndex, offsetBy: 9)..<close])
    guard let reference = CrossReference(target) else { return html }
    return "<a href=\"" + HTMLEscaping.escape(links.path(reference)) + "\" data-ref=\""
      + HTMLEscaping.escape(reference.description) + "\"" + html[html.index(after: close)...]
  }
}
