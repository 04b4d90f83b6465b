import JSON
import Content
import Foundation

/// Where a job is in its life. Raw values are the stored and JSON forms.
///
/// `queued → running → succeeded | failed | cancelled`; a queued job may also go straight to
/// `cancelled` (or `failed`/`succeeded`). Finished jobs never change.
public enum JobStatus: String, Sendable, Hashable, Codable, CaseIterable {
  case queued
  case running
  case succeeded
  case failed
  case cancelled

  /// `succeeded`, `failed` or `cancelled`.
  public var isFinished: Bool {
    switch self {
    case .queued, .running: false
    case .succeeded, .failed, .cancelled: true
    }
  }

  /// Whether a job in this status may move to `next`.
  public func canMove(to next: JobStatus) -> Bool {
    switch self {
    case .queued: next != .queued
    case .running: next.isFinished
    case .succeeded, .failed, .cancelled: false
    }
  }
}

/// A stored job. The store knows nothing of job kinds: `spec`, `timings`, `result` and `error` are
/// whatever JSON the compute side records.
///
/// JSON keys: `id`, `kind`, `status`, `spec`, `progress`, `created_at`, `started_at`,
/// `finished_at`, `timings`, `result`, `error`, `idempotency_key`, `request_hash`,
/// `result_payload_bytes`. Times are ISO 8601 UTC strings with milliseconds
/// (`2026-11-24T23:12:00.123Z`) in JSON and Unix milliseconds in the database; absent values are
/// omitted.
public struct JobRecord: Sendable, Hashable, Identifiable {
  /// 1–64 characters from `A-Z a-z 0-9 _ -`; by default 16 random hex digits.
  public var id: String
  public var kind: String
  public var status: JobStatus
  /// The job's parameters as submitted.
  public var spec: JSONValue
  /// 0…1.
  public var progress: Double
  public var createdAt: Date
  public var startedAt: Date?
  public var finishedAt: Date?
  /// Phase durations or other measurements, e.g. `{"compute_ms": 12.5}`.
  public var timings: JSONValue?
  /// A summary of the result (the bulky payload is a file, see ``Store/resultPayloadURL(forJob:)``).
  public var result: JSONValue?
  /// Why the job failed or was cancelled: a problem object (`type`, `title`, `status`, `detail`).
  public var error: JSONValue?
  /// The client's `Idempotency-Key`, unique across jobs.
  public var idempotencyKey: String?
  /// A hash of the request body that created the job, to tell a retry from a different request
  /// reusing the key.
  public var requestHash: String?
  /// The size of the stored result payload, or `nil` when there is none.
  public var resultPayloadBytes: Int?
  /// Where the job ran on a fleet (`--database postgres://…`); `nil` in one process.
  public var placement: JobPlacement?

  public init(
    id: String, kind: String, status: JobStatus, spec: JSONValue, progress: Double = 0,
    createdAt: Date, startedAt: Date? = nil, finishedAt: Date? = nil, timings: JSONValue? = nil,
    result: JSONValue? = nil, error: JSONValue? = nil, idempotencyKey: String? = nil,
    requestHash: String? = nil, resultPayloadBytes: Int? = nil, placement: JobPlacement? = nil
  ) {
    self.id = id
    self.kind = kind
    self.status = status
    self.spec = spec
    self.progress = progress
    self.createdAt = createdAt
    self.startedAt = startedAt
    self.finishedAt = finishedAt
    self.timings = timings
    self.result = result
    self.error = error
    self.idempotencyKey = idempotencyKey
    self.requestHash = requestHash
    self.resultPayloadBytes = resultPayloadBytes
    self.placement = placement
  }

  /// The `error.detail` written by ``Store/recoverAfterRestart(at:)``.
  public static let interruptedByRestart = "interrupted by restart"

  /// A job's `error` in the shape of an RFC 9457 problem detail (a data format; the store
  /// knows nothing else of HTTP), so every failed or cancelled job reads the same way.
  public static func problem(title: String, status: Int, detail: String) -> JSONValue {
    .object([
      "type": .string("about:blank"), "title": .string(title), "status": .int(status), "detail": .string(detail),
    ])
  }
}

