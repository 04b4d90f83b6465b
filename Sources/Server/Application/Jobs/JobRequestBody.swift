import HTTP
import JSON

/// The body of `POST /jobs/{kind}` as JSON, read once: 415 for a content type that is not JSON
/// (`curl -d`'s form type and `text/plain` are read as JSON too), 400 for text that is not
/// strict JSON (a duplicate key included, naming it), `nil` for an empty body (every default).
enum JobRequestBody {
  static func decode(_ request: HTTPRequest) throws -> JSONValue? {
    if let contentType = request.headers["Content-Type"]?.lowercased(), !contentType.contains("json"),
      !contentType.hasPrefix("application/x-www-form-urlencoded"), !contentType.hasPrefix("text/plain")
    {
      throw Problem(status: .unsupportedMediaType, detail: "Send the job as application/json.")
    }
    guard !request.body.isEmpty else { return nil }
    do {
      return try JSONValue(parsing: request.body, maxDepth: 64)
    } catch {
      if case .duplicateKey(let key) = error.reason {
        throw Problem.badRequest("The body names \(key) twice; give each parameter once.", field: key)
      }
      throw Problem.badRequest("The body is not valid JSON: \(error).")
    }
  }
}
