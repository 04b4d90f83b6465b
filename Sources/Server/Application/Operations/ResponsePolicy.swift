import HTTP

/// Wraps the router with what every response gets: security headers, CORS when
/// an origin is configured (off by default), and metrics for each request.
struct ResponsePolicy: HTTPResponder {
  let router: Router
  /// The allowed origin (`*` or `https://example.org`), nil for no CORS headers.
  let corsOrigin: String?

  /// The pages load only their own scripts, styles and images; their charts are inline SVG drawn
  /// with attributes and classes, so neither `data:` images nor inline styles are needed.
  static let contentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    + "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

  func respond(to request: HTTPRequest, context: RequestContext) -> HTTPReply {
    if let corsOrigin, request.method == .options, request.headers["Access-Control-Request-Method"] != nil {
      return .now(preflight(origin: corsOrigin, request: request))
    }
    let reply = router.respond(to: request, context: context)
    switch reply.body {
    case .now(let response):
      return HTTPReply(.now(decorate(response)), route: reply.route)
    case .later(let work):
      return HTTPReply(.later { decorate(await work()) }, route: reply.route)
    }
  }

  /// Fields every response gets; static files carry them prebuilt (see `Application`).
  static let securityHeaders: HTTPHeaders = ["Referrer-Policy": "no-referrer"]
  static let htmlHeaders: HTTPHeaders = ["Content-Security-Policy": contentSecurityPolicy, "X-Frame-Options": "DENY"]

  private func decorate(_ response: HTTPResponse) -> HTTPResponse {
    var response = response
    if response.headers["X-Content-Type-Options"] == nil {  // not a prebuilt static file
      response.headers.add("X-Content-Type-Options", "nosniff")
      for field in Self.securityHeaders.fields { response.headers.add(field.name, field.value) }
      if response.headers["Content-Type"]?.hasPrefix("text/html") == true {
        for field in Self.htmlHeaders.fields { response.headers.add(field.name, field.value) }
      }
    }
    if let corsOrigin {
      response.headers.add("Access-Control-Allow-Origin", corsOrigin)
      response.headers.add("Access-Control-Expose-Headers", "Location, Retry-After, Preference-Applied")
      if corsOrigin != "*" { response.headers.add("Vary", "Origin") }
    }
    return response
  }

  private func preflight(origin: String, request: HTTPRequest) -> HTTPResponse {
    HTTPResponse(
      status: .noContent,
      headers: [
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Methods": "GET, HEAD, POST, DELETE, OPTIONS",
        "Access-Control-Allow-Headers": "Authorization, Content-Type, Idempotency-Key, Prefer, Last-Event-ID",
        "Access-Control-Max-Age": "600",
      ])
  }
}
