/// The seam between the connection and the application: turns a request into
/// a response. The router is the application's responder.
public protocol HTTPResponder: Sendable {
  /// Answers at once when the work is quick (it runs on the connection's
  /// queue, no hop) or hands back work to run asynchronously.
  func respond(to request: HTTPRequest, context: RequestContext) -> HTTPReply
}

/// A response now, or work that produces one later, with the route that matched (recorded once,
/// by the router, for logs and metrics).
public struct HTTPReply: Sendable {
  public enum Body: Sendable {
    case now(HTTPResponse)
    case later(@Sendable () async -> HTTPResponse)
  }

  public var body: Body
  /// The matched route's pattern (`/questions/{id}`), or `nil` when none matched (static files,
  /// 404).
  public var route: String?

  public init(_ body: Body, route: String? = nil) {
    self.body = body
    self.route = route
  }

  /// The response, waiting for it when it comes later (the in-process test tier uses this).
  public func response() async -> HTTPResponse {
    switch body {
    case .now(let response): response
    case .later(let work): await work()
    }
  }

  public static func now(_ response: HTTPResponse) -> HTTPReply { HTTPReply(.now(response)) }
  public static func later(_ work: @escaping @Sendable () async -> HTTPResponse) -> HTTPReply { HTTPReply(.later(work)) }
}

/// Facts about one exchange that a handler may want beside the request.
public struct RequestContext: Sendable {
  /// Path parameters captured by the route pattern (`/questions/{id}` → `id`), percent-decoded.
  public var parameters: [String: String] = [:]
  /// The matched route's pattern, set by the router.
  public var route: String?
  /// Monotonic time at which the request was complete.
  public var receivedAt: Double
  /// Whether the server is shutting down (long waits should end early).
  public var isShuttingDown: Bool
  /// The client's numeric IP address (empty when unknown).
  public var remoteAddress: String

  public init(
    parameters: [String: String] = [:], receivedAt: Double = System.monotonicSeconds(), isShuttingDown: Bool = false,
    remoteAddress: String = ""
  ) {
    self.parameters = parameters
    self.receivedAt = receivedAt
    self.isShuttingDown = isShuttingDown
    self.remoteAddress = remoteAddress
  }
}

/// One finished exchange, as the access log and metrics see it.
public struct HTTPExchange: Sendable {
  public var method: HTTPMethod
  /// The route that matched (`/questions/{id}`), `nil` for none (static files, 404, parse errors).
  public var route: String?
  /// The request target as sent (`-` when the request could not be parsed).
  public var target: String
  public var status: Int
  /// Body bytes sent.
  public var bytes: Int
  /// From the request's first byte to the response's last byte queued.
  public var seconds: Double
}
