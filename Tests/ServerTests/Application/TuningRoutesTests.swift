import Foundation
import Testing
import TestSupport

@testable import Application

/// `tune` through the server: the job, its record in the store (kept across a restart), `/devices`
/// listing it, and the landscape page.
@Suite(.liveSockets)
struct TuningRoutesTests {
  static let openCLAvailable: Bool = FileManager.default.fileExists(atPath: "/etc/OpenCL/vendors")

  func post(_ app: TestApplication, _ body: String) async throws -> TestResponse {
    try await app.request(
      "POST /jobs/tune HTTP/1.1\r\nHost: t\r\nPrefer: wait=60\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
  }

  @Test(.enabled(if: openCLAvailable, "needs an OpenCL device (PoCL here)"))
  func aTunedConfigurationIsListedDrawnAndKeptAcrossARestart() async throws {
    let directory = NSTemporaryDirectory() + "hpclab-tune-\(UUID().uuidString)"
    let app = try await TestApplication.start { $0.dataDirectory = directory }
    let response = try await post(app, #"{"n":64,"budget_seconds":1,"dtype":"float64"}"#)
    #expect(response.status == 200, "\(response.text)")
    let result = try #require(response.object["result"] as? [String: Any])
    #expect(result["recorded"] as? Bool == true, "\(result["summary"] ?? "")")
    #expect((result["landscape"] as? [Any])?.isEmpty == false)
    #expect((result["series"] as? [Any])?.count == 3)

    let devices = try await app.get("/devices").object
    let platforms = try #require((devices["opencl"] as? [String: Any])?["platforms"] as? [[String: Any]])
    let device = try #require((platforms.first?["devices"] as? [[String: Any]])?.first)
    let tuned = try #require(device["tuned"] as? [[String: Any]])
    #expect(tuned.first?["dtype"] as? String == "float64" && tuned.first?["size_class"] as? String == "small")
    let index = try #require(device["index"] as? Int)
    let page = try await app.get("/devices/\(index)/tuning", headers: "Accept: text/html\r\n")
    #expect(page.status == 200 && page.text.contains("<circle") && page.text.contains("Tuning landscape"))
    let json = try await app.get("/devices/\(index)/tuning").object
    let landscape = (json["tuned"] as? [[String: Any]])?.first?["landscape"] as? [Any]
    #expect(landscape?.isEmpty == false)
    #expect(try await app.get("/devices/99/tuning").status == 404)
    await app.stop()

    // A new process on the same data directory: the entry came back from SQLite, and auto runs it.
    let again = try await TestApplication.start { $0.dataDirectory = directory }
    let matmul = try await again.request(
      "POST /jobs/matmul HTTP/1.1\r\nHost: t\r\nPrefer: wait=60\r\nContent-Length: 57\r\n\r\n"
        + #"{"n":48,"backend":"opencl","dtype":"float64","repeats":1}"#)
    let config = ((matmul.object["result"] as? [String: Any])?["kernel_config"] as? String) ?? ""
    #expect(config.contains("tuned on this device at n=64"), "\(matmul.text)")
    await again.stop()
  }

  @Test func tuneWithoutOpenCLOrTooLargeIsAClearProblem() async throws {
    let app = try await TestApplication.start { $0.maxDimension = 100 }
    let response = try await post(app, #"{"n":128}"#)
    #expect(response.status == 422)
    #expect(response.header("Content-Type") == "application/problem+json")
    await app.stop()
  }

  /// Without a CUDA driver (here, and in CI), /devices says why and what it looked for, and a
  /// cuda matmul is a 422 listing the backends that run.
  @Test(.enabled(if: !FileManager.default.fileExists(atPath: "/usr/local/cuda/lib64"), "this machine may have CUDA"))
  func devicesSayWhyCUDAIsUnavailable() async throws {
    let app = try await TestApplication.start()
    let devices = try await app.get("/devices").object
    let cuda = try #require(devices["cuda"] as? [String: Any])
    if cuda["available"] as? Bool == false {
      #expect((cuda["reason"] as? String)?.contains("libcuda.so.1") == true, "\(cuda)")
      #expect(cuda["devices"] as? [Any] != nil)
      let body = #"{"n":16,"backend":"cuda","dtype":"tf32"}"#
      let response = try await app.request(
        "POST /jobs/matmul HTTP/1.1\r\nHost: t\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
      #expect(response.status == 422)
      #expect(response.object["code"] as? String == "backend_unavailable")
      #expect((response.object["available"] as? [String])?.contains("blas") == true)
    }
    await app.stop()
  }
}
