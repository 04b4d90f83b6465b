import Content
import Foundation
import Testing

@testable import Store

@Suite("Search")
struct SearchTests {
  /// One synced store shared by the read-only tests of this suite.
  static let shared: TemporaryStore = try! TemporaryStore.shared(syncing: try! Fixtures.searchCorpus())

  var store: Store { Self.shared.store }

  @Test func singleWord_FindsTheQuestionAboutIt() throws {
    let page = try store.search(SearchQuery("warp"))
    #expect(page.hits.first?.id == 1)
    #expect(page.hits.first?.kind == .question)
    #expect(page.matchExpression == #""warp"*"#)
    #expect(page.total == page.hits.count)
    #expect(page.hits.map(\.score) == page.hits.map(\.score).sorted(by: >), "higher score is better")
  }

  @Test func stemming_MatchesOtherFormsOfAWord() throws {
    #expect(try store.search(SearchQuery("warps")).hits.first?.id == 1)
    #expect(try store.search(SearchQuery("diverges")).hits.first?.id == 1)
    #expect(try store.search(SearchQuery("coalesced")).hits.first?.id == 2)
  }

  @Test func lastWord_MatchesAsPrefix() throws {
    #expect(try store.search(SearchQuery("coal")).hits.first?.id == 2)
    #expect(try store.search(SearchQuery("__sl")).hits.first?.slug == "slots")
    #expect(try store.search(SearchQuery("tensor co")).hits.first?.id == 3)
    // Only the last word is a prefix: "coal memory" needs the whole word "coal".
    #expect(try store.search(SearchQuery("coal memory")).relaxed)
  }

  @Test func pythonIdentifiers_StayWhole() throws {
    let slots = try store.search(SearchQuery("__slots__"))
    #expect(slots.hits.first?.slug == "slots")
    #expect(try store.search(SearchQuery("__exit__")).hits.map(\.slug) == ["slots"])
    #expect(try store.search(SearchQuery("exit")).total == 0, "`exit` alone is not a token of `__exit__`")
  }

  @Test func diacritics_AreFolded() throws {
    #expect(try store.search(SearchQuery("cafe creme")).hits.first?.id == 3)
  }

  @Test(arguments: [
    "C++", "cuda.jit", "warp-level", "\"", "\"\"", "\"unterminated", "AND", "OR", "NOT", "warp AND",
    "AND warp OR", "NEAR(", "NEAR(warp", "*", "**", "^", "^warp", "", "   ", "!!!", "()", ")(",
    ":", "title:", "title:warp", "{title body}: warp", "-", "--", "+warp", "'", "a'b\"c",
    "'; DROP TABLE jobs; --", "\\", "\u{0}", "warp\u{0}divergence", "\u{0}\u{0}\u{0}", "🚀", "warp 🚀",
    "👩‍💻 GPU", "\u{0301}", "e\u{0301}", "\u{E000}warp\u{E001}", "\u{FEFF}", "日本語", "Ωmega",
    String(repeating: "x", count: 10_000), String(repeating: "warp ", count: 2_048),
    String(repeating: "\"(*^", count: 2_500), "NEAR(warp divergence, 2)", "warp NOT divergence",
  ])
  func hostileText_ReturnsNormallyInPlainMode(_ text: String) throws {
    let page = try store.search(SearchQuery(text))
    #expect(page.hits.count <= 20)
    #expect(page.total >= page.hits.count)
    for hit in page.hits {
      let length = hit.snippet.text.unicodeScalars.count
      #expect(hit.snippet.matches.allSatisfy { $0.lowerBound >= 0 && $0.upperBound <= length })
    }
  }

  @Test func operatorsInPlainText_AreWordsNotSyntax() throws {
    // "NOT" is just a word here (no document has all three words, so the search relaxes to OR).
    let page = try store.search(SearchQuery("warp NOT divergence"))
    #expect(page.matchExpression == #""warp" OR "not" OR "divergence"*"#)
    #expect(page.relaxed)
    #expect(try store.search(SearchQuery("Threads OF a warp")).matchExpression == #""threads" "of" "a" "warp"*"#)
  }

  @Test func longText_UsesAtMostTheConfiguredNumberOfWords() throws {
    let words = (1...200).map { "w\($0)" }.joined(separator: " ")
    let page = try store.search(SearchQuery(words))
    #expect(page.matchExpression.components(separatedBy: "\"").count / 2 == 32)
  }

