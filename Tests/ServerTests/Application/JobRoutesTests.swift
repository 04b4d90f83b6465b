import Compute
import Foundation
import Testing
import TestSupport

@testable import Application

/// The compute jobs API over real sockets, on real OpenBLAS and PoCL.
@Suite(.liveSockets) struct JobRoutesTests {
  func post(_ app: TestApplication, _ body: String, headers: String = "") async throws -> TestResponse {
    try await app.request(
      "POST /jobs/matmul HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n\(headers)Content-Length: \(body.utf8.count)\r\n\r\n\(body)")
  }

  func waitForStatus(_ app: TestApplication, _ id: String, _ wanted: Set<String>, seconds: Int = 60) async throws -> [String: Any] {
    for _ in 0..<(seconds * 10) {
      let job = try await app.get("/jobs/\(id)").object
      if let status = job["status"] as? String, wanted.contains(status) { return job }
      try await Task.sleep(for: .milliseconds(100))
    }
    Issue.record("job \(id) never reached \(wanted)")
    return [:]
  }

  static let combinations: [(String, String?, String)] = [
    ("blas", nil, "float32"), ("blas", nil, "float64"), ("cpu-naive", nil, "float32"), ("cpu-naive", nil, "float64"),
    ("opencl", "naive", "float32"), ("opencl", "tiled", "float32"), ("opencl", "blocked", "float32"),
    ("opencl", "naive", "float64"), ("opencl", "tiled", "float64"), ("opencl", nil, "float64"),
  ]

