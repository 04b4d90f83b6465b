import Compute
import Content
import Foundation
import HTTP

/// A parsed JSON body (Content's value type tells integers, doubles and booleans apart).
typealias BodyValue = Content.JSONValue

/// The body of `POST /jobs/matmul`, checked field by field before the spec is decoded.
enum MatmulRequest {
  static let fields: Set<String> = ["m", "k", "n", "dtype", "backend", "kernel", "device", "repeats", "seed", "a", "b"]

  /// Parses the body into a spec. `"n"` alone (no `m`, `k`, `a`, `b`) means a
  /// square n×n·n×n product; errors about its size then name `n`.
  /// Unknown fields, wrong JSON and wrong types are 4xx problems naming the field;
  /// the spec's own rules (sizes, names, shapes) are checked by `MatmulRunner.validate`.
  static func spec(from request: HTTPRequest) throws -> (spec: MatmulSpec, isSquare: Bool) {
    var object = try jsonObject(from: request, fields: fields, example: #"{"n": 256}"#)
    let isSquare = object["a"] == nil && object["b"] == nil && object["m"] == nil && object["k"] == nil && object["n"] != nil
    for name in ["n", "m", "k", "repeats", "device", "seed"] {
      guard let value = object[name] else { continue }
      guard case .int(let number) = value else {
        throw invalid(name, "\(name) must be an integer.")
      }
      if name == "seed" && number < 0 { throw invalid(name, "seed must be a non-negative integer.") }
    }
    for name in ["dtype", "backend", "kernel"] where object[name] != nil && object[name]?.stringValue == nil {
      throw invalid(name, "\(name) must be a string.")
    }
    for name in ["a", "b"] {
      guard let value = object[name] else { continue }
      guard case .array(let rows) = value, rows.allSatisfy(isNumberRow) else {
        throw invalid(name, "\(name) must be a matrix: a list of rows, each a list of numbers.")
      }
    }
    if isSquare {
      object["m"] = object["n"]
      object["k"] = object["n"]
    }
    let data = try JSONEncoder().encode(BodyValue.object(object))
    do {
      return (try JSONDecoder().decode(MatmulSpec.self, from: data), isSquare)
    } catch let error as ComputeError {
      throw error
    } catch DecodingError.keyNotFound(let key, _) {
      throw invalid(key.stringValue, "\(key.stringValue) is required (or give n alone for a square product).")
    } catch {
      throw Problem(status: .unprocessableContent, detail: "The job does not match the expected shape: \(error).")
    }
  }

  /// The body as a JSON object whose keys are all in `fields`: 415, 400 or 422 otherwise.
  static func jsonObject(from request: HTTPRequest, fields: Set<String>, example: String) throws -> [String: BodyValue] {
    // curl -d sends application/x-www-form-urlencoded; the body is still read as JSON.
    if let contentType = request.headers["Content-Type"]?.lowercased(), !contentType.contains("json"),
      !contentType.hasPrefix("application/x-www-form-urlencoded"), !contentType.hasPrefix("text/plain")
    {
      throw Problem(status: .unsupportedMediaType, detail: "Send the job as application/json.")
    }
    guard !request.body.isEmpty else {
      throw Problem.badRequest("The body is empty; send a JSON object such as \(example).")
    }
    guard let parsed = try? JSONDecoder().decode(BodyValue.self, from: Data(request.body)) else {
      throw Problem.badRequest("The body is not valid JSON.")
    }
    guard case .object(let object) = parsed else {
      throw Problem(status: .unprocessableContent, detail: "The body must be a JSON object such as \(example).")
    }
    if let unknown = object.keys.sorted().first(where: { !fields.contains($0) }) {
      throw invalid(unknown, "Unknown field \(unknown); known fields: \(fields.sorted().joined(separator: ", ")).")
    }
    return object
  }

  static func invalid(_ field: String, _ detail: String) -> Problem {
    Problem(status: .unprocessableContent, detail: detail, extensions: ["field": .string(field)])
  }

  private static func isNumberRow(_ row: BodyValue) -> Bool {
    guard case .array(let values) = row else { return false }
    return values.allSatisfy {
      switch $0 {
      case .int, .double: true
      default: false
      }
    }
  }
}
