import Store
import Testing

@testable import Application

/// The one place search highlighting becomes HTML.
@Suite struct SnippetHTMLTests {
  @Test func escapesTheTextAndMarksEachRange() {
    let snippet = Snippet(text: "if a < b && \"none\"\nok", matches: [3..<4, 13..<17])
    #expect(SnippetHTML.html(snippet) == "if <mark>a</mark> &lt; b &amp;&amp; &quot;<mark>none</mark>&quot; ok")
  }

  @Test func aRangeThatReachesTheEndIsClosed() {
    #expect(SnippetHTML.html(Snippet(text: "warp", matches: [0..<4])) == "<mark>warp</mark>")
    #expect(SnippetHTML.html(Snippet(text: "plain")) == "plain")
  }
}
