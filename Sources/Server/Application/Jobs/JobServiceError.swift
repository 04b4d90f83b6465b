/// What the job service refuses, as values the HTTP layer maps to problems in one place
/// (`Errors/JobServiceError+HTTP.swift`). Compute's own refusals stay ``ComputeError``s.
enum JobServiceError: Error, Sendable, Equatable {
  /// No kind of that name; the known ones are listed.
  case unknownKind(String, known: [String])
  /// No job with that id.
  case jobNotFound(String)
  /// The `Idempotency-Key` was used before with another body.
  case idempotencyConflict
  /// A cancel for a job that has already finished, in the status it ended with.
  case alreadyFinished(status: String)
  /// A cancel for a job that another cancel is already stopping, in its current status.
  case cancelInProgress(status: String)
  /// Fleet routing (`fleet`, `worker`, `labels`) on a server without `--database`, or a field of
  /// it that is malformed (the field and why).
  case fleetRouting(field: String, String)
  /// A fan-out that matched no live worker (what was asked, and the workers there are).
  case noMatchingWorker(String, live: [String])
}
