import JSON
import HTTP

extension Application {
  /// `GET /healthz`: liveness for load balancers and the container healthcheck.
  func addHealthRoutes(to router: inout Router) {
    let body = JSONValue.object([("status", .string("ok"))]).encoded()
    router.get("/healthz") { _, _ in
      HTTPResponse(headers: ["Content-Type": "application/json", "Cache-Control": "no-store"], bytes: body)
    }
  }
}
