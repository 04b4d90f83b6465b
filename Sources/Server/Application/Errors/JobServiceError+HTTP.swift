import HTTP
import JSON

/// How the job service's refusals reach a client.
extension JobServiceError: HTTPResponseError {
  public var problem: Problem {
    switch self {
    case .unknownKind(let name, let known):
      Problem(
        status: .notFound, detail: "No job kind \(name); GET /jobs/kinds lists them.",
        extensions: ["available": .array(known.map(JSONValue.string))])
    case .jobNotFound(let id):
      Problem.notFound("No job with id \(id).")
    case .idempotencyConflict:
      Problem(
        status: .unprocessableContent, detail: "The Idempotency-Key was already used with a different request body.",
        extensions: ["field": .string("Idempotency-Key")])
    case .alreadyFinished(let status):
      Problem(
        status: .conflict, detail: "The job has already finished (\(status)).",
        extensions: ["job_status": .string(status)])
    case .cancelInProgress(let status):
      Problem(
        status: .conflict, detail: "Another request is already cancelling the job (\(status)); GET /jobs/{id} tells when it stops.",
        extensions: ["job_status": .string(status)])
    case .fleetRouting(let field, let why):
      Problem(status: .unprocessableContent, detail: why, extensions: ["field": .string(field)])
    case .noMatchingWorker(let asked, let live):
      Problem(
        status: .unprocessableContent,
        detail: "No live worker matches \(asked); GET /workers lists them (\(live.isEmpty ? "none is live" : live.joined(separator: ", "))).",
        extensions: ["field": .string("fleet"), "available": .array(live.map(JSONValue.string))])
    }
  }
}

extension JobInterruption: HTTPResponseError {
  var problem: Problem {
    Problem(status: .serviceUnavailable, detail: "interrupted by shutdown")
  }
}

/// The stored form of a job's failure: the problem a client would have got for the error.
enum JobFailure {
  static func describe(_ error: any Error) -> JSONValue {
    let problem = (error as? any HTTPResponseError)?.problem
      ?? Problem(status: .internalServerError, detail: "The job failed: \(error)")
    return problem.jsonObject
  }
}
