import AsyncBridge
import Logging

/// Routes requests by method and path pattern to handlers, and maps thrown
/// errors to responses in one place.
///
/// ```swift
/// var router = Router(logger: logger)
/// router.get("/healthz") { _, _ in .json(["status": "ok"]) }
/// router.get("/questions/{id}") { request, context in … context.parameters["id"] … }
/// router.post("/jobs/matmul") { request, context async throws in … }
/// ```
/// A path that matches no route goes to `fallback` (static files) for GET and
/// HEAD, else 404; a path that matches with the wrong method gets 405 and
/// `Allow`; HEAD runs the GET handler without the body; OPTIONS lists `Allow`.
public struct Router: HTTPResponder {
  public typealias Handler = @Sendable (HTTPRequest, RequestContext) throws -> HTTPResponse
  public typealias AsyncHandler = @Sendable (HTTPRequest, RequestContext) async throws -> HTTPResponse

  enum Entry: Sendable {
    /// Quick work, answered on the connection's queue (in-memory lookups, static data).
    case sync(Handler)
    /// Blocking work (SQLite, files), run through ``BlockingWork`` off the connection loops.
    case blocking(Handler)
    case async(AsyncHandler)
  }

  private var exact: [String: Route] = [:]
  private var patterns: [Route] = []
  /// Answers GET and HEAD for paths no route matches (nil: not found there either).
  public var fallback: (@Sendable (HTTPRequest, RequestContext) throws -> HTTPResponse?)?
  public var logger: Logger

  /// What `OPTIONS *` answers: the methods some resource of this server takes.
  static let serverAllow = "DELETE, GET, HEAD, OPTIONS, POST"

  /// The methods this server knows (others are 501).
  public static let knownMethods: Set<HTTPMethod> = [.get, .head, .post, .put, .patch, .delete, .options, .trace, .connect]

  public init(logger: Logger) { self.logger = logger }

  /// Every route as `METHOD /pattern`, for introspection and startup logs.
  public var routes: [String] {
    (exact.values.sorted { $0.pattern < $1.pattern } + patterns).flatMap { route in
      route.methods.keys.map(\.rawValue).sorted().map { "\($0) \(route.pattern)" }
    }
  }

  // MARK: - Registration

  public mutating func on(_ method: HTTPMethod, _ pattern: String, use handler: @escaping Handler) {
    add(method, pattern, .sync(handler))
  }

  public mutating func on(_ method: HTTPMethod, _ pattern: String, use handler: @escaping AsyncHandler) {
    add(method, pattern, .async(handler))
  }

  /// Registers a handler that blocks (SQLite, file reads): it runs off the connection loops,
  /// through ``BlockingWork``, so a slow one stalls no other connection.
  public mutating func onBlocking(_ method: HTTPMethod, _ pattern: String, use handler: @escaping Handler) {
    add(method, pattern, .blocking(handler))
  }

  /// `GET` with a handler that blocks (see ``onBlocking(_:_:use:)``).
  public mutating func getBlocking(_ pattern: String, use handler: @escaping Handler) {
    onBlocking(.get, pattern, use: handler)
  }

  public mutating func get(_ pattern: String, use handler: @escaping Handler) { on(.get, pattern, use: handler) }
  public mutating func get(_ pattern: String, use handler: @escaping AsyncHandler) { on(.get, pattern, use: handler) }
  public mutating func post(_ pattern: String, use handler: @escaping Handler) { on(.post, pattern, use: handler) }
  public mutating func post(_ pattern: String, use handler: @escaping AsyncHandler) { on(.post, pattern, use: handler) }
  public mutating func delete(_ pattern: String, use handler: @escaping Handler) { on(.delete, pattern, use: handler) }
  public mutating func delete(_ pattern: String, use handler: @escaping AsyncHandler) { on(.delete, pattern, use: handler) }

  private mutating func add(_ method: HTTPMethod, _ pattern: String, _ entry: Entry) {
    let route = Route(pattern: pattern)
    if route.isLiteral {
      exact[pattern, default: route].methods[method] = entry
    } else if let index = patterns.firstIndex(where: { $0.pattern == pattern }) {
      patterns[index].methods[method] = entry
    } else {
      var route = route
      route.methods[method] = entry
      patterns.append(route)
    }
  }

