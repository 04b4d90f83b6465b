import JSON
import Foundation

extension HTTPResponse {
  /// A JSON response of an `Encodable` value.
  public static func json<Value: Encodable>(_ value: Value, status: HTTPStatus = .ok, headers: HTTPHeaders = [:]) -> HTTPResponse {
    var headers = headers
    headers.set("Content-Type", "application/json")
    let data = (try? JSONCoding.encoder.encode(value)) ?? Data("null".utf8)
    return HTTPResponse(status: status, headers: headers, bytes: [UInt8](data))
  }

  /// A JSON response of a `JSONValue`, members in their given order.
  public static func json(_ value: JSONValue, status: HTTPStatus = .ok, headers: HTTPHeaders = [:]) -> HTTPResponse {
    var headers = headers
    headers.set("Content-Type", "application/json")
    return HTTPResponse(status: status, headers: headers, bytes: value.encoded())
  }
}

extension HTTPRequest {
  /// Decodes the body as JSON, answering a client's mistake with a problem:
  /// 415 for a non-JSON content type, 400 for malformed JSON, 422 naming the
  /// field for a value of the wrong type or a missing field.
  public func decodeJSON<Value: Decodable>(_ type: Value.Type) throws -> Value {
    if let contentType = headers["Content-Type"],
      !contentType.lowercased().hasPrefix("application/json"), !contentType.lowercased().contains("+json")
    {
      throw Problem(status: .unsupportedMediaType, detail: "Send the body as application/json.")
    }
    guard !body.isEmpty else { throw Problem.badRequest("The request body is empty; send a JSON object.") }
    do {
      return try JSONCoding.decoder.decode(Value.self, from: Data(body))
    } catch let DecodingError.dataCorrupted(context) where context.codingPath.isEmpty {
      throw Problem.badRequest("The body is not valid JSON.")
    } catch let error as DecodingError {
      let (path, message) = Self.describe(error)
      throw Problem(
        status: .unprocessableContent, detail: path.isEmpty ? message : "\(path): \(message)",
        extensions: path.isEmpty ? [:] : ["field": .string(path)])
    }
  }

  private static func describe(_ error: DecodingError) -> (String, String) {
    func join(_ path: [any CodingKey]) -> String {
      path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        .replacingOccurrences(of: ".[", with: "[")
    }
    switch error {
    case .typeMismatch(let type, let context):
      return (join(context.codingPath), "expected \(type), \(context.debugDescription.lowercased())")
    case .valueNotFound(_, let context):
      return (join(context.codingPath), "a value is required")
    case .keyNotFound(let key, let context):
      return (join(context.codingPath + [key]), "this field is required")
    case .dataCorrupted(let context):
      return (join(context.codingPath), context.debugDescription)
    @unknown default:
      return ("", "The body does not match the expected shape.")
    }
  }
}

/// The JSON coders the server uses: snake_case keys come from the types' own CodingKeys;
/// keys are sorted so that bodies are stable from run to run.
public enum JSONCoding {
  public static var encoder: JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
    return encoder
  }
  public static var decoder: JSONDecoder { JSONDecoder() }
}
