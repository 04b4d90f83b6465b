import HTTP

/// Content negotiation for the entries that are both JSON and a page:
/// `/questions/{id}`, `/keywords/{slug}`, `/tables/{slug}`, `/devices`, `/jobs`.
///
/// JSON is the default: a client gets the HTML page only when its `Accept`
/// ranks `text/html` above `application/json` by q-values, as a browser's
/// `text/html,…,*/*;q=0.8` does. curl's `*/*`, no `Accept`, and
/// `application/json` all get JSON. Both answers carry `Vary: Accept`.
enum Negotiation {
  static func wantsHTML(_ request: HTTPRequest) -> Bool {
    request.prefers("text/html", over: "application/json")
  }

  /// The page or the JSON, whichever the request prefers, with `Vary: Accept`.
  static func respond(
    to request: HTTPRequest, html: () throws -> HTTPResponse, json: () throws -> HTTPResponse
  ) rethrows -> HTTPResponse {
    var response = try wantsHTML(request) ? html() : json()
    response.headers.add("Vary", "Accept")
    return response
  }
}
