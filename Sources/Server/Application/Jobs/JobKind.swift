import Compute
import Content
import Foundation
import HTTP

/// One kind of compute job (`matmul`, and the experiments): how a request
/// becomes a validated spec, which lane it runs in, and how it runs. The
/// job service drives every kind the same way (records, queue, events,
/// cancellation, errors); this is the seam where kinds differ.
protocol JobKind: Sendable {
  /// The name in `POST /jobs/{name}`.
  var name: String { get }
  /// What `GET /jobs/kinds` shows: title, description, parameters with defaults and limits.
  var description: HTTP.JSONValue { get }
  /// Parses and validates a request; throws 4xx problems naming the field.
  func prepare(_ request: HTTPRequest) throws -> PreparedJob
  /// Rebuilds a job from its stored spec (to run it again after a restart).
  func prepare(stored spec: BodyValue) throws -> PreparedJob
}

/// A validated job, ready for the pool.
struct PreparedJob: Sendable {
  /// The spec as stored with the job (and shown by the API).
  var spec: BodyValue
  var lane: String
  /// Runs the job on a pool thread, checking the token between pieces.
  var run: @Sendable (JobContext, _ progress: @escaping @Sendable (Double) -> Void) throws -> JobOutput
}

/// What a finished job leaves: its result and timings (JSON), and optionally a payload file.
struct JobOutput: Sendable {
  var result: BodyValue
  var timings: BodyValue
  var payload: Data?
}
