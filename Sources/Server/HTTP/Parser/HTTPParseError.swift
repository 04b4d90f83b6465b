/// Why a request could not be parsed, and the status to answer with.
///
/// A struct over a private code so that cases can be added without breaking
/// callers (the shape of NIO's `NIOHTTPDecoderError`); match on `status` or
/// compare with the static members.
public struct HTTPParseError: Error, Hashable, Sendable, CustomStringConvertible {
  public let status: HTTPStatus
  /// A short, client-safe explanation (it goes into the problem+json `detail`).
  public let reason: String

  init(_ status: HTTPStatus, _ reason: String) {
    self.status = status
    self.reason = reason
  }

  public var description: String { "\(status.code): \(reason)" }

  public static func == (a: HTTPParseError, b: HTTPParseError) -> Bool {
    a.status == b.status && a.reason == b.reason
  }
  public func hash(into hasher: inout Hasher) {
    hasher.combine(status.code)
    hasher.combine(reason)
  }

  static func bad(_ reason: String) -> HTTPParseError { .init(.badRequest, reason) }
  static let requestLineTooLong = HTTPParseError(.uriTooLong, "The request line is longer than the limit.")
  static let headersTooLarge = HTTPParseError(.requestHeaderFieldsTooLarge, "The header block is larger than the limit.")
  static let tooManyHeaders = HTTPParseError(.requestHeaderFieldsTooLarge, "The request has more header fields than the limit.")
  static let bodyTooLarge = HTTPParseError(.contentTooLarge, "The request body is larger than the limit.")
  static let versionNotSupported = HTTPParseError(.httpVersionNotSupported, "Only HTTP/1.0 and HTTP/1.1 are served.")
}
