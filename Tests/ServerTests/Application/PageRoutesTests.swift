import Content
import Foundation
import HTTP
import Testing
import TestSupport

@testable import Application

/// Content negotiation over real sockets: browsers get server-rendered pages,
/// curl and JSON clients keep getting JSON from the same URLs.
@Suite(.liveSockets) struct PageRoutesTests {
  /// What Chromium sends for a navigation.
  static let browser = "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8\r\n"

  @Test func browserGetsTheQuestionAsAPageRenderedOnTheServer() async throws {
    let app = try await TestApplication.start()
    let page = try await app.get("/questions/8", headers: Self.browser)
    #expect(page.status == 200)
    #expect(page.header("Content-Type") == "text/html; charset=utf-8")
    #expect(page.header("Vary") == "Accept")
    #expect(page.header("Content-Security-Policy")?.contains("script-src 'self'") == true)
    let html = page.text
    #expect(html.hasPrefix("<!doctype html>"))
    #expect(html.contains("<title>How does memory coalescing work in CUDA, and why is it important? · hpclab</title>"))
    #expect(html.contains("<h1 id=\"entry-title\">How does memory coalescing work in CUDA, and why is it important?</h1>"))
    #expect(html.contains("<span class=\"tk-kw\">def</span> bytes_moved"), "Python highlighted on the server")
    #expect(html.contains("<pre tabindex=\"0\" data-lang=\"cuda\">"))
    #expect(html.contains("<a href=\"/questions/9\">"), "related questions")
    #expect(html.contains("href=\"/?q=coalescing\""), "keywords as searches")
    #expect(html.contains("id=\"experiments\"") && html.contains("data-question=\"8\""))
    #expect(html.contains("<script type=\"module\" src=\"/assets/experiment.js\"></script>"))
    #expect(!html.contains("<script>") && !html.contains(" style="), "no inline script or style: the CSP forbids them")
    await app.stop()
  }

  @Test(arguments: ["", "Accept: */*\r\n", "Accept: application/json\r\n", "Accept: text/html;q=0.5, application/json\r\n"])
  func curlAndJSONClientsStillGetJSON(accept: String) async throws {
    let app = try await TestApplication.start()
    let response = try await app.get("/questions/8", headers: accept)
    #expect(response.status == 200)
    #expect(response.header("Content-Type") == "application/json")
    #expect(response.header("Vary") == "Accept")
    #expect(response.object["id"] as? Int == 8)
    #expect(response.object["answer_html"] is String)
    await app.stop()
  }

  @Test func slugsKeywordsTablesDevicesAndJobsArePagesToo() async throws {
    let app = try await TestApplication.start()
    let pages: [(String, [String])] = [
      ("/questions/memory-coalescing-in-cuda", ["<span class=\"kind kind-question\">Question</span>"]),
      ("/keywords/slots", ["<span class=\"kind kind-keyword\">Keyword</span>", "<p class=\"lead\">"]),
      ("/tables/method-types", ["<table class=\"data\">", "<th scope=\"col\">", "<th scope=\"row\">"]),
      ("/devices", ["<h1>Devices</h1>", "BLAS: "]),
      ("/jobs", ["<h1>Recent jobs</h1>", "aria-current=\"page\""]),
    ]
    for (target, fragments) in pages {
      let page = try await app.get(target, headers: Self.browser)
      #expect(page.status == 200, "\(target)")
      #expect(page.header("Content-Type") == "text/html; charset=utf-8", "\(target)")
      for fragment in fragments { #expect(page.text.contains(fragment), "\(target) lacks \(fragment)") }
      let json = try await app.get(target)
      #expect(json.header("Content-Type") == "application/json", "\(target)")
    }
    await app.stop()
  }

  @Test func missingEntriesAndBadFiltersStayProblems() async throws {
    let app = try await TestApplication.start()
    for target in ["/questions/999", "/keywords/nope", "/tables/nope"] {
      let response = try await app.get(target, headers: Self.browser)
      #expect(response.status == 404, "\(target)")
      #expect(response.header("Content-Type") == "application/problem+json")
    }
    let bad = try await app.get("/jobs?status=bogus", headers: Self.browser)
    #expect(bad.status == 400)
    await app.stop()
  }

  @Test func questionPageEscapesItsTitle() throws {
    let question = Question(id: 99, slug: "x", title: "Is a<b & \"c\" safe?", answerMarkdown: "Body.")
    let response = QuestionPage(question: question, related: []).response()
    guard case .bytes(let bytes) = response.body else { Issue.record("expected a complete body"); return }
    let html = String(decoding: bytes, as: UTF8.self)
    #expect(html.contains("<title>Is a&lt;b &amp; &quot;c&quot; safe? · hpclab</title>"))
    #expect(html.contains("content=\"Question 99: Is a&lt;b &amp; &quot;c&quot; safe?\""))
    #expect(html.contains("<h1 id=\"entry-title\">Is a&lt;b &amp; "))
    #expect(!html.contains("a<b"))
  }
}

/// Which representation a request's `Accept` prefers (RFC 9110 §12.5.1).
@Suite struct NegotiationTests {
  func wantsHTML(_ accept: String?) -> Bool {
    Negotiation.wantsHTML(
      HTTPRequest(method: .get, target: "/questions/1", headers: accept.map { ["Accept": $0] } ?? [:]))
  }

  @Test func browsersGetHTMLAndEverythingElseJSON() {
    #expect(wantsHTML("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"))
    #expect(wantsHTML("text/html"))
    #expect(wantsHTML("text/*, application/json;q=0.5"))
    #expect(!wantsHTML(nil))
    #expect(!wantsHTML("*/*"))
    #expect(!wantsHTML("application/json"))
    #expect(!wantsHTML("application/json, text/html"))
    #expect(!wantsHTML("text/html;q=0.5, application/json"))
    #expect(!wantsHTML("text/html;q=0, */*"))
    #expect(!wantsHTML("text/event-stream"))
  }

  @Test func theMostSpecificRangeGivesTheQuality() {
    let request = HTTPRequest(method: .get, target: "/", headers: ["Accept": "text/*;q=0.3, text/html;q=0.7, */*;q=0.5"])
    #expect(request.acceptQuality(for: "text/html") == 0.7)
    #expect(request.acceptQuality(for: "text/plain") == 0.3)
    #expect(request.acceptQuality(for: "application/json") == 0.5)
    #expect(HTTPRequest(method: .get, target: "/", headers: ["Accept": "Text/HTML ; Q=0.2"]).acceptQuality(for: "text/html") == 0.2)
  }
}
