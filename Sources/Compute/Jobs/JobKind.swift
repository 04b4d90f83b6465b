import JSON

/// One kind of compute job (`matmul`, `peak`, …): its parameter schema and its runner. The job
/// service drives every kind the same way (records, queue, events, cancellation, errors); this
/// is the seam where kinds differ. Nothing here knows HTTP.
public protocol JobKind: Sendable {
  /// The name in `POST /jobs/{kind}`.
  var name: String { get }
  /// The parameters the kind takes, as declared (machine-dependent defaults are `nil`).
  var parameters: [JobParameter] { get }
  /// Whether a request must name at least one parameter (matmul: its size); otherwise an empty
  /// body runs every default.
  var requiresBody: Bool { get }
  /// What `GET /jobs/kinds` shows: title, description, parameters with this machine's defaults.
  func info() -> JobKindInfo
  /// Checks decoded parameters (bounds, choices, devices, budgets), fills the defaults, and
  /// returns the job ready for the pool. Throws a ``ComputeError`` naming the field.
  func prepare(_ values: [String: JobValue]) throws(ComputeError) -> PreparedJob
}

extension JobKind {
  public var requiresBody: Bool { false }

  /// Decodes a request body (a JSON object, or `nil` for an empty body: every default) against
  /// ``parameters`` and prepares the job: the one path from bytes to a runnable job.
  public func prepare(json body: JSONValue?) throws(ComputeError) -> PreparedJob {
    try prepare(JobSchema(kind: name, parameters: parameters).decode(body))
  }
}

/// A validated job, ready for the pool.
public struct PreparedJob: Sendable {
  /// The parameters as used (defaults filled): stored with the job and shown by the API.
  public var parameters: JobParameters
  /// The worker-pool lane it runs in (`cpu`, or one per OpenCL device).
  public var lane: String
  /// About how many bytes the job's result file will take (0 when it keeps none).
  public var resultBytes: Int
  /// Runs the job on a pool thread; reports progress in 0…1 and checks the context's token.
  public var run: @Sendable (JobContext, _ progress: @escaping @Sendable (Double) -> Void) throws -> JobOutput

  public init(
    parameters: JobParameters, lane: String, resultBytes: Int = 0,
    run: @escaping @Sendable (JobContext, _ progress: @escaping @Sendable (Double) -> Void) throws -> JobOutput
  ) {
    self.parameters = parameters
    self.lane = lane
    self.resultBytes = resultBytes
    self.run = run
  }
}

/// What a finished job leaves: its result and timings (JSON), and optionally a payload file
/// (the result matrix as `.npy`).
public struct JobOutput: Sendable {
  public var result: JSONValue
  public var timings: JSONValue
  public var payload: [UInt8]?

  public init(result: JSONValue, timings: JSONValue, payload: [UInt8]? = nil) {
    self.result = result
    self.timings = timings
    self.payload = payload
  }
}