  @Test(arguments: combinations)
  func runsEveryBackendAndKernelToAVerifiedResult(backend: String, kernel: String?, dtype: String) async throws {
    let app = try await TestApplication.start()
    let kernelField = kernel.map { #","kernel":"\#($0)""# } ?? ""
    let response = try await post(
      app, #"{"m":17,"k":33,"n":5,"backend":"\#(backend)","dtype":"\#(dtype)"\#(kernelField),"repeats":2}"#,
      headers: "Prefer: wait=60\r\n")
    #expect(response.status == 200)
    #expect(response.header("Location")?.hasPrefix("/jobs/") == true)
    let job = response.object
    #expect(job["status"] as? String == "succeeded", "\(job["error"] ?? "")")
    let result = try #require(job["result"] as? [String: Any])
    let tolerance = dtype == "float32" ? 1e-5 : 1e-12
    #expect((result["max_rel_error"] as? Double ?? 1) <= tolerance)
    #expect((result["gflops"] as? Double ?? 0) > 0)
    #expect(result["device"] is String)
    let timings = try #require(job["timings"] as? [String: Any])
    #expect((timings["wall_seconds"] as? [Double])?.count == 2)
    #expect(timings["queue_wait_seconds"] is Double)
    if backend == "opencl" {
      #expect(timings["build_seconds"] is Double)
      #expect((timings["kernel_seconds"] as? [Double])?.count == 2)
    }
    await app.stop()
  }

  @Test func multipliesExplicitMatricesAndServesTheResultAsJSONAndNpy() async throws {
    let app = try await TestApplication.start()
    let response = try await post(
      app, #"{"a":[[1,2],[3,4],[5,6]],"b":[[1,0,2],[0,1,3]],"backend":"blas","dtype":"float64"}"#,
      headers: "Prefer: wait=30\r\n")
    let id = try #require(response.object["id"] as? String)
    let json = try await app.get("/jobs/\(id)/result").object
    #expect(json["shape"] as? [Int] == [3, 3])
    #expect(json["dtype"] as? String == "float64")
    #expect(json["data"] as? [[Double]] == [[1, 2, 8], [3, 4, 18], [5, 6, 28]])
    let npy = try await app.get("/jobs/\(id)/result", headers: "Accept: application/x-npy\r\n")
    #expect(npy.header("Content-Type") == "application/x-npy")
    let matrix = try NPY.decode(npy.body)
    #expect(matrix.rows == 3 && matrix.columns == 3)
    #expect(matrix.elements == .float64([1, 2, 8, 3, 4, 18, 5, 6, 28]))
    await app.stop()
  }

  @Test func acceptsASquareSizeAloneAndLongPolls() async throws {
    let app = try await TestApplication.start()
    let response = try await post(app, #"{"n":32}"#)
    #expect(response.status == 202)
    let id = try #require(response.object["id"] as? String)
    let spec = try #require(response.object["spec"] as? [String: Any])
    #expect(spec["m"] as? Int == 32 && spec["k"] as? Int == 32)
    let polled = try await app.get("/jobs/\(id)?wait=30").object
    #expect(polled["status"] as? String == "succeeded")
    let listed = try await app.get("/jobs?status=succeeded").object
    #expect((listed["jobs"] as? [[String: Any]])?.contains { $0["id"] as? String == id } == true)
    #expect(try await app.get("/jobs?status=sleeping").status == 400)
    await app.stop()
  }

  @Test func streamsProgressAndStatusEventsResumably() async throws {
    let app = try await TestApplication.start()
    let response = try await post(app, #"{"n":200,"backend":"cpu-naive","repeats":3}"#)
    let id = try #require(response.object["id"] as? String)
    let events = try await app.get("/jobs/\(id)/events")
    #expect(events.header("Content-Type") == "text/event-stream")
    let text = events.text
    #expect(text.contains("event: status"))
    #expect(text.contains("\"status\":\"succeeded\""))
    let ids = text.split(separator: "\n").filter { $0.hasPrefix("id: ") }.compactMap { Int($0.dropFirst(4)) }
    #expect(ids == Array(1...(ids.last ?? 0)), "ids count up from 1")
    let resumed = try await app.get("/jobs/\(id)/events", headers: "Last-Event-ID: \(ids.count - 1)\r\n")
    let resumedIDs = resumed.text.split(separator: "\n").filter { $0.hasPrefix("id: ") }.compactMap { Int($0.dropFirst(4)) }
    #expect(resumedIDs == [ids.count])
    await app.stop()
  }

  @Test func cancelsQueuedJobsAtOnceAndRunningOnesPromptly() async throws {
    let app = try await TestApplication.start()
    let long = try await post(app, #"{"n":2000,"backend":"cpu-naive","repeats":5}"#)
    let longID = try #require(long.object["id"] as? String)
    let queued = try await post(app, #"{"n":2000,"backend":"cpu-naive","repeats":5,"seed":2}"#)
    let queuedID = try #require(queued.object["id"] as? String)
    _ = try await waitForStatus(app, longID, ["running"])
    let cancelledQueued = try await app.request("DELETE /jobs/\(queuedID) HTTP/1.1\r\nHost: t\r\n\r\n")
    #expect(cancelledQueued.status == 200)
    #expect(cancelledQueued.object["status"] as? String == "cancelled")
    let cancelledRunning = try await app.request("DELETE /jobs/\(longID) HTTP/1.1\r\nHost: t\r\n\r\n")
    #expect([200, 202].contains(cancelledRunning.status))
    // "Promptly" is within about a second on an idle machine; the bound here only keeps a hung
    // cancel from hanging the suite (a parallel run on 2 cores can stretch a second a lot).
    let finished = try await waitForStatus(app, longID, ["cancelled"], seconds: 60)
    #expect(finished["finished_at"] is String)
    let again = try await app.request("DELETE /jobs/\(longID) HTTP/1.1\r\nHost: t\r\n\r\n")
    #expect(again.status == 409)
    #expect(try await app.get("/jobs/\(longID)/result").status == 409)
    await app.stop()
  }

  @Test func refusesWith429WhenTheQueueIsFull() async throws {
    let app = try await TestApplication.start { $0.queueCapacity = 1 }
    let first = try await post(app, #"{"n":2000,"backend":"cpu-naive","repeats":5}"#)
    let firstID = try #require(first.object["id"] as? String)
    _ = try await waitForStatus(app, firstID, ["running"])
    let second = try await post(app, #"{"n":2000,"backend":"cpu-naive","repeats":5,"seed":2}"#)
    #expect(second.status == 202)
    let third = try await post(app, #"{"n":2000,"backend":"cpu-naive","repeats":5,"seed":3}"#)
    #expect(third.status == 429)
    #expect(third.header("Retry-After") != nil)
    #expect(third.object["code"] as? String == "queue_full")
    let listed = try await app.get("/jobs").object
    #expect((listed["jobs"] as? [[String: Any]])?.count == 2, "the refused job left no record")
    for id in [firstID, second.object["id"] as? String ?? ""] {
      _ = try await app.request("DELETE /jobs/\(id) HTTP/1.1\r\nHost: t\r\n\r\n")
    }
    await app.stop()
  }

  @Test func returnsTheSameJobForTheSameIdempotencyKeyAndBody() async throws {
    let app = try await TestApplication.start()
    let body = #"{"n":16,"seed":7}"#
    let first = try await post(app, body, headers: "Idempotency-Key: abc-123\r\n")
    let second = try await post(app, body, headers: "Idempotency-Key: abc-123\r\n")
    #expect(first.status == 202)
    #expect(second.status == 200)
    #expect(first.object["id"] as? String == second.object["id"] as? String)
    let conflict = try await post(app, #"{"n":17,"seed":7}"#, headers: "Idempotency-Key: abc-123\r\n")
    #expect(conflict.status == 422)
    #expect(conflict.object["field"] as? String == "Idempotency-Key")
    await app.stop()
  }

  static let badBodies: [(String, Int, String?)] = [
    (#"{"n":0}"#, 422, "n"), (#"{"n":-3}"#, 422, "n"), (#"{"n":100000}"#, 422, "n"), (#"{"n":8,"repeats":0}"#, 422, "repeats"),
    (#"{"n":8,"repeats":100000}"#, 422, "repeats"), (#"{"n":8,"dtype":"float16"}"#, 422, "dtype"),
    (#"{"n":8,"backend":"cuda"}"#, 422, "backend"), (#"{"n":8,"backend":"opencl","kernel":"magic"}"#, 422, "kernel"),
    (#"{"a":[[1,2],[3]],"b":[[1],[2]]}"#, 422, "a"), (#"{"a":[[1,"x"]],"b":[[1],[2]]}"#, 422, "a"),
    (#"{"a":[[1,2]],"b":[[1,2]]}"#, 422, nil), (#"{"a":[[1,2]]}"#, 422, "b"), (#"{"n":"8"}"#, 422, "n"),
    (#"{"n":8.5}"#, 422, "n"), (#"{"n":8,"colour":"red"}"#, 422, "colour"), (#"[1,2]"#, 422, nil),
    (#"{"n":8"#, 400, nil), ("", 400, nil), (#"{"m":8,"n":8}"#, 422, "k"), (#"{"n":8,"seed":-1}"#, 422, "seed"),
  ]

  @Test(arguments: badBodies)
  func answersEveryBadInputWithAProblemNamingTheField(body: String, status: Int, field: String?) async throws {
    let app = try await TestApplication.start()
    let response = try await post(app, body)
    #expect(response.status == status, "\(body): \(response.text)")
    #expect(response.header("Content-Type") == "application/problem+json")
    if let field { #expect(response.object["field"] as? String == field, "\(body): \(response.text)") }
    if body.contains("cuda") { #expect((response.object["available"] as? [String])?.contains("blas") == true) }
    await app.stop()
  }

  @Test func refusesJobsOverTheMemoryBudgetSayingTheLimit() async throws {
    let app = try await TestApplication.start { $0.memoryBudgetBytes = 1 << 20 }
    let response = try await post(app, #"{"n":1024}"#)
    #expect(response.status == 422)
    #expect(response.object["code"] as? String == "memory_budget_exceeded")
    #expect(response.object["limit"] as? Int == 1 << 20)
    await app.stop()
  }

  @Test func describesTheDevices() async throws {
    let app = try await TestApplication.start()
    let devices = try await app.get("/devices").object
    let blas = try #require(devices["blas"] as? [String: Any])
    #expect(blas["name"] as? String == "OpenBLAS")
    let opencl = try #require(devices["opencl"] as? [String: Any])
    #expect(opencl["available"] is Bool)
    #expect(try await app.get("/jobs/nope").status == 404)
    #expect(try await app.get("/jobs/nope/events").status == 404)
    #expect(try await app.get("/jobs/nope/result").status == 404)
    await app.stop()
  }

  @Test func listsJobKindsWithParametersAndRefusesUnknownKinds() async throws {
    let app = try await TestApplication.start()
    let kinds = try #require(try await app.get("/jobs/kinds").object["kinds"] as? [[String: Any]])
    let matmul = try #require(kinds.first { $0["kind"] as? String == "matmul" })
    let parameters = try #require(matmul["parameters"] as? [[String: Any]])
    // One shape for every kind: matmul's parameters read like an experiment's.
    #expect(parameters.contains { $0["name"] as? String == "backend" && ($0["allowed"] as? [String])?.contains("opencl") == true })
    #expect(parameters.contains { $0["name"] as? String == "n" && $0["max"] as? Int == 8192 })
    #expect(parameters.contains { $0["name"] as? String == "kernel" && ($0["applies_when"] as? [String: String]) == ["backend": "opencl"] })
    #expect(matmul["href"] as? String == "/jobs/matmul" && matmul["questions"] is [Int])
    let unknown = try await app.request("POST /jobs/teleport HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\n{}")
    #expect(unknown.status == 404)
    #expect(unknown.header("Content-Type") == "application/problem+json")
    await app.stop()
  }
}
