import Testing

@testable import HTTP

/// The router in process, without sockets.
@Suite struct RouterTests {
  func respond(_ router: Router, _ method: HTTPMethod, _ target: String) async -> HTTPResponse {
    await router.respond(to: HTTPRequest(method: method, target: target), context: RequestContext()).response()
  }

  func body(_ response: HTTPResponse) -> String {
    if case .bytes(let bytes) = response.body { return String(decoding: bytes, as: UTF8.self) }
    return ""
  }

  @Test func capturesDecodedPathParameters() async {
    var router = Router(logger: .init(label: "t"))
    router.get("/questions/{id}") { _, context in .text(context.parameters["id"] ?? "") }
    router.get("/questions/{id}/related") { _, context in .text("related " + (context.parameters["id"] ?? "")) }
    #expect(body(await respond(router, .get, "/questions/warp%20divergence")) == "warp divergence")
    #expect(body(await respond(router, .get, "/questions/9/related")) == "related 9")
    #expect(await respond(router, .get, "/questions/").status == .notFound)
    #expect(await respond(router, .get, "/questions/9/other").status == .notFound)
  }

  @Test func prefersLiteralRoutesOverPatterns() async {
    var router = Router(logger: .init(label: "t"))
    router.get("/jobs/{id}") { _, _ in .text("job") }
    router.get("/jobs/kinds") { _, _ in .text("kinds") }
    #expect(body(await respond(router, .get, "/jobs/kinds")) == "kinds")
    #expect(body(await respond(router, .get, "/jobs/abc")) == "job")
  }

  @Test func answersOptionsWithAllow() async {
    var router = Router(logger: .init(label: "t"))
    router.post("/jobs") { _, _ in .text("") }
    let response = await respond(router, .options, "/jobs")
    #expect(response.status == .noContent)
    #expect(response.headers["Allow"] == "OPTIONS, POST")
  }

  @Test func mapsProblemsAndOtherErrorsInOnePlace() async {
    var router = Router(logger: .init(label: "t"))
    router.get("/teapot") { _, _ in throw Problem(status: HTTPStatus(code: 418, reasonPhrase: "I'm a teapot"), detail: "short and stout") }
    router.get("/async") { _, _ async throws in throw Problem.badRequest("bad", field: "n") }
    let teapot = await respond(router, .get, "/teapot")
    #expect(teapot.status.code == 418)
    #expect(body(teapot).contains("\"detail\":\"short and stout\""))
    let bad = await respond(router, .get, "/async")
    #expect(bad.status == .badRequest)
    #expect(body(bad).contains("\"field\":\"n\""))
  }

  @Test func listsItsRoutes() {
    var router = Router(logger: .init(label: "t"))
    router.get("/a") { _, _ in .text("") }
    router.post("/b/{id}") { _, _ in .text("") }
    #expect(router.routes == ["GET /a", "POST /b/{id}"])
  }
}
