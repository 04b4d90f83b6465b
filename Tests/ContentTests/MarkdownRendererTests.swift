import Testing

@testable import Content

@Suite("Markdown rendering and plain text")
struct MarkdownRendererTests {
  @Test func fencedCode_IsEscapedAndTagged() {
    let html = MarkdownRenderer.html("```cpp\nstd::vector<int> v; if (a && b) {}\n```")
    #expect(html.hasPrefix(#"<pre tabindex="0" data-lang="cpp"><code class="language-cpp">"#))
    #expect(html.contains("&lt;") && html.contains("&gt;"))
    #expect(html.contains("&amp;&amp;") && !html.contains("<int>"))
  }

  @Test func fenceInfoString_IsReducedToOneSafeWord() {
    let html = MarkdownRenderer.html("```python title=\"x\" onload=\"y\"\nprint(1)\n```")
    #expect(html.contains(#"<code class="language-python">"#))
    #expect(!html.contains("onload"))
    let hostile = MarkdownRenderer.html("```\"><script>\nx\n```")
    #expect(!hostile.contains("<script>"))
  }

  @Test func fenceWithoutLanguage_HasNoClass() {
    #expect(MarkdownRenderer.html("```\nx\n```").hasPrefix("<pre tabindex=\"0\"><code>"))
  }

  @Test func softLineBreaks_AreJoinedSoInlineCodeDoesNotSplitParagraphs() {
    let html = MarkdownRenderer.html("""
      FP16 training needs a
      `GradScaler` to avoid underflow.

      - **TensorFlow**: traces a graph.
        `jit_compile=True` compiles it with **XLA**.
      - second item

      ```python
      x = 1
      `y`
      ```
      """)
    #expect(html.contains("<p>FP16 training needs a <code>GradScaler</code> to avoid underflow.</p>"))
    #expect(html.contains("<li><strong>TensorFlow</strong>: traces a graph. <code>jit_compile=True</code> compiles it with <strong>XLA</strong>.</li>"))
    #expect(html.contains("<li>second item</li>"))
    #expect(html.contains("\n`y`"), "lines inside a fence are not joined")
  }

  @Test func joiningSoftLineBreaks_KeepsBlocksApart() {
    let markdown = "# Title\ntext\nmore\n\n| a | b |\n| - | - |\n> quote\n<div>\nhard  \nbreak\n---\nafter"
    #expect(MarkdownRenderer.joiningSoftLineBreaks(markdown)
      == "# Title\ntext more\n\n| a | b |\n| - | - |\n> quote\n<div>\nhard  \nbreak\n---\nafter")
  }

  @Test func crossReferenceLinks_GetTheInjectedResolversPaths() {
    let renderer = MarkdownRenderer(links: LinkResolver { "/site/\($0.description.replacingOccurrences(of: ":", with: "/"))" })
    let html = renderer.html("See [question 8](question:8), [`frozenset`](keyword:frozenset), [warp](term:warp) and [docs](https://example.com).")
    #expect(html.contains(#"<a href="/site/question/8" data-ref="question:8">question 8</a>"#))
    #expect(html.contains(#"<a href="/site/keyword/frozenset" data-ref="keyword:frozenset"><code>frozenset</code></a>"#))
    #expect(html.contains(#"<a href="/site/term/warp" data-ref="term:warp">warp</a>"#))
    #expect(html.contains(#"<a href="https://example.com">docs</a>"#))
    #expect(MarkdownRenderer.html("[q](question:8)").contains(#"href="question:8""#), "the standard renderer knows no URLs")
  }

  @Test func fencedCodeIsHighlightedWhenRendered() {
    let html = MarkdownRenderer.html("```python\ndef f():\n    return 1\n```")
    #expect(html.contains(#"<span class="tk-kw">def</span>"#))
    #expect(html.contains(#"<pre tabindex="0" data-lang="python">"#))
  }

  @Test func inlineHTML_DropsParagraphWrapper() {
    #expect(MarkdownRenderer.inlineHTML("`@classmethod`") == "<code>@classmethod</code>")
    #expect(MarkdownRenderer.inlineHTML("_(none)_") == "<em>(none)</em>")
    #expect(MarkdownRenderer.inlineHTML("✅ Via `self.__class__` (indirect)")
      == "✅ Via <code>self.__class__</code> (indirect)")
    #expect(MarkdownRenderer.inlineHTML("a < b & c") == "a &lt; b &amp; c")
    #expect(MarkdownRenderer.inlineHTML("") == "")
  }

  @Test func plainText_StripsTagsAndDecodesEntities() {
    let html = MarkdownRenderer.html("""
      # Heading

      Use `__slots__` and **bold** text with a < b.

      - one
      - two
      """)
    let text = PlainText.fromHTML(html)
    #expect(text.contains("Use __slots__ and bold text with a < b."))
    #expect(text.contains("Heading\n"))
    #expect(text.contains("one\ntwo"))
    #expect(!text.contains("<"+"code>"))
  }

  @Test func escaping_RoundTrips() {
    let text = #"<a href="x">Tom & 'Jerry'</a>"#
    #expect(HTMLEscaping.escape(text) == "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;")
    #expect(HTMLEscaping.unescape(HTMLEscaping.escape(text)) == text)
    #expect(HTMLEscaping.unescape("&#x41;&#66;&unknown;") == "AB&unknown;")
  }
}
