import Foundation
import JSON
import PostgresNIO
import Store

/// A job for the fleet's queue: what ``Store/NewJob`` holds, plus the body a worker prepares it
/// from and where it may run.
public struct NewFleetJob: Sendable {
  public var job: NewJob
  /// The request body as given (inputs included): each worker fills the defaults of its own
  /// device when it claims the job.
  public var request: JSONValue?
  /// Claims before the job fails (a worker that dies mid-job costs one).
  public var maxAttempts: Int
  /// Only this worker (by name or id) may claim it.
  public var routeWorker: String?
  /// Only workers with all these labels may claim it.
  public var routeLabels: [String]
  /// The routing as the client gave it, to show.
  public var route: String?
  /// The fan-out this job belongs to.
  public var group: String?

  public init(
    job: NewJob, request: JSONValue?, maxAttempts: Int, routeWorker: String? = nil, routeLabels: [String] = [],
    route: String? = nil, group: String? = nil
  ) {
    self.job = job
    self.request = request
    self.maxAttempts = maxAttempts
    self.routeWorker = routeWorker
    self.routeLabels = routeLabels
    self.route = route
    self.group = group
  }
}

extension FleetStore {
  /// Inserts a queued job, or finds the job that holds its idempotency key (as
  /// ``Store/insertJob(_:)`` does), and wakes the workers.
  public func insertJob(_ new: NewFleetJob) async throws(FleetStoreError) -> JobInsertion {
    let id = new.job.id ?? Store.makeJobID()
    let spec = Self.jsonText(new.job.spec) ?? "{}"
    let request = Self.jsonText(new.request)
    let key = new.job.idempotencyKey
    let insertion: JobInsertion = try await database("inserting a job") { [self] in
      let rows = try await client.query(
        """
        INSERT INTO hpclab_jobs (id, kind, status, spec, request, max_attempts, idempotency_key, request_hash,
          route_worker, route_labels, route, fleet_group)
        VALUES (\(id), \(new.job.kind), 'queued', \(spec)::jsonb, \(request)::jsonb, \(new.maxAttempts), \(key),
          \(new.job.requestHash), \(new.routeWorker), \(new.routeLabels), \(new.route), \(new.group))
        ON CONFLICT (idempotency_key) DO NOTHING
        RETURNING hpclab_job_json(hpclab_jobs)
        """, logger: logger)
      for try await text in rows.decode(String.self) { return .inserted(try Self.decodeJob(text)) }
      guard let key, let existing = try await job(idempotencyKey: key) else {
        throw FleetStoreError.database("the insert of job \(id) returned nothing")
      }
      return existing.requestHash == new.job.requestHash ? .existing(existing) : .conflict(existing)
    }
    if case .inserted = insertion { await notify(FleetNotification(.queued, id: id)) }
    return insertion
  }

  /// The job with this id, or `nil`.
  public func job(id: String) async throws(FleetStoreError) -> JobRecord? {
    try await jobs(where: "id = \(id)").first
  }

  /// The job created with this idempotency key, or `nil`.
  public func job(idempotencyKey key: String) async throws(FleetStoreError) -> JobRecord? {
    try await jobs(where: "idempotency_key = \(key)").first
  }

  /// The most recent jobs, newest first, optionally only those in `status` or in a fan-out `group`;
  /// `limit` is clamped to 1…1000.
  public func jobs(status: JobStatus? = nil, group: String? = nil, limit: Int = 50) async throws(FleetStoreError)
    -> [JobRecord]
  {
    let limit = min(max(limit, 1), 1000)
    return try await jobs(
      where: """
        (\(status?.rawValue)::text IS NULL OR status = \(status?.rawValue))
        AND (\(group)::text IS NULL OR fleet_group = \(group))
        ORDER BY created_at DESC, seq DESC LIMIT \(limit)
        """)
  }

  private func jobs(where condition: PostgresQuery) async throws(FleetStoreError) -> [JobRecord] {
    var query = PostgresQuery(unsafeSQL: "SELECT hpclab_job_json(j) FROM hpclab_jobs j WHERE " + condition.sql)
    query.binds = condition.binds
    let finalQuery = query
    return try await database("reading jobs") { [self] in
      var records: [JobRecord] = []
      for try await text in try await client.query(finalQuery, logger: logger).decode(String.self) {
        records.append(try Self.decodeJob(text))
      }
      return records
    }
  }

  /// How many jobs are in each status.
  public func jobCounts() async throws(FleetStoreError) -> [JobStatus: Int] {
    try await database("counting jobs") { [self] in
      var counts: [JobStatus: Int] = [:]
      let rows = try await client.query("SELECT status, count(*) FROM hpclab_jobs GROUP BY status", logger: logger)
      for try await (status, count) in rows.decode((String, Int64).self) {
        if let status = JobStatus(rawValue: status) { counts[status] = Int(count) }
      }
      return counts
    }
  }

  /// The body a job was submitted with (inputs included), or `nil`.
  public func jobRequest(id: String) async throws(FleetStoreError) -> JSONValue? {
    let text: String? = try await database("reading a job's request") { [self] in
      for try await text in try await client.query(
        "SELECT request::text FROM hpclab_jobs WHERE id = \(id)", logger: logger
      ).decode(String?.self) { return text }
      return nil
    }
    return try text.map { text throws(FleetStoreError) in try Self.parseJSON(text) }
  }