  /// Snippets are text plus the matched ranges: no markup from the store (the view writes it).
  @Test func snippets_AreTextWithTheMatchedRanges() throws {
    let page = try store.search(SearchQuery("branch"))
    let snippet = try #require(page.hits.first { $0.id == 1 }?.snippet)
    let scalars = Array(snippet.text.unicodeScalars)
    let matched = snippet.matches.map { String(String.UnicodeScalarView(scalars[$0])) }
    #expect(matched.contains { $0.lowercased() == "branch" })
    #expect(snippet.text.contains("<") && snippet.text.contains("&&"), "the text is as written, unescaped")
    #expect(!snippet.text.contains("<mark>"))

    let code = try store.search(SearchQuery("none"))
    let codeSnippet = try #require(code.hits.first { $0.id == 1 }?.snippet)
    let codeScalars = Array(codeSnippet.text.unicodeScalars)
    #expect(codeSnippet.matches.map { String(String.UnicodeScalarView(codeScalars[$0])) }.contains("none"))
  }

  @Test func paging_SlicesAStableTotal() throws {
    let first = try store.search(SearchQuery("matrix", limit: 10))
    #expect(first.total == 22)
    #expect(first.hits.count == 10)
    let second = try store.search(SearchQuery("matrix", limit: 10, offset: 10))
    let third = try store.search(SearchQuery("matrix", limit: 10, offset: 20))
    #expect(second.total == 22 && third.total == 22)
    #expect(third.hits.count == 2)
    let all = first.hits + second.hits + third.hits
    #expect(Set(all.map(\.slug)).count == 22)
    #expect(all.map(\.slug) == (try store.search(SearchQuery("matrix", limit: 100))).hits.map(\.slug))
    let beyond = try store.search(SearchQuery("matrix", limit: 10, offset: 500))
    #expect(beyond.hits.isEmpty && beyond.total == 22)
  }

  @Test func limitAndOffset_AreClamped() {
    #expect(SearchQuery("x", limit: 0).limit == 1)
    #expect(SearchQuery("x", limit: 1000).limit == 100)
    #expect(SearchQuery("x", offset: -5).offset == 0)
    #expect(SearchQuery("x").limit == 20)
  }

  @Test func kindsFilter_KeepsOnlyThoseKinds() throws {
    let all = try store.search(SearchQuery("memory"))
    #expect(Set(all.hits.map(\.kind)) == [.question, .keyword])
    let keywords = try store.search(SearchQuery("memory", kinds: [.keyword]))
    #expect(keywords.hits.map(\.slug) == ["slots"])
    #expect(keywords.total == 1)
    let tables = try store.search(SearchQuery("classmethod", kinds: [.table]))
    #expect(tables.hits.map(\.slug) == ["method-types"])
    #expect(tables.hits.first?.id == nil)
  }

  @Test func topicFilter_AppliesAfterFacets() throws {
    let unfiltered = try store.search(SearchQuery("matrix"))
    #expect(unfiltered.topicFacets == [TopicCount(topic: "blas", count: 11), TopicCount(topic: "numerics", count: 11)])
    let blas = try store.search(SearchQuery("matrix", topic: "blas"))
    #expect(blas.total == 11)
    #expect(blas.hits.allSatisfy { $0.topics == ["blas"] })
    #expect(blas.topicFacets == unfiltered.topicFacets, "facets count the match set before the topic filter")
  }

  @Test func noMatchForAllWords_RelaxesToAnyWord() throws {
    let page = try store.search(SearchQuery("warp systolic"))
    #expect(page.relaxed)
    #expect(page.hits.first?.id == 1)
    #expect(page.matchExpression == #""warp" OR "systolic"*"#)
  }

  @Test func rawMode_PassesFTS5Syntax() throws {
    #expect(try store.search(SearchQuery("warp NOT coalescing", mode: .raw)).hits.map(\.id) == [1])
    #expect(try store.search(SearchQuery("title:tensor", mode: .raw)).hits.map(\.id) == [3])
    #expect(try store.search(SearchQuery("coal*", mode: .raw)).hits.first?.id == 2)
    #expect(try store.search(SearchQuery("NEAR(warp branch, 5)", mode: .raw)).hits.first?.id == 1)
  }

