import Foundation
import Testing
import TestSupport

@testable import HTTP

@Suite struct StaticFilesTests {
  /// A public dir with an index, a page, a dot-file, and symlinks in and out.
  static func makeRoot() throws -> String {
    let root = NSTemporaryDirectory() + "hpclab-static-\(UUID().uuidString)"
    let fm = FileManager.default
    try fm.createDirectory(atPath: root + "/public/docs", withIntermediateDirectories: true)
    try "<h1>home</h1>".write(toFile: root + "/public/index.html", atomically: true, encoding: .utf8)
    try "body{}".write(toFile: root + "/public/site.css", atomically: true, encoding: .utf8)
    try "docs".write(toFile: root + "/public/docs/index.html", atomically: true, encoding: .utf8)
    try "secret".write(toFile: root + "/public/.env", atomically: true, encoding: .utf8)
    try "outside".write(toFile: root + "/secret.txt", atomically: true, encoding: .utf8)
    try fm.createSymbolicLink(atPath: root + "/public/escape.txt", withDestinationPath: root + "/secret.txt")
    try fm.createSymbolicLink(atPath: root + "/public/style.css", withDestinationPath: root + "/public/site.css")
    return root
  }

  static func start(_ root: String) throws -> TestServer {
    var router = Router(logger: .init(label: "t"))
    let files = StaticFiles(root: root + "/public")
    router.fallback = { request, _ in try files.respond(to: request) }
    return try TestServer(responder: router)
  }

  func get(_ server: TestServer, _ target: String, headers: String = "") async throws -> TestResponse {
    let client = try server.client()
    try client.send("GET \(target) HTTP/1.1\r\nHost: t\r\n\(headers)\r\n")
    return try await client.readResponse()
  }

  @Test func servesIndexAndFilesWithTypesAndValidators() async throws {
    let server = try Self.start(try Self.makeRoot())
    let home = try await get(server, "/")
    #expect(home.status == 200)
    #expect(home.text == "<h1>home</h1>")
    #expect(home.header("Content-Type") == "text/html; charset=utf-8")
    #expect(home.header("Cache-Control") != nil)
    let etag = try #require(home.header("ETag"))
    let again = try await get(server, "/index.html", headers: "If-None-Match: \"other\", \(etag)\r\n")
    #expect(again.status == 304)
    #expect(again.body.isEmpty)
    #expect(again.header("ETag") == etag)
    #expect(try await get(server, "/site.css").header("Content-Type") == "text/css; charset=utf-8")
    #expect(try await get(server, "/docs/").text == "docs")
    #expect(try await get(server, "/docs").text == "docs")
    #expect(try await get(server, "/style.css").text == "body{}", "a symlink inside the root is fine")
    await server.stop()
  }

  static let escapes: [(String, Int)] = [
    ("/../secret.txt", 400), ("/%2e%2e/secret.txt", 400), ("/docs/..%2f..%2fsecret.txt", 400),
    ("/%2E%2E%2Fsecret.txt", 400), ("/index.html%00.css", 400), ("/docs/%2e/index.html", 400),
    ("/..%5csecret.txt", 400), ("/escape.txt", 404), ("/.env", 404), ("/missing.html", 404), ("/%zz", 400),
  ]

  @Test(arguments: escapes)
  func neverServesAnythingOutsideTheRoot(target: String, status: Int) async throws {
    let server = try Self.start(try Self.makeRoot())
    let response = try await get(server, target)
    #expect(response.status == status, "\(target)")
    #expect(!response.text.contains("outside") && !response.text.contains("secret\""))
    #expect(response.header("Content-Type") == "application/problem+json")
    await server.stop()
  }

  @Test func matchesEntityTagsWeaklyAndByStar() {
    #expect(StaticFiles.matches("*", etag: "\"a\""))
    #expect(StaticFiles.matches("W/\"a\"", etag: "\"a\""))
    #expect(StaticFiles.matches("\"b\", \"a\"", etag: "\"a\""))
    #expect(!StaticFiles.matches("\"b\"", etag: "\"a\""))
  }
}
