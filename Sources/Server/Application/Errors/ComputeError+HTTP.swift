import JSON
import Compute
import HTTP

/// How compute errors reach a client: a client's mistake is 4xx naming the
/// field; a full queue 429; a device failure 500 (with the build log when there is one).
extension ComputeError: HTTPResponseError {
  public var problem: Problem {
    var extensions: [String: JSONValue] = ["code": .string(code.rawValue)]
    if let field { extensions["field"] = .string(field) }
    if let limit { extensions["limit"] = .number(Double(limit)) }
    if let available { extensions["available"] = .array(available.map(JSONValue.string)) }
    if let buildLog { extensions["build_log"] = .string(buildLog) }
    var headers: HTTPHeaders = [:]
    let status: HTTPStatus
    switch code {
    case .invalidDimension, .dimensionTooLarge, .invalidRepeats, .unknownDType, .unknownBackend, .unknownKernel,
      .unknownDevice, .fp64Unsupported, .raggedMatrix, .shapeMismatch, .invalidValue, .missingInput,
      .memoryBudgetExceeded, .backendUnavailable, .invalidArgument, .singularMatrix, .malformedNPY:
      status = .unprocessableContent
    case .queueFull:
      status = .tooManyRequests
      headers.add("Retry-After", "5")
    case .duplicateJob: status = .conflict
    case .shuttingDown:
      status = .serviceUnavailable
      headers.add("Retry-After", "10")
    case .cancelled, .timedOut: status = .conflict
    case .deviceFailure: status = .internalServerError
    }
    return Problem(
      status: status, detail: message, type: "about:blank", extensions: extensions, headers: headers)
  }
}
