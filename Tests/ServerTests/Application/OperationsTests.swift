import Foundation
import Testing
import TestSupport

/// Access control, rate limits, CORS, security headers and metrics.
@Suite(.liveSockets) struct OperationsTests {
  func post(_ app: TestApplication, _ body: String, headers: String = "") async throws -> TestResponse {
    try await app.request(
      "POST /jobs/matmul HTTP/1.1\r\nHost: t\r\n\(headers)Content-Length: \(body.utf8.count)\r\n\r\n\(body)")
  }

  @Test func requiresTheTokenToCreateAndCancelJobsButNotToRead() async throws {
    let app = try await TestApplication.start { $0.token = "s3cret" }
    let missing = try await post(app, #"{"n":8}"#)
    #expect(missing.status == 401)
    #expect(missing.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
    #expect(try await post(app, #"{"n":8}"#, headers: "Authorization: Bearer wrong\r\n").status == 401)
    #expect(try await post(app, #"{"n":8}"#, headers: "Authorization: Bearer s3cret-and-more\r\n").status == 401)
    let created = try await post(app, #"{"n":8}"#, headers: "Authorization: Bearer s3cret\r\n")
    #expect(created.status == 202)
    let id = try #require(created.object["id"] as? String)
    #expect(try await app.get("/jobs/\(id)").status == 200)
    #expect(try await app.get("/questions?q=warp").status == 200)
    #expect(try await app.request("DELETE /jobs/\(id) HTTP/1.1\r\nHost: t\r\n\r\n").status == 401)
    await app.stop()
  }

  @Test func limitsJobSubmissionsPerClientWithRetryAfter() async throws {
    let app = try await TestApplication.start {
      $0.jobsPerMinute = 2
      $0.jobBurst = 2
    }
    #expect(try await post(app, #"{"n":8}"#).status == 202)
    #expect(try await post(app, #"{"n":8,"seed":2}"#).status == 202)
    let limited = try await post(app, #"{"n":8,"seed":3}"#)
    #expect(limited.status == 429)
    #expect(Int(limited.header("Retry-After") ?? "") ?? 0 >= 1)
    #expect(limited.header("Content-Type") == "application/problem+json")
    #expect(try await app.get("/jobs").status == 200, "reads are not limited")
    await app.stop()
  }

  @Test func sendsCORSHeadersOnlyWhenAnOriginIsConfigured() async throws {
    let closed = try await TestApplication.start()
    #expect(try await closed.get("/healthz").header("Access-Control-Allow-Origin") == nil)
    await closed.stop()
    let open = try await TestApplication.start { $0.corsOrigin = "https://example.org" }
    let response = try await open.get("/questions", headers: "Origin: https://example.org\r\n")
    #expect(response.header("Access-Control-Allow-Origin") == "https://example.org")
    let preflight = try await open.request(
      "OPTIONS /jobs/matmul HTTP/1.1\r\nHost: t\r\nOrigin: https://example.org\r\nAccess-Control-Request-Method: POST\r\n\r\n")
    #expect(preflight.status == 204)
    #expect(preflight.header("Access-Control-Allow-Methods")?.contains("POST") == true)
    #expect(preflight.header("Access-Control-Allow-Headers")?.contains("Authorization") == true)
    await open.stop()
  }

  @Test func putsSecurityHeadersOnPagesAndResponses() async throws {
    let app = try await TestApplication.start()
    let page = try await app.get("/")
    #expect(page.header("Content-Security-Policy")?.contains("default-src 'self'") == true)
    #expect(page.header("X-Content-Type-Options") == "nosniff")
    #expect(page.header("Referrer-Policy") == "no-referrer")
    let json = try await app.get("/topics")
    #expect(json.header("X-Content-Type-Options") == "nosniff")
    #expect(json.header("Referrer-Policy") == "no-referrer")
    await app.stop()
  }

  @Test func exposesPrometheusMetricsAfterTraffic() async throws {
    let app = try await TestApplication.start()
    _ = try await app.get("/questions?q=warp")
    _ = try await app.get("/questions/9")
    _ = try await app.get("/no-such-page")
    let job = try await post(app, #"{"n":8}"#, headers: "Prefer: wait=30\r\n")
    #expect(job.object["status"] as? String == "succeeded")
    let metrics = try await app.get("/metrics")
    #expect(metrics.status == 200)
    #expect(metrics.header("Content-Type")?.hasPrefix("text/plain") == true)
    let text = metrics.text
    #expect(text.contains(#"hpclab_http_requests_total{method="GET",route="/questions",status="200"} 1"#))
    #expect(text.contains(#"hpclab_http_requests_total{method="GET",route="/questions/{id}",status="200"} 1"#))
    #expect(text.contains(#"route="unmatched",status="404""#))
    #expect(text.contains("hpclab_http_request_duration_seconds_bucket"))
    #expect(text.contains("hpclab_http_open_connections"))
    #expect(text.contains(#"hpclab_jobs{kind="matmul",status="succeeded"} 1"#))
    #expect(text.contains("hpclab_jobs_queued 0"))
    #expect(text.contains(#"hpclab_job_duration_seconds_count{kind="matmul",status="succeeded"} 1"#))
    #expect(text.contains("hpclab_search_duration_seconds_count 1"))
    await app.stop()
  }
}
