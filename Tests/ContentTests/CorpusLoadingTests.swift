import Foundation
import Testing

@testable import Content

@Suite("Corpus loading and validation")
struct CorpusLoadingTests {
  @Test func loadsValidCorpus_WithEveryField() throws {
    let fixture = try FixtureCorpus(FixtureCorpus.validFiles)
    defer { fixture.remove() }
    let corpus = try Corpus.load(from: fixture.directory)

    #expect(corpus.questions.map(\.id) == [1, 2, 3])
    #expect(corpus.keywordNotes.map(\.slug) == ["frozenset"])
    #expect(corpus.tables.map(\.slug) == ["method-types"])

    let first = try #require(corpus.question(id: 1))
    #expect(first.slug == "first")
    #expect(first.title == "What is the first question?")
    #expect(first.topics == ["cuda", "gpu"])
    #expect(first.keywords == ["warp", "coalescing"])
    #expect(first.related == [.question(2), .keyword("frozenset"), .table("method-types")])
    #expect(first.sourcePath == "questions/01-first.md")

    let second = try #require(corpus.question(slug: "second"))
    #expect(second.experiments.count == 1)
    let experiment = try #require(second.experiments.first)
    #expect(experiment.kind == "matmul")
    #expect(experiment.title == "Time a 256×256 product")
    #expect(experiment.params == ["n": 256, "dtype": "float32", "fast": true, "scale": 0.5, "label": "1024"])

    let note = try #require(corpus.keywordNote(slug: "frozenset"))
    #expect(note.title == "`frozenset`")
    #expect(note.titleHTML == "<code>frozenset</code>")
    #expect(note.summary == "An immutable, hashable set.")

    let table = try #require(corpus.table(slug: "method-types"))
    #expect(table.columns == ["Feature", "Instance Method", "Class Method"])
    #expect(table.rows == [
      ["Decorator", "_(none)_", "`@classmethod`"],
      ["First Argument", "`self` (instance)", "`cls` (class)"],
    ])
    #expect(table.rowsHTML[0] == ["Decorator", "<em>(none)</em>", "<code>@classmethod</code>"])
    #expect(corpus.warnings.isEmpty, "\(corpus.warnings)")
  }

  @Test func rendersAnswerHTML_WithEscapedCodeAndLanguageClass() throws {
    let fixture = try FixtureCorpus(FixtureCorpus.validFiles)
    defer { fixture.remove() }
    let html = try #require(try Corpus.load(from: fixture.directory).question(id: 1)).answerHTML
    #expect(html.contains("a &lt; b &amp;&amp; c"))
    #expect(html.contains(#"<pre tabindex="0" data-lang="python"><code class="language-python">"#))
    #expect(html.contains("&quot;&lt;b&gt;&quot;") || html.contains("\"&lt;b&gt;\""))
    #expect(!html.contains("<b>"))
  }

  @Test func rejectsDuplicateID_NamingBothFiles() throws {
    var files = FixtureCorpus.validFiles
    files["questions/03-third.md"] = FixtureCorpus.question(id: 2, slug: "third", title: "Third?")
    let error = try loadError(files)
    let problem = try #require(error.problems.first { $0.kind == .duplicateID })
    #expect(problem.file == "questions/03-third.md")
    #expect(problem.message.contains("questions/02-second.md"))
    #expect(error.kinds.contains(.nonContiguousIDs))
  }

  @Test func rejectsDuplicateSlug() throws {
    var files = FixtureCorpus.validFiles
    files["questions/03-third.md"] = FixtureCorpus.question(id: 3, slug: "second", title: "Third?")
    let error = try loadError(files)
    let problem = try #require(error.problems.first { $0.kind == .duplicateSlug })
    #expect(problem.file == "questions/03-third.md")
    #expect(problem.message.contains("`second`"))
  }

  @Test func rejectsMissingTitle() throws {
    var files = FixtureCorpus.validFiles
    files["keywords/frozenset.md"] = """
      ---
      slug: frozenset
      summary: "An immutable, hashable set."
      ---
      Body.
      """
    let error = try loadError(files)
    #expect(error.problems.contains {
      $0.kind == .missingField && $0.file == "keywords/frozenset.md" && $0.message.contains("`title`")
    })
  }

  @Test func rejectsDanglingCrossReference() throws {
    var files = FixtureCorpus.validFiles
    files["questions/03-third.md"] = FixtureCorpus.question(
      id: 3, slug: "third", title: "Third?", related: "[question:9, keyword:nope, table:none]")
    let error = try loadError(files)
    let dangling = error.problems.filter { $0.kind == .danglingReference }
    #expect(dangling.count == 3)
    #expect(dangling.allSatisfy { $0.file == "questions/03-third.md" })
    #expect(dangling.map(\.message).joined().contains("question:9"))
  }

  @Test func rejectsDanglingLinkInBody() throws {
    var files = FixtureCorpus.validFiles
    files["questions/03-third.md"] = FixtureCorpus.question(
      id: 3, slug: "third", title: "Third?",
      body: "See [the first](question:1), [a note](keyword:frozenset) and [nothing](keyword:nope).")
    let error = try loadError(files)
    #expect(error.problems.map(\.message) == ["the link to `keyword:nope` in the body does not name an entry of the corpus"])
  }

  @Test func listsEveryProblem_NotOnlyTheFirst() throws {
    var files = FixtureCorpus.validFiles
    files["questions/05-fifth.md"] = FixtureCorpus.question(
      id: 5, slug: "first", title: "Fifth?", related: "[keyword:missing]")
    files["questions/06-broken.md"] = "no front matter here"
    files["tables/method-types.md"] = """
      ---
      slug: Method Types
      title: "Method Types in Python"
      columns: ["A", "B"]
      rows:
        - ["only one"]
      ---
      """
    let error = try loadError(files)
    #expect(error.kinds.isSuperset(of: [
      .duplicateSlug, .nonContiguousIDs, .danglingReference, .invalidFrontMatter, .invalidField,
      .tableShape,
    ]))
    #expect(error.description.contains("questions/06-broken.md"))
    #expect(error.description.contains("missing 4"))
  }

  @Test func rejectsMalformedFields() throws {
    var files = FixtureCorpus.validFiles
    files["questions/03-third.md"] = """
      ---
      id: three
      slug: third
      title: "Third?"
      related: [chapter:4]
      topics: {a: b}
      experiments: [{kind: matmul}]
      ---
      Body.
      """
    let error = try loadError(files)
    let messages = error.problems.filter { $0.file == "questions/03-third.md" }.map(\.message)
    #expect(messages.contains { $0.contains("`id`") })
    #expect(messages.contains { $0.contains("chapter:4") })
    #expect(messages.contains { $0.contains("`topics`") })
    #expect(messages.contains { $0.contains("no `title`") })
  }

  @Test func throwsMissingDirectory_ForAbsentFolder() {
    let url = URL(fileURLWithPath: "/nonexistent/hpclab-corpus")
    #expect(throws: CorpusError.self) { try Corpus.load(from: url) }
    do {
      _ = try Corpus.load(from: url)
    } catch {
      #expect(error.kinds == [.missingDirectory])
    }
  }

  @Test func warnsAboutUnknownFieldsTopicsAndFileNames() throws {
    var files = FixtureCorpus.validFiles
    files["questions/03-third.md"] = nil
    files["questions/3-third.md"] = FixtureCorpus.question(id: 3, slug: "third", title: "Third?")
      .replacingOccurrences(of: "topics: [cuda, gpu]", with: "topics: [cuda, quantum]\nauthor: me")
    let fixture = try FixtureCorpus(files)
    defer { fixture.remove() }
    let corpus = try Corpus.load(from: fixture.directory)
    #expect(Set(corpus.warnings.map(\.kind)) == [.unknownField, .unknownTopic, .fileNameMismatch])
  }

  @Test func contentHash_IsStableAndChangesWithAnyFile() throws {
    let fixture = try FixtureCorpus(FixtureCorpus.validFiles)
    defer { fixture.remove() }
    let first = try Corpus.load(from: fixture.directory).contentHash
    #expect(try Corpus.load(from: fixture.directory).contentHash == first)

    try fixture.write("keywords/frozenset.md", FixtureCorpus.validFiles["keywords/frozenset.md"]! + "\nMore.")
    let edited = try Corpus.load(from: fixture.directory)
    #expect(edited.contentHash != first)
    #expect(edited.contentHashHex.count == 16)

    try fixture.write("notes.txt", "not part of the corpus")
    #expect(try Corpus.load(from: fixture.directory).contentHash == edited.contentHash)
    #expect(Corpus.contentHash(at: fixture.directory) == edited.contentHash, "the file-only hash agrees")
  }

  @Test func defaultDirectory_PointsAtSourceCorpusFolder() {
    if ProcessInfo.processInfo.environment[Corpus.directoryEnvironmentVariable] == nil {
      #expect(Corpus.defaultDirectory.path.hasSuffix("Sources/Content/Corpus"))
    }
    #expect(Corpus.sourceDirectory.lastPathComponent == "Corpus")
  }

  private func loadError(_ files: [String: String]) throws -> CorpusError {
    let fixture = try FixtureCorpus(files)
    defer { fixture.remove() }
    do {
      _ = try Corpus.load(from: fixture.directory)
    } catch {
      return error
    }
    Issue.record("expected a CorpusError")
    return CorpusError(directory: "", problems: [])
  }
}
