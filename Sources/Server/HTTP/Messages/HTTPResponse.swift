/// A response to send. The connection adds `Date`, `Server`, the framing
/// (`Content-Length` or chunked) and `Connection` as needed.
public struct HTTPResponse: Sendable {
  public var status: HTTPStatus
  public var headers: HTTPHeaders
  public var body: Body

  /// What follows the head.
  public enum Body: Sendable {
    /// A complete body, sent with `Content-Length`.
    case bytes([UInt8])
    /// A body produced over time, sent with chunked transfer coding; the
    /// producer writes through the writer until it returns.
    case stream(@Sendable (ResponseBodyWriter) async throws -> Void)
  }

  public init(status: HTTPStatus = .ok, headers: HTTPHeaders = [:], body: Body = .bytes([])) {
    self.status = status
    self.headers = headers
    self.body = body
  }

  public init(status: HTTPStatus = .ok, headers: HTTPHeaders = [:], bytes: [UInt8]) {
    self.init(status: status, headers: headers, body: .bytes(bytes))
  }

  /// A plain-text response.
  public static func text(_ text: String, status: HTTPStatus = .ok) -> HTTPResponse {
    HTTPResponse(status: status, headers: ["Content-Type": "text/plain; charset=utf-8"], bytes: Array(text.utf8))
  }
}

/// Writes the parts of a streamed body. Each write waits while the client is
/// slow to read (bounded buffering) and throws once the client has gone.
public protocol ResponseBodyWriter: Sendable {
  func write(_ bytes: [UInt8]) async throws
}

extension ResponseBodyWriter {
  public func write(_ text: String) async throws { try await write(Array(text.utf8)) }
}