  /// The routes a path matches, exact first, each with its captured parameters. Two patterns
  /// may share a shape with other parameter names (`/jobs/{kind}` for POST, `/jobs/{id}` for GET).
  private func matches(_ path: Substring) -> [(Route, [String: String])] {
    // A literal route owns its path: `POST /jobs/kinds` is a 405, not a job kind named "kinds".
    if let route = exact[String(path)] { return [(route, [:])] }
    var found: [(Route, [String: String])] = []
    for candidate in patterns where path.hasPrefix(candidate.literalPrefix) {
      if let parameters = candidate.match(path) { found.append((candidate, parameters)) }
    }
    return found
  }

  // MARK: - Dispatch

  public func respond(to request: HTTPRequest, context: RequestContext) -> HTTPReply {
    var context = context
    let method = request.method
    if request.target == "*" {  // OPTIONS * asks about the server itself (RFC 9110 §9.3.7)
      return HTTPReply(.now(HTTPResponse(status: .noContent, headers: ["Allow": Self.serverAllow])), route: "*")
    }
    let found = matches(request.path)
    guard !found.isEmpty else {
      return HTTPReply(.now(fallbackResponse(request, context)), route: nil)
    }
    let chosen = found.first { $0.0.methods[method] != nil } ?? found.first { method == .head && $0.0.methods[.get] != nil }
    guard let (route, parameters) = chosen,
      let entry = route.methods[method] ?? (method == .head ? route.methods[.get] : nil)
    else {
      let pattern = found[0].0.pattern
      if !Self.knownMethods.contains(method) { return HTTPReply(.now(Self.notImplemented(method).response), route: pattern) }
      let allow = Route.allowHeader(for: found.map(\.0))
      if method == .options {
        return HTTPReply(.now(HTTPResponse(status: .noContent, headers: ["Allow": allow])), route: pattern)
      }
      return HTTPReply(
        .now(
          Problem(
            status: .methodNotAllowed, detail: "\(method) is not allowed on \(pattern); allowed: \(allow).",
            headers: ["Allow": allow]
          ).response), route: pattern)
    }
    context.parameters = parameters
    context.route = route.pattern
    switch entry {
    case .sync(let handler):
      do {
        return HTTPReply(.now(try handler(request, context)), route: route.pattern)
      } catch {
        return HTTPReply(.now(response(for: error, request: request)), route: route.pattern)
      }
    case .blocking(let handler):
      return HTTPReply(
        .later { [self, context] in
          do {
            return try await BlockingWork.run { try handler(request, context) }
          } catch {
            return response(for: error, request: request)
          }
        }, route: route.pattern)
    case .async(let handler):
      return HTTPReply(
        .later { [self, context] in
          do {
            return try await handler(request, context)
          } catch {
            return response(for: error, request: request)
          }
        }, route: route.pattern)
    }
  }

  private func fallbackResponse(_ request: HTTPRequest, _ context: RequestContext) -> HTTPResponse {
    if !Self.knownMethods.contains(request.method) { return Self.notImplemented(request.method).response }
    if let fallback {
      var asGet = request
      asGet.method = .get
      do {
        if let response = try fallback(request.method == .head ? request : asGet, context) {
          if request.method == .get || request.method == .head { return response }
          // A file is there, but static files only answer GET and HEAD.
          let allow = "GET, HEAD, OPTIONS"
          if request.method == .options { return HTTPResponse(status: .noContent, headers: ["Allow": allow]) }
          return Problem(
            status: .methodNotAllowed, detail: "\(request.method) is not allowed on a static file; allowed: \(allow).",
            headers: ["Allow": allow]
          ).response
        }
      } catch {
        return response(for: error, request: request)
      }
    }
    return Problem.notFound("No resource at \(request.path).").response
  }

  private static func notImplemented(_ method: HTTPMethod) -> Problem {
    Problem(status: .notImplemented, detail: "The method \(method) is not implemented by this server.")
  }

  /// The one place where errors become responses: errors that know their
  /// status say so; anything else is logged and answered with a bare 500.
  func response(for error: any Error, request: HTTPRequest) -> HTTPResponse {
    if let error = error as? any HTTPResponseError { return error.problem.response }
    if error is CancellationError {
      // The client went away (the connection cancelled the reply's task): nobody reads this.
      return Problem(status: .serviceUnavailable, detail: "The request was cancelled.").response
    }
    logger.error("unhandled error for \(request.method) \(request.target): \(error)")
    return Problem(status: .internalServerError, detail: "The server failed to answer this request.").response
  }
}

/// An error that knows the problem (and so the status) it should be answered with.
public protocol HTTPResponseError: Error {
  var problem: Problem { get }
}

extension Problem: HTTPResponseError {
  public var problem: Problem { self }
}
