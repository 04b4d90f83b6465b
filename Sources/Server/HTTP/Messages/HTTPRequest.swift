/// A complete request as parsed from the wire: head, body (de-chunked) and trailers.
public struct HTTPRequest: Sendable {
  public var method: HTTPMethod
  /// The request-target exactly as sent (origin-form `/path?query` in practice).
  public var target: String
  public var version: HTTPVersion
  public var headers: HTTPHeaders
  public var body: [UInt8]
  /// Trailer fields of a chunked body (RFC 9112 §7.1.2); empty otherwise.
  public var trailers: HTTPHeaders
  /// Transfer codings other than `chunked` were applied (the parser's reading of the field).
  public var hasUnsupportedCodings = false

  public init(
    method: HTTPMethod, target: String, version: HTTPVersion = .http1_1,
    headers: HTTPHeaders = [:], body: [UInt8] = [], trailers: HTTPHeaders = [:]
  ) {
    self.method = method
    self.target = target
    self.version = version
    self.headers = headers
    self.body = body
    self.trailers = trailers
  }

  /// The path part of the target, still percent-encoded.
  public var path: Substring {
    guard let q = target.firstIndex(of: "?") else { return Substring(target) }
    return target[..<q]
  }

  /// The raw query string after `?`, if any.
  public var query: Substring? {
    guard let q = target.firstIndex(of: "?") else { return nil }
    return target[target.index(after: q)...]
  }

  /// Whether the client asked to keep the connection open after this exchange
  /// (RFC 9112 §9.3: 1.1 persists unless `close`; 1.0 only with `keep-alive`).
  public var wantsKeepAlive: Bool {
    if headers.contains("Connection", token: "close") { return false }
    if version == .http1_0 { return headers.contains("Connection", token: "keep-alive") }
    return true
  }
}
