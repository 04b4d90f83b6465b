import Foundation
import Logging
import Testing
import TestSupport

@testable import Application

/// The application answered in process (request → policy → router → response, no sockets): the
/// routes' behaviour, fast and without timing. The live-socket suites keep what needs a socket.
@Suite struct InProcessRoutesTests {
  /// A real application (fresh data directory, the real corpus) with no server.
  static func makeApplication() throws -> Application {
    var configuration = Application.Configuration()
    configuration.dataDirectory = NSTemporaryDirectory() + "hpclab-inprocess-\(UUID().uuidString)"
    configuration.publicDirectory = packageRoot + "/public"
    configuration.queryTimeLimitSeconds = 60  // behaviour, not the speed of a loaded machine
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    return try Application(configuration: configuration, logger: logger)
  }

  let application: Application
  let client: InProcessClient

  init() throws {
    application = try Self.makeApplication()
    client = InProcessClient(application.makeResponder())
  }

  @Test func glossaryListsAndServesTerms_WithTheEntriesThatUseThem() async throws {
    let listing = await client.get("/terms")
    #expect(listing.status == 200)
    #expect((listing.json?["total"] as? Int ?? 0) >= 40)
    let warp = await client.get("/terms/warp")
    #expect(warp.status == 200)
    let usedBy = try #require(warp.json?["used_by"] as? [[String: Any]])
    #expect(usedBy.contains { $0["href"] as? String == "/questions/9" })
    #expect((warp.json?["body_html"] as? String)?.contains("Sources") == true)
    #expect(await client.get("/terms/nope").status == 404)
    let search = await client.get("/terms?q=warp")
    #expect((search.json?["results"] as? [[String: Any]])?.first?["slug"] as? String == "warp")
  }

  @Test func answersLinkTermsAndQuestions_AndListThemInRelated() async throws {
    let question = await client.get("/questions/8")
    let html = try #require(question.json?["answer_html"] as? String)
    #expect(html.contains("href=\"/terms/warp\" data-ref=\"term:warp\""))
    let related = try #require(question.json?["related"] as? [[String: Any]])
    #expect(related.contains { $0["href"] as? String == "/terms/warp" })
    let exercises = try #require(question.json?["exercises"] as? [[String: Any]])
    #expect(exercises.count == 2 && exercises.allSatisfy { ($0["href"] as? String)?.hasPrefix("/jobs/") == true })
    #expect(question.json?["beyond_seed"] as? Bool == false)
    #expect((await client.get("/questions/25")).json?["beyond_seed"] as? Bool == true)
  }

  @Test func questionPageShowsExercisesWithAPredictionBox() async throws {
    let page = await client.get("/questions/9", headers: [("Accept", "text/html")])
    #expect(page.status == 200)
    #expect(page.text.contains("id=\"exercises\""))
    #expect(page.text.contains("class=\"prediction-input\""))
    #expect(page.text.contains("data-prediction-key=\"hpclab-prediction-q9-1\""))
  }

  @Test func everyKindIsListedInOneShape() async throws {
    let kinds = try #require(await client.get("/jobs/kinds").json?["kinds"] as? [[String: Any]])
    let keys = Set(kinds.map { Set($0.keys) })
    #expect(keys.count == 1, "every kind has the same members")
    for kind in kinds {
      for parameter in kind["parameters"] as? [[String: Any]] ?? [] {
        #expect(Set(parameter.keys) == ["name", "type", "default", "min", "max", "allowed", "unit", "description", "applies_when"])
      }
    }
  }

  @Test(arguments: [
    (#"{"n":4,"n":5000}"#, 400, "n"),  // a duplicate key is refused, naming it
    (#"{"n":4,"bogus":1}"#, 422, "bogus"),
    (#"{"n":"4"}"#, 422, "n"),
    (#"{"m":4,"n":4}"#, 422, "k"),
    (#"{"n":4,"backend":"cuda"}"#, 422, "backend"),
    (#"{"n":4,"kernel":"tiled"}"#, 422, "kernel"),
    (#"[4]"#, 422, ""),
    (#"{"n":4"#, 400, ""),
    ("", 400, ""),
  ])
  func refusesBadMatmulBodiesNamingTheField(body: String, status: Int, field: String) async {
    let response = await client.post("/jobs/matmul", json: body)
    #expect(response.status == status, "\(body): \(response.text)")
    #expect(response.header("Content-Type") == "application/problem+json")
    if !field.isEmpty { #expect(response.json?["field"] as? String == field, "\(body)") }
  }

  @Test func runsAJobToTheEnd_AndItsRecordSaysWhatRan() async throws {
    let response = await client.post("/jobs/matmul", json: #"{"n":9,"repeats":1}"#, headers: [("Prefer", "wait=60")])
    #expect(response.status == 200)
    let job = try #require(response.json)
    #expect(job["status"] as? String == "succeeded")
    let spec = try #require(job["spec"] as? [String: Any])
    #expect(spec["m"] as? Int == 9 && spec["k"] as? Int == 9 && spec["backend"] as? String == "blas")
    let result = try #require(job["result"] as? [String: Any])
    #expect(result["result_url"] as? String == "/jobs/\(job["id"] as? String ?? "")/result")
    let experiment = await client.post("/jobs/summation", json: "", headers: [("Prefer", "wait=60")])
    #expect(experiment.status == 200, "an experiment takes an empty body: every default")
    await application.jobs.shutdown(grace: .seconds(1))
  }

  @Test func unknownKindsAndJobsAre404sListingWhatExists() async {
    let unknown = await client.post("/jobs/teleport", json: "{}")
    #expect(unknown.status == 404)
    #expect((unknown.json?["available"] as? [String])?.contains("matmul") == true)
    #expect(await client.get("/jobs/nope").status == 404)
    #expect(await client.delete("/jobs/nope").status == 404)
  }
}
