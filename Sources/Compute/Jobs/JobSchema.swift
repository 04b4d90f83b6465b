import JSON

/// Decodes a request body against a kind's parameter list, once: unknown fields, values of the
/// wrong JSON type and a body that is not an object are ``ComputeError``s naming the field.
/// Bounds, choices and defaults are checked next, by ``JobParameter/validate(_:)`` in the kind's
/// ``JobKind/prepare(_:)``.
public struct JobSchema: Sendable {
  public var kind: String
  public var parameters: [JobParameter]

  public init(kind: String, parameters: [JobParameter]) {
    self.kind = kind
    self.parameters = parameters
  }

  /// The body's members as parameter values; `nil` (an empty body) means none given.
  public func decode(_ body: JSONValue?) throws(ComputeError) -> [String: JobValue] {
    guard let body else { return [:] }
    guard case .object(let members) = body else {
      throw ComputeError(
        .invalidArgument,
        message: "the body must be a JSON object of \(kind)'s parameters, such as {} for every default; got a \(body.typeName)")
    }
    let names = parameters.map(\.name)
    var values: [String: JobValue] = [:]
    for (name, json) in members {
      guard let parameter = parameters.first(where: { $0.name == name }) else {
        throw ComputeError(
          .invalidArgument, field: name,
          message: "\(kind) takes no parameter '\(name)'; its parameters are \(names.joined(separator: ", "))",
          available: names)
      }
      guard let value = JobValue(json: json) else {
        throw ComputeError(
          .invalidValue, field: name,
          message: "\(name) must be \(parameter.expectedType), got the \(json.typeName) \(Self.preview(json))")
      }
      values[name] = value
    }
    return values
  }

  private static func preview(_ json: JSONValue) -> String {
    let text = json.text
    return text.count > 40 ? String(text.prefix(40)) + "…" : text
  }
}
