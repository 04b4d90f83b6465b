import Foundation
import Testing
import TestSupport

@testable import Application

/// The hostile campaign's findings that routes answer (issue "Hardening"), in process.
@Suite struct HardeningTests {
  let application: Application
  let client: InProcessClient

  init() throws {
    application = try InProcessRoutesTests.makeApplication()
    client = InProcessClient(application.makeResponder())
  }

  // Finding 10: another site's page cannot create or cancel work.
  @Test func refusesJobsFromAnotherSitesPage_ButNotFromCurlOrTheSiteItself() async {
    let foreign = await client.post(
      "/jobs/summation", json: "", headers: [("Origin", "https://evil.example"), ("Content-Type", "text/plain")])
    #expect(foreign.status == 403)
    #expect(foreign.json?["field"] as? String == "Origin")
    let fetchMetadata = await client.post("/jobs/summation", json: "", headers: [("Sec-Fetch-Site", "cross-site")])
    #expect(fetchMetadata.status == 403)
    let sandboxed = await client.post("/jobs/summation", json: "", headers: [("Origin", "null")])
    #expect(sandboxed.status == 403)
    let ownPage = await client.post(
      "/jobs/summation", json: "", headers: [("Origin", "http://test"), ("Sec-Fetch-Site", "same-origin")])
    #expect(ownPage.status == 202)
    let curl = await client.post("/jobs/summation", json: "")
    #expect(curl.status == 202)
    let cancel = await client.delete("/jobs/\(ownPage.json?["id"] as? String ?? "")", headers: [("Origin", "https://evil.example")])
    #expect(cancel.status == 403)
    await application.jobs.shutdown(grace: .milliseconds(1))
  }

  @Test func anOriginAllowedByCORSMayCreateJobs() async throws {
    var configuration = Application.Configuration()
    configuration.dataDirectory = NSTemporaryDirectory() + "hpclab-cors-\(UUID().uuidString)"
    configuration.corsOrigin = "https://lab.example"
    let application = try Application(configuration: configuration, logger: .init(label: "t"))
    let client = InProcessClient(application.makeResponder())
    #expect(await client.post("/jobs/summation", json: "", headers: [("Origin", "https://lab.example")]).status == 202)
    #expect(await client.post("/jobs/summation", json: "", headers: [("Origin", "https://other.example")]).status == 403)
    await application.jobs.shutdown(grace: .milliseconds(1))
  }

  // Finding 11: the smaller ones.
  @Test func aDuplicateKeyIsRefused_NotTheFirstValueKept() async {
    let response = await client.post("/jobs/matmul", json: #"{"n":4,"n":5000}"#)
    #expect(response.status == 400)
    #expect(response.json?["field"] as? String == "n")
  }

  @Test func malformedQueryEncodingIsA400Everywhere() async {
    for target in ["/questions?q=%ff", "/search?q=%ff", "/keywords?q=%ff", "/terms?q=%ff", "/jobs?status=%ff"] {
      let response = await client.get(target)
      #expect(response.status == 400, "\(target)")
      #expect(response.header("Content-Type") == "application/problem+json", "\(target)")
    }
  }

  @Test func twoConcurrentCancelsOfOneJob_OnlyOneSucceeds() async throws {
    let created = await client.post("/jobs/matmul", json: #"{"n":1500,"backend":"cpu-naive","repeats":50}"#)
    let id = try #require(created.json?["id"] as? String)
    async let first = client.delete("/jobs/\(id)")
    async let second = client.delete("/jobs/\(id)")
    let statuses = [await first.status, await second.status].sorted()
    #expect(statuses.filter { $0 == 409 }.count == 1, "\(statuses)")
    #expect(statuses.filter { $0 == 200 || $0 == 202 }.count == 1, "\(statuses)")
    await application.jobs.shutdown(grace: .milliseconds(1))
  }

  // Finding 3: a raw search that will always be too expensive is a 400 saying why, at once.
  @Test func aRawSearchThatCannotFinishInTimeIsA400NamingWhy() async {
    let expensive = Array(repeating: "a*", count: 300).joined(separator: "%20OR%20")
    let refused = await client.get("/search?mode=raw&q=\(expensive)")
    #expect(refused.status == 400)
    #expect(refused.json?["field"] as? String == "q")
    #expect((refused.json?["detail"] as? String)?.contains("too short") == true, "\(refused.text)")
    let tooMany = Array(repeating: "warp", count: 40).joined(separator: "%20OR%20")
    #expect(await client.get("/search?mode=raw&q=\(tooMany)").status == 400)
    let fine = await client.get("/search?mode=raw&q=wa*%20OR%20coalesc*")
    #expect(fine.status == 200)
    #expect((fine.json?["total"] as? Int ?? 0) > 0)
  }

  // Finding 2: inline matrices stay out of the spec, so listings stay small.
  @Test func inlineMatricesAreKeptApartFromTheSpec() async throws {
    let side = 200
    let row = "[" + Array(repeating: "0.5", count: side).joined(separator: ",") + "]"
    let matrix = "[" + Array(repeating: row, count: side).joined(separator: ",") + "]"
    let response = await client.post(
      "/jobs/matmul", json: #"{"a":\#(matrix),"b":\#(matrix),"repeats":1}"#, headers: [("Prefer", "wait=60")])
    #expect(response.status == 200, "\(response.text.prefix(300))")
    let spec = try #require(response.json?["spec"] as? [String: Any])
    #expect((spec["a"] as? [String: Int]) == ["rows": side, "columns": side])
    #expect((response.json?["result"] as? [String: Any])?["max_abs_error"] is Double)
    let listing = await client.get("/jobs")
    #expect(listing.body.count < 20_000, "the listing holds no matrices: \(listing.body.count) bytes")
    let id = try #require(response.json?["id"] as? String)
    let inputs = try #require(try application.store.jobInputs(id: id))
    #expect(inputs["a"]?.arrayValue?.count == side)
  }
}
