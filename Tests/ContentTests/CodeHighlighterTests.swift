import Foundation
import Testing

@testable import Content

/// The server-side highlighter for the corpus's fenced code.
@Suite struct CodeHighlighterTests {
  @Test func marksPythonKeywordsStringsCommentsNumbersAndDecorators() {
    let html = CodeHighlighter.highlight("@cache\ndef f(x=1.5e-3):  # note\n    return f\"{x}\" if x < 2 else None\n", as: .python)
    #expect(html.contains("<span class=\"tk-dec\">@cache</span>"))
    #expect(html.contains("<span class=\"tk-kw\">def</span> f(x=<span class=\"tk-num\">1.5e-3</span>)"))
    #expect(html.contains("<span class=\"tk-com\"># note</span>"))
    #expect(html.contains("<span class=\"tk-str\">f\"{x}\"</span>"))
    #expect(html.contains("x &lt; <span class=\"tk-num\">2</span>"), "text stays escaped")
    #expect(html.contains("<span class=\"tk-kw\">None</span>"))
  }

  @Test func marksCLikePreprocessorTypesAndBlockComments() {
    let html = CodeHighlighter.highlight("#include <vector>\n/* a */ __global__ void k(float *x) { x[0] = 'a'; }", as: .cuda)
    #expect(html.contains("<span class=\"tk-pre\">#include &lt;vector&gt;</span>"))
    #expect(html.contains("<span class=\"tk-com\">/* a */</span>"))
    #expect(html.contains("<span class=\"tk-kw\">__global__</span> <span class=\"tk-ty\">void</span>"))
    #expect(html.contains("<span class=\"tk-str\">'a'</span>"))
  }

  @Test func rewritesOnlyFencedBlocksThatNameALanguage() {
    let input = "<p>a &lt; b</p><pre><code class=\"language-python\">x = &quot;&lt;&quot;\n</code></pre><pre><code>plain &amp; text</code></pre>"
    let output = CodeHighlighter.highlightBlocks(in: input)
    #expect(output.hasPrefix("<p>a &lt; b</p><pre tabindex=\"0\" data-lang=\"python\"><code class=\"language-python\">"))
    #expect(output.contains("x = <span class=\"tk-str\">\"&lt;\"</span>"))
    #expect(output.hasSuffix("<pre tabindex=\"0\"><code>plain &amp; text</code></pre>"))
  }

  @Test func neverLosesTextOnUnterminatedTokens() {
    for code in ["\"open", "/* open", "'''open\nmore", "x = 1e", "#"] {
      let html = CodeHighlighter.highlight(code, as: code.hasPrefix("/*") ? .cpp : .python)
      let text = HTMLEscaping.unescape(html.replacingOccurrences(of: #"<[^>]+>"#, with: "", options: .regularExpression))
      #expect(text == code)
    }
  }
}