  @Test(arguments: ["warp AND", "NEAR(", "\"unterminated", "nosuchcolumn: warp", "(warp", "*", "AND OR", "^^"])
  func rawMode_SyntaxErrorIsInvalidQuery(_ text: String) throws {
    do {
      _ = try store.search(SearchQuery(text, mode: .raw))
      Issue.record("expected invalidQuery for \(text)")
    } catch {
      guard case .invalidQuery(let message) = error else {
        Issue.record("expected invalidQuery, got \(error)")
        return
      }
      #expect(!message.isEmpty)
    }
  }

  @Test func rawMode_RefusesOverlongExpressions() {
    #expect(throws: StoreError.self) {
      try store.search(SearchQuery(String(repeating: "a ", count: 3000), mode: .raw))
    }
  }

  @Test func suggestions_CorrectMisspelledWords() throws {
    let coalescing = try store.search(SearchQuery("coalesing"))
    #expect(coalescing.suggestions.first == "coalescing")

    let warp = try store.search(SearchQuery("warpp"))
    #expect(warp.suggestions.first == "warp")

    let two = try store.search(SearchQuery("memroy coalesing"))
    #expect(two.suggestions.first == "memory coalescing")

    #expect(try store.search(SearchQuery("warp")).suggestions.isEmpty)
    #expect(try store.search(SearchQuery("qqqqqqqq")).suggestions.isEmpty)
  }

  @Test func statements_CanBeRunRawForBenchmarks() throws {
    let page = try store.search(SearchQuery("warp"))
    #expect(page.statements.count == 2)
    #expect(page.statements[0].sql == Store.rankingSQL)
    #expect(try store.runStatements(page.statements) == page.total + page.hits.count)
  }

  @Test func page_EncodesSnakeCaseJSON() throws {
    let page = try store.search(SearchQuery("warp"))
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    let json = String(decoding: try encoder.encode(page), as: UTF8.self)
    for key in ["match_expression", "topic_facets", "took_ms", "title_html", "snippet", "score", "suggestions", "relaxed"] {
      #expect(json.contains("\"\(key)\""), "\(key)")
    }
    #expect(!json.contains("statements"))
    let decoded = try JSONDecoder().decode(SearchPage.self, from: Data(json.utf8))
    #expect(decoded.hits == page.hits)
  }

  @Test func emptyText_GivesAnEmptyPage() throws {
    let page = try store.search(SearchQuery("  ?! "))
    #expect(page.total == 0 && page.hits.isEmpty && page.matchExpression.isEmpty)
  }

  @Test func searches_RunConcurrently() async throws {
    let store = self.store
    try await withThrowingTaskGroup(of: Int.self) { group in
      for index in 0..<64 {
        group.addTask { try store.search(SearchQuery(index.isMultiple(of: 2) ? "warp" : "matrix")).total }
      }
      for try await total in group { #expect(total > 0) }
    }
  }
}

@Suite("Did-you-mean distance")
struct VocabularyTests {
  @Test(arguments: [
    ("warp", "warp", 0), ("warpp", "warp", 1), ("wrap", "warp", 1), ("coalesing", "coalescing", 1),
    ("memroy", "memory", 1), ("abc", "xyz", 3), ("", "abc", 3), ("kitten", "sitting", 3),
  ])
  func distance_IsDamerauLevenshtein(_ a: String, _ b: String, _ expected: Int) {
    let distance = Vocabulary.distance(Array(a.unicodeScalars), Array(b.unicodeScalars), atMost: 5)
    #expect(distance == expected)
  }

  @Test func corrections_PreferCloseThenFrequentWords() {
    let vocabulary = Vocabulary([
      .init(text: "warp", frequency: 40), .init(text: "warps", frequency: 5),
      .init(text: "wraps", frequency: 2), .init(text: "coalescing", frequency: 9),
      .init(text: "unrelated", frequency: 100),
    ])
    #expect(vocabulary.corrections(for: "warpp") == ["warp", "warps", "wraps"])
    #expect(vocabulary.corrections(for: "coalesing") == ["coalescing"])
    #expect(vocabulary.corrections(for: "zz").isEmpty, "two letters are too short to correct")
    #expect(vocabulary.hasWord(withPrefix: "coal"))
    #expect(!vocabulary.hasWord(withPrefix: "coalz"))
    #expect(vocabulary.knows("wa", asPrefix: true) && !vocabulary.knows("wa", asPrefix: false))
  }
}