  /// The job's result payload (matmul's `.npy`), or `nil` when it has none.
  public func resultPayload(id: String) async throws(FleetStoreError) -> [UInt8]? {
    try await database("reading a result") { [self] in
      for try await buffer in try await client.query(
        "SELECT result_payload FROM hpclab_jobs WHERE id = \(id)", logger: logger
      ).decode(ByteBuffer?.self) {
        return buffer.map { Array($0.readableBytesView) }
      }
      return nil
    }
  }

  /// Cancels the job if it is still queued (it never runs), or asks its worker to stop it if it is
  /// running (``FleetNotification/Kind/cancel``; the worker records the end). Returns the job as it
  /// is now.
  public func cancel(id: String, reason: String) async throws(FleetStoreError) -> JobRecord? {
    let error = Self.jsonText(JobRecord.problem(title: "Cancelled", status: 409, detail: reason)) ?? "{}"
    let (cancelled, running): (JobRecord?, Bool) = try await database("cancelling a job") { [self] in
      let rows = try await client.query(
        """
        UPDATE hpclab_jobs SET status = 'cancelled', finished_at = now(), error = \(error)::jsonb, cancel_requested = true
        WHERE id = \(id) AND status = 'queued' RETURNING hpclab_job_json(hpclab_jobs)
        """, logger: logger)
      for try await text in rows.decode(String.self) { return (try Self.decodeJob(text), false) }
      let flagged = try await client.query(
        "UPDATE hpclab_jobs SET cancel_requested = true WHERE id = \(id) AND status = 'running' RETURNING id",
        logger: logger)
      for try await _ in flagged.decode(String.self) { return (nil, true) }
      return (nil, false)
    }
    if let cancelled {
      await notify(FleetNotification(.status, id: cancelled.id))
      return cancelled
    }
    if running { await notify(FleetNotification(.cancel, id: id)) }
    return try await job(id: id)
  }

  /// Stores a succeeded job's run record (made by the worker that ran it, which knows the
  /// hardware) and tells the servers, which keep a copy among their records.
  public func saveRecord(id: String, record: JSONValue) async {
    do {
      try await database("storing a run record") { [self] in
        try await client.query(
          "UPDATE hpclab_jobs SET record = \(Self.jsonText(record))::jsonb WHERE id = \(id) AND status = 'succeeded'",
          logger: logger)
      }
      await notify(FleetNotification(.record, id: id))
    } catch {
      logger.warning("could not store the run record of \(id): \(error)")
    }
  }

  /// A fleet run record as a server copies it.
  public struct StoredRecord: Sendable {
    public var id: String
    public var kind: String
    public var finishedAt: Date
    public var record: JSONValue
  }

  /// The run records of jobs that finished after `since` (or the one of job `id`), oldest first,
  /// at most `limit`.
  public func records(id: String? = nil, since: Date? = nil, limit: Int = 1000) async throws(FleetStoreError)
    -> [StoredRecord]
  {
    let seconds = since.map { Date().timeIntervalSince($0) }
    let rows: [(String, String, String, String)] = try await database("reading run records") { [self] in
      let rows = try await client.query(
        """
        SELECT id, kind, hpclab_ts(finished_at), record::text FROM hpclab_jobs
        WHERE record IS NOT NULL AND (\(id)::text IS NULL OR id = \(id))
          AND (\(seconds)::float8 IS NULL OR finished_at > now() - make_interval(secs => \(seconds)))
        ORDER BY finished_at, seq LIMIT \(limit)
        """, logger: logger)
      var found: [(String, String, String, String)] = []
      for try await row in rows.decode((String, String, String, String).self) { found.append(row) }
      return found
    }
    return try rows.map { row throws(FleetStoreError) in
      StoredRecord(
        id: row.0, kind: row.1, finishedAt: Timestamp.parse(row.2) ?? Date(), record: try Self.parseJSON(row.3))
    }
  }

  /// Deletes finished jobs that finished before `cutoff`, and all but the `keepingAtMost` most
  /// recent finished ones; forgets workers not heard from for a day. Returns the jobs deleted.
  @discardableResult
  public func prune(olderThan cutoff: Date, keepingAtMost keep: Int) async throws(FleetStoreError) -> Int {
    let seconds = Date().timeIntervalSince(cutoff)
    return try await database("pruning jobs") { [self] in
      let rows = try await client.query(
        """
        WITH finished AS (
          SELECT id, finished_at, row_number() OVER (ORDER BY finished_at DESC, seq DESC) AS rank
          FROM hpclab_jobs WHERE status IN ('succeeded', 'failed', 'cancelled'))
        DELETE FROM hpclab_jobs WHERE id IN (
          SELECT id FROM finished WHERE finished_at < now() - make_interval(secs => \(seconds)) OR rank > \(keep))
        RETURNING id
        """, logger: logger)
      var count = 0
      for try await _ in rows.decode(String.self) { count += 1 }
      try await client.query(
        "DELETE FROM hpclab_workers WHERE heartbeat_at < now() - interval '1 day'", logger: logger)
      return count
    }
  }
}
