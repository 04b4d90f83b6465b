import Compute
import Foundation
import Testing
@testable import Application
import JSON
import TestSupport

/// The experiments as jobs over real sockets: each kind runs small, verifies
/// itself and explains its numbers; bad parameters are 422; cancellation stops a sweep.
@Suite(.liveSockets) struct ExperimentRoutesTests {
  func post(_ app: TestApplication, _ kind: String, _ body: String, wait: Int? = 60) async throws -> TestResponse {
    let prefer = wait.map { "Prefer: wait=\($0)\r\n" } ?? ""
    return try await app.request(
      "POST /jobs/\(kind) HTTP/1.1\r\nHost: t\r\n\(prefer)Content-Length: \(body.utf8.count)\r\n\r\n\(body)")
  }

  static let small: [(String, String)] = [
    ("peak", #"{"work_items":256,"iterations":64,"chains":2,"repeats":1}"#),
    ("coalescing", #"{"n":65536,"max_stride":8,"transpose_n":64,"repeats":1}"#),
    ("divergence", #"{"n":4096,"work":8,"repeats":1}"#),
    ("reduction", #"{"n":65536,"repeats":1}"#),
    ("solve", #"{"n":50,"hilbert_max":8,"repeats":1}"#),
    ("bandwidth", #"{"n":4099,"threads":2,"repeats":2}"#),
    ("summation", #"{"max_n":20000,"points_per_decade":2,"repeats":1}"#),
    ("access", #"{"n":66,"array_mib":1,"max_stride":8192,"repeats":1}"#),
    ("vectorize", #"{"n":5003,"repeats":1}"#),
    ("roofline", #"{"target":"host","threads":1,"repeats":1,"memory_mib":64,"gemm_n":256}"#),
  ]

  @Test(arguments: small)
  func runsEachKindToAVerifiedExplainedResult(kind: String, body: String) async throws {
    let app = try await TestApplication.start()
    let response = try await post(app, kind, body)
    #expect(response.status == 200, "\(kind): \(response.text)")
    let job = response.object
    #expect(job["kind"] as? String == kind)
    #expect(job["status"] as? String == "succeeded", "\(kind): \(job["error"] ?? "")")
    let result = try #require(job["result"] as? [String: Any])
    #expect((result["verification"] as? [String: Any])?["passed"] as? Bool == true, "\(kind)")
    #expect(((result["summary"] as? String) ?? "").count > 40)
    let figures = try #require(result["figures"] as? [[String: Any]])
    #expect(!figures.isEmpty && figures.allSatisfy { $0["unit"] is String })
    #expect(result["parameters"] is [String: Any])
    #expect(job["timings"] is [String: Any])
    await app.stop()
  }

  @Test func listsEveryKindWithParametersAndTheQuestionsThatLinkIt() async throws {
    let app = try await TestApplication.start()
    let kinds = try #require(try await app.get("/jobs/kinds").object["kinds"] as? [[String: Any]])
    let names = Set(kinds.compactMap { $0["kind"] as? String })
    #expect(names == ["matmul", "tune", "peak", "coalescing", "divergence", "reduction", "solve", "bandwidth", "summation", "access", "vectorize", "precision", "roofline"])
    let coalescing = try #require(kinds.first { $0["kind"] as? String == "coalescing" })
    #expect(coalescing["questions"] as? [Int] == [8])
    #expect(((coalescing["parameters"] as? [[String: Any]]) ?? []).contains { $0["name"] as? String == "max_stride" })
    for id in 7...16 {
      let question = try await app.get("/questions/\(id)").object
      let experiments = try #require(question["experiments"] as? [[String: Any]])
      #expect(!experiments.isEmpty, "question \(id) links an experiment")
      for experiment in experiments {
        #expect(names.contains(experiment["kind"] as? String ?? ""))
        #expect(experiment["href"] as? String == "/jobs/\(experiment["kind"] as? String ?? "")")
      }
    }
    await app.stop()
  }

  /// Every experiment and exercise the corpus links names a kind this server runs, with parameters
  /// the kind accepts (validated as a stored job would be, without running it).
  @Test func everyLinkedExperimentAndExerciseIsValidForItsKind() async throws {
    let app = try await TestApplication.start()
    let catalog = app.application.jobs.catalog
    for question in app.application.store.questions() {
      let links = question.experiments.map { ($0.kind, $0.params) } + question.exercises.map { ($0.kind, $0.params) }
      for (name, params) in links {
        let kind = try #require(catalog[name], "question \(question.id) links an unknown kind \(name)")
        // Experiments on CUDA are refused here only because this machine has no CUDA: their
        // parameters are still checked against the kind's list.
        let onCUDA = name == "precision" || params["backend"]?.stringValue == "cuda"
        if onCUDA, app.application.jobs.devices.cuda.available == false {
          let error = #expect(throws: ComputeError.self) { _ = try kind.prepare(json: params) }
          #expect(error?.code == .backendUnavailable, "question \(question.id): \(name) \(params)")
          _ = try JobSchema(kind: name, parameters: kind.parameters).decode(params)
          continue
        }
        #expect(throws: Never.self, "question \(question.id): \(name) \(params)") { _ = try kind.prepare(json: params) }
      }
    }
    await app.stop()
  }

  static let bad: [(String, String, String)] = [
    ("summation", #"{"bogus":1}"#, "bogus"), ("summation", #"{"max_n":5}"#, "max_n"),
    ("summation", #"{"max_n":"many"}"#, "max_n"), ("access", #"{"n":100000}"#, "n"),
    ("vectorize", #"{"operation":"divide"}"#, "operation"), ("solve", #"{"n":[1]}"#, "n"),
  ]

  @Test(arguments: bad)
  func rejectsBadParametersWithAProblemNamingTheField(kind: String, body: String, field: String) async throws {
    let app = try await TestApplication.start()
    let response = try await post(app, kind, body, wait: nil)
    #expect(response.status == 422, "\(kind) \(body): \(response.text)")
    #expect(response.header("Content-Type") == "application/problem+json")
    #expect(response.object["field"] as? String == field)
    await app.stop()
  }

  @Test func cancelsASweepMidway() async throws {
    let app = try await TestApplication.start()
    let response = try await post(app, "summation", #"{"max_n":10000000,"points_per_decade":4,"repeats":10}"#, wait: nil)
    #expect(response.status == 202, "\(response.text)")
    let id = try #require(response.object["id"] as? String)
    for _ in 0..<100 {
      let job = try await app.get("/jobs/\(id)").object
      if job["status"] as? String == "running", (job["progress"] as? Double ?? 0) > 0 { break }
      if job["status"] as? String == "running" { try await Task.sleep(for: .milliseconds(50)); continue }
      try await Task.sleep(for: .milliseconds(50))
    }
    let cancelled = try await app.request("DELETE /jobs/\(id) HTTP/1.1\r\nHost: t\r\n\r\n")
    #expect([200, 202].contains(cancelled.status))
    let finished = try await app.get("/jobs/\(id)?wait=10").object
    #expect(finished["status"] as? String == "cancelled")
    #expect((finished["progress"] as? Double ?? 1) < 1)
    await app.stop()
  }
}
