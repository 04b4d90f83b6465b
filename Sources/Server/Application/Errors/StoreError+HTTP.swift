import HTTP
import Store

/// How the store's errors reach a client.
extension StoreError: HTTPResponseError {
  public var problem: Problem {
    switch self {
    case .invalidQuery(let message):
      Problem(status: .badRequest, detail: "Invalid FTS5 query (mode=raw): \(message)", extensions: ["field": .string("q")])
    case .timeLimitExceeded:
      Problem(
        status: .serviceUnavailable, detail: "The search took longer than the server's time limit; narrow the query.",
        headers: ["Retry-After": "1"])
    case .jobNotFound(let id):
      Problem(status: .notFound, detail: "No job with id \(id).")
    case .invalidJobID(let id):
      Problem(status: .notFound, detail: "No job with id \(id).")
    case .diskFull(let message):
      Problem(
        status: .insufficientStorage,
        detail: "The server's disk is full (\(message)); no new work is accepted until space is freed.",
        headers: ["Retry-After": "60"])
    case .busy:
      Problem(status: .serviceUnavailable, detail: "The database is busy; try again.", headers: ["Retry-After": "1"])
    default:
      Problem(status: .internalServerError, detail: "The store failed to answer this request.")
    }
  }
}