extension JobRecord: Codable {
  enum CodingKeys: String, CodingKey {
    case id, kind, status, spec, progress, timings, result, error
    case createdAt = "created_at"
    case startedAt = "started_at"
    case finishedAt = "finished_at"
    case idempotencyKey = "idempotency_key"
    case requestHash = "request_hash"
    case resultPayloadBytes = "result_payload_bytes"
    case placement = "fleet"
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    func date(_ key: CodingKeys) throws -> Date? {
      guard let text = try container.decodeIfPresent(String.self, forKey: key) else { return nil }
      guard let date = Timestamp.parse(text) else {
        throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "not an ISO 8601 time: \(text)")
      }
      return date
    }
    id = try container.decode(String.self, forKey: .id)
    kind = try container.decode(String.self, forKey: .kind)
    status = try container.decode(JobStatus.self, forKey: .status)
    spec = try container.decode(JSONValue.self, forKey: .spec)
    progress = try container.decodeIfPresent(Double.self, forKey: .progress) ?? 0
    guard let created = try date(.createdAt) else {
      throw DecodingError.keyNotFound(CodingKeys.createdAt, .init(codingPath: decoder.codingPath, debugDescription: "created_at"))
    }
    createdAt = created
    startedAt = try date(.startedAt)
    finishedAt = try date(.finishedAt)
    timings = try container.decodeIfPresent(JSONValue.self, forKey: .timings)
    result = try container.decodeIfPresent(JSONValue.self, forKey: .result)
    error = try container.decodeIfPresent(JSONValue.self, forKey: .error)
    idempotencyKey = try container.decodeIfPresent(String.self, forKey: .idempotencyKey)
    requestHash = try container.decodeIfPresent(String.self, forKey: .requestHash)
    resultPayloadBytes = try container.decodeIfPresent(Int.self, forKey: .resultPayloadBytes)
    placement = try container.decodeIfPresent(JobPlacement.self, forKey: .placement)
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(id, forKey: .id)
    try container.encode(kind, forKey: .kind)
    try container.encode(status, forKey: .status)
    try container.encode(spec, forKey: .spec)
    try container.encode(progress, forKey: .progress)
    try container.encode(Timestamp.format(createdAt), forKey: .createdAt)
    try container.encodeIfPresent(startedAt.map(Timestamp.format), forKey: .startedAt)
    try container.encodeIfPresent(finishedAt.map(Timestamp.format), forKey: .finishedAt)
    try container.encodeIfPresent(timings, forKey: .timings)
    try container.encodeIfPresent(result, forKey: .result)
    try container.encodeIfPresent(error, forKey: .error)
    try container.encodeIfPresent(idempotencyKey, forKey: .idempotencyKey)
    try container.encodeIfPresent(requestHash, forKey: .requestHash)
    try container.encodeIfPresent(resultPayloadBytes, forKey: .resultPayloadBytes)
    try container.encodeIfPresent(placement, forKey: .placement)
  }
}

/// Where a fleet job is or was: the worker that holds (or last held) it, the device lane it
/// leases there (`cpu`, `opencl:1`, `cuda:0`), how many times it was claimed, the fan-out group
/// it belongs to, and where it was routed. JSON keys: `worker`, `worker_id`, `host`, `lane`, `device`,
/// `attempts`, `max_attempts`, `group`, `route`.
public struct JobPlacement: Sendable, Hashable, Codable {
  public var worker: String?
  public var workerID: String?
  /// The machine (`--host-id`) whose device it leases.
  public var host: String?
  public var lane: String?
  public var device: String?
  public var attempts: Int
  public var maxAttempts: Int
  public var group: String?
  /// The worker name or labels the job was routed to, as given.
  public var route: String?

  public init(
    worker: String? = nil, workerID: String? = nil, host: String? = nil, lane: String? = nil, device: String? = nil, attempts: Int = 0,
    maxAttempts: Int = 3, group: String? = nil, route: String? = nil
  ) {
    self.worker = worker
    self.workerID = workerID
    self.host = host
    self.lane = lane
    self.device = device
    self.attempts = attempts
    self.maxAttempts = maxAttempts
    self.group = group
    self.route = route
  }

