import Foundation
import Testing
import TestSupport

/// The knowledge API over real sockets, on the real corpus.
@Suite(.liveSockets) struct KnowledgeRoutesTests {
  @Test func listsEveryQuestionInOrder_TheSeedsAndTheFiveBeyondIt() async throws {
    let app = try await TestApplication.start()
    let response = try await app.get("/questions")
    #expect(response.status == 200)
    #expect(response.object["total"] as? Int == 27)
    #expect(response.results.compactMap { $0["id"] as? Int } == Array(1...27))
    #expect(response.results.first?["href"] as? String == "/questions/1")
    await app.stop()
  }

  @Test func searchesWithHighlightedSnippetsAndFacets() async throws {
    let app = try await TestApplication.start()
    let response = try await app.get("/questions?q=warp")
    #expect(response.status == 200)
    #expect(response.results.first?["id"] as? Int == 9)
    let snippet = try #require(response.results.first?["snippet"] as? String)
    #expect(snippet.contains("<mark>"))
    let facets = try #require((response.object["facets"] as? [String: Any])?["topic"] as? [String: Int])
    #expect(facets["cuda"] != nil)
    for key in ["query", "total", "limit", "offset", "took_ms", "results", "suggestions", "facets"] {
      #expect(response.object[key] != nil, "missing \(key)")
    }
    let filtered = try await app.get("/questions?q=memory&topic=cpu")
    #expect(filtered.results.allSatisfy { ($0["topics"] as? [String])?.contains("cpu") == true })
    await app.stop()
  }

  @Test func suggestsCorrectionsAndMatchesPrefixes() async throws {
    let app = try await TestApplication.start()
    let typo = try await app.get("/questions?q=coalesing")
    #expect((typo.object["suggestions"] as? [String])?.contains("coalescing") == true)
    let prefix = try await app.get("/questions?q=coal")
    #expect(prefix.results.first?["id"] as? Int == 8)
    await app.stop()
  }

  static let hostile = [
    "C%2B%2B", "cuda.jit", "warp-level", "%22", "AND", "NEAR(", "*", "%5E", "OR%20OR", "%00", "%F0%9F%94%A5",
    String(repeating: "x%20", count: 400), "a:b", "(((", "-", "__slots__",
  ]

  @Test(arguments: hostile)
  func answersAnyUserTextWithoutError(query: String) async throws {
    let app = try await TestApplication.start()
    let response = try await app.get("/questions?q=\(query)")
    #expect(response.status == 200, "q=\(query)")
    #expect(response.object["results"] != nil)
    await app.stop()
  }

  @Test func rejectsBadRawSyntaxAndBadPagingWith400() async throws {
    let app = try await TestApplication.start()
    for target in [
      "/questions?q=NEAR(&mode=raw", "/questions?q=warp&mode=fancy", "/questions?limit=abc", "/questions?offset=-1",
      "/questions?q=warp&offset=999999", "/search", "/search?q=warp&kind=video",
      "/questions?q=" + String(repeating: "a", count: 2100),
    ] {
      let response = try await app.get(target)
      #expect(response.status == 400, "\(target)")
      #expect(response.header("Content-Type") == "application/problem+json")
    }
    let raw = try await app.get("/questions?q=warp%20OR%20coalescing&mode=raw")
    #expect(raw.status == 200)
    await app.stop()
  }

  @Test func pagesStablyAndClampsTheLimit() async throws {
    let app = try await TestApplication.start()
    let first = try await app.get("/search?q=memory&limit=2&offset=0")
    let second = try await app.get("/search?q=memory&limit=2&offset=2")
    #expect(first.results.count == 2)
    #expect(first.object["total"] as? Int == second.object["total"] as? Int)
    let firstSlugs = Set(first.results.compactMap { $0["slug"] as? String })
    #expect(firstSlugs.isDisjoint(with: second.results.compactMap { $0["slug"] as? String }))
    let clamped = try await app.get("/questions?q=memory&limit=1000")
    #expect(clamped.object["limit"] as? Int == 100)
    await app.stop()
  }

  @Test func answersAQuestionByIdOrSlugAnd404Otherwise() async throws {
    let app = try await TestApplication.start()
    let byID = try await app.get("/questions/8")
    #expect(byID.status == 200)
    for key in ["id", "slug", "title", "answer_markdown", "answer_html", "topics", "keywords", "experiments", "related"] {
      #expect(byID.object[key] != nil, "missing \(key)")
    }
    let slug = try #require(byID.object["slug"] as? String)
    let bySlug = try await app.get("/questions/\(slug)")
    #expect(bySlug.object["id"] as? Int == 8)
    for target in ["/questions/99", "/questions/0", "/questions/no-such-question", "/keywords/nope", "/tables/nope"] {
      let missing = try await app.get(target)
      #expect(missing.status == 404, "\(target)")
      #expect(missing.header("Content-Type") == "application/problem+json")
    }
    await app.stop()
  }

  @Test func servesKeywordNotesTablesSearchAndTopics() async throws {
    let app = try await TestApplication.start()
    #expect(try await app.get("/keywords").object["total"] as? Int == 10)
    let slots = try await app.get("/keywords/slots")
    #expect((slots.object["body_html"] as? String)?.contains("__slots__") == true)
    let yield = try await app.get("/keywords?q=yield")
    #expect(yield.results.first?["slug"] as? String == "generators")
    #expect(try await app.get("/tables").object["total"] as? Int == 2)
    let methods = try await app.get("/tables/method-types")
    #expect((methods.object["columns"] as? [String])?.count == 4)
    #expect((methods.object["rows"] as? [[String]])?.first?.first == "Decorator")
    let across = try await app.get("/search?q=__slots__")
    #expect(across.results.first?["kind"] as? String == "keyword")
    #expect(across.results.first?["slug"] as? String == "slots")
    let topics = try await app.get("/topics")
    #expect(((topics.object["topics"] as? [[String: Any]])?.count ?? 0) > 5)
    await app.stop()
  }
}
