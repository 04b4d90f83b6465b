import JSON
import Foundation

/// An RFC 9457 problem detail, the one error body of this server
/// (`application/problem+json`). It is also an error: throw it from a
/// handler and the router answers with it.
public struct Problem: Error, Sendable, Equatable {
  /// A URI reference naming the problem type; `about:blank` when the status says it all.
  public var type: String
  /// A short summary of the problem type (the status phrase for `about:blank`).
  public var title: String
  public var status: Int
  /// What went wrong with this request, for a person to read.
  public var detail: String
  /// Extension members (RFC 9457 §3.2), e.g. `field`, `allowed`, `limit`.
  public var extensions: [String: JSONValue]
  /// Extra response headers, such as `Allow` or `Retry-After`.
  public var headers: HTTPHeaders

  public init(
    status: HTTPStatus, detail: String, type: String = "about:blank", title: String? = nil,
    extensions: [String: JSONValue] = [:], headers: HTTPHeaders = [:]
  ) {
    self.type = type
    self.title = title ?? status.reasonPhrase
    self.status = status.code
    self.detail = detail
    self.extensions = extensions
    self.headers = headers
  }

  public static func == (a: Problem, b: Problem) -> Bool {
    a.type == b.type && a.title == b.title && a.status == b.status && a.detail == b.detail
      && a.extensions == b.extensions
  }

  /// The members as a JSON object: the standard four first, then extensions.
  public var jsonObject: JSONValue {
    var members: [(String, JSONValue)] = [
      ("type", .string(type)), ("title", .string(title)), ("status", .number(Double(status))),
      ("detail", .string(detail)),
    ]
    for key in extensions.keys.sorted() where !["type", "title", "status", "detail"].contains(key) {
      members.append((key, extensions[key]!))
    }
    return .object(members)
  }

  /// The problem as a response.
  public var response: HTTPResponse {
    var headers = self.headers
    headers.set("Content-Type", "application/problem+json")
    return HTTPResponse(status: HTTPStatus(code: status), headers: headers, bytes: jsonObject.encoded())
  }
}

extension Problem {
  public static func notFound(_ detail: String) -> Problem { Problem(status: .notFound, detail: detail) }
  public static func badRequest(_ detail: String, field: String? = nil) -> Problem {
    Problem(status: .badRequest, detail: detail, extensions: field.map { ["field": .string($0)] } ?? [:])
  }
}