  enum CodingKeys: String, CodingKey {
    case worker, host, lane, device, attempts, group, route
    case workerID = "worker_id"
    case maxAttempts = "max_attempts"
  }
}

/// A job to insert.
public struct NewJob: Sendable, Hashable {
  /// The id; `nil` (the default) draws 16 random hex digits.
  public var id: String?
  public var kind: String
  public var spec: JSONValue
  /// The client's idempotency key, if it sent one. Default: `nil`.
  public var idempotencyKey: String?
  /// A hash of the request body (any string the server chooses). Default: `nil`.
  public var requestHash: String?
  /// Default: now.
  public var createdAt: Date
  /// Large inputs kept apart from the spec (matmul's inline matrices), read back only to run the
  /// job: listings, lookups and progress updates never touch them. Default: `nil`.
  public var inputs: JSONValue?

  public init(
    id: String? = nil, kind: String, spec: JSONValue, idempotencyKey: String? = nil,
    requestHash: String? = nil, createdAt: Date = Date(), inputs: JSONValue? = nil
  ) {
    self.id = id
    self.kind = kind
    self.spec = spec
    self.inputs = inputs
    self.idempotencyKey = idempotencyKey
    self.requestHash = requestHash
    self.createdAt = createdAt
  }
}

/// What ``Store/insertJob(_:)`` did.
public enum JobInsertion: Sendable, Hashable {
  /// A new queued job.
  case inserted(JobRecord)
  /// A job with the same idempotency key and the same request hash already exists: a retry.
  case existing(JobRecord)
  /// A job with the same idempotency key but a different request hash exists: the key was
  /// reused for a different request (the server answers 409/422).
  case conflict(JobRecord)

  /// The job in every case.
  public var job: JobRecord {
    switch self {
    case .inserted(let job), .existing(let job), .conflict(let job): job
    }
  }
}

/// A change to a job; `nil` fields stay as they are.
///
/// Moving to `running` sets `started_at` (unless given); moving to a finished status sets
/// `finished_at` and, for `succeeded`, `progress = 1`.
public struct JobUpdate: Sendable, Hashable {
  public var status: JobStatus?
  public var progress: Double?
  public var startedAt: Date?
  public var finishedAt: Date?
  public var timings: JSONValue?
  public var result: JSONValue?
  public var error: JSONValue?

  public init(
    status: JobStatus? = nil, progress: Double? = nil, startedAt: Date? = nil,
    finishedAt: Date? = nil, timings: JSONValue? = nil, result: JSONValue? = nil,
    error: JSONValue? = nil
  ) {
    self.status = status
    self.progress = progress
    self.startedAt = startedAt
    self.finishedAt = finishedAt
    self.timings = timings
    self.result = result
    self.error = error
  }

  public static func running(at date: Date = Date()) -> JobUpdate {
    JobUpdate(status: .running, startedAt: date)
  }

  public static func progress(_ fraction: Double) -> JobUpdate {
    JobUpdate(progress: fraction)
  }

  public static func succeeded(result: JSONValue?, timings: JSONValue? = nil, at date: Date = Date()) -> JobUpdate {
    JobUpdate(status: .succeeded, progress: 1, finishedAt: date, timings: timings, result: result)
  }

  public static func failed(error: JSONValue, timings: JSONValue? = nil, at date: Date = Date()) -> JobUpdate {
    JobUpdate(status: .failed, finishedAt: date, timings: timings, error: error)
  }

  public static func cancelled(reason: String, at date: Date = Date()) -> JobUpdate {
    JobUpdate(status: .cancelled, finishedAt: date, error: JobRecord.problem(title: "Cancelled", status: 409, detail: reason))
  }
}

/// What ``Store/recoverAfterRestart(at:)`` found.
public struct JobRecovery: Sendable, Hashable {
  /// Jobs that were `running` and are now `failed` with reason "interrupted by restart".
  public var interrupted: [JobRecord]
  /// Jobs still `queued`, oldest first: run them again.
  public var queued: [JobRecord]
}
