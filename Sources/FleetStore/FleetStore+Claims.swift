import Foundation
import JSON
import PostgresNIO
import Store

/// A worker as it claims: who it is, what it may be routed by, and which of its lanes are busy.
public struct FleetClaimant: Sendable {
  public var workerID: String
  public var name: String
  /// The machine whose devices it runs on (`--host-id`): workers of one machine share its devices.
  public var host: String
  public var labels: [String]
  public var busyLanes: Set<String>
  /// Jobs it will not look at again for now (it could not run them here).
  public var skipping: [String]
  public var leaseSeconds: Double

  public init(
    workerID: String, name: String, host: String, labels: [String], busyLanes: Set<String>, skipping: [String],
    leaseSeconds: Double
  ) {
    self.workerID = workerID
    self.name = name
    self.host = host
    self.labels = labels
    self.busyLanes = busyLanes
    self.skipping = skipping
    self.leaseSeconds = leaseSeconds
  }
}

/// What a worker decides about a queued job it looked at, with the row locked.
public enum FleetClaimDecision: Sendable {
  /// Run it on `lane` (free on this worker), with `spec` the parameters as this device fills them.
  case take(lane: String, device: String, spec: JSONValue)
  /// This worker cannot run it (no such backend or device here): leave it for another.
  case skip
  /// It can run nowhere as asked (an invalid value): fail it with this problem.
  case fail(error: JSONValue)
}

/// A job a worker now holds: the record, the body to prepare it from, and the attempt its lease is for.
public struct FleetClaim: Sendable {
  public var job: JobRecord
  public var request: JSONValue?
  public var attempt: Int
  public var lane: String
}

/// What a claim round found.
public struct FleetClaimRound: Sendable {
  public var claimed: FleetClaim?
  /// Jobs the worker said it cannot run, to skip for a while.
  public var skipped: [String]
  /// Jobs it failed as invalid.
  public var failed: [String]
}

extension FleetStore {
  /// Looks at up to `batch` queued jobs this worker may run (routing by worker name or id and by
  /// labels), oldest first, each row locked with `FOR UPDATE SKIP LOCKED` so no two workers see
  /// the same one, and claims the first that `decide` takes: `running`, on its lane, with a lease
  /// of `leaseSeconds` from the database's clock, `attempts + 1`, and a row in `hpclab_job_runs`.
  /// One transaction.
  public func claim(
    _ claimant: FleetClaimant, batch: Int = 8,
    decide: @escaping @Sendable (_ id: String, _ kind: String, _ request: JSONValue?) -> FleetClaimDecision
  ) async throws(FleetStoreError) -> FleetClaimRound {
    let round: FleetClaimRound = try await database("claiming a job") { [self] in
      try await client.withTransaction(logger: logger) { connection in
        let rows = try await connection.query(
          """
          SELECT id, kind, request::text FROM hpclab_jobs
          WHERE status = 'queued'
            AND (route_worker IS NULL OR route_worker = \(claimant.name) OR route_worker = \(claimant.workerID))
            AND route_labels <@ \(claimant.labels)::text[]
            AND NOT (id = ANY(\(claimant.skipping)::text[]))
          ORDER BY created_at, seq LIMIT \(batch) FOR UPDATE SKIP LOCKED
          """, logger: logger)
        var candidates: [(String, String, String?)] = []
        for try await row in rows.decode((String, String, String?).self) { candidates.append(row) }
        var skipped: [String] = []
        var failed: [String] = []
        for (id, kind, requestText) in candidates {
          let request = try requestText.map { text throws(FleetStoreError) in try Self.parseJSON(text) }
          switch decide(id, kind, request) {
          case .skip:
            skipped.append(id)
          case .fail(let error):
            try await connection.query(
              """
              UPDATE hpclab_jobs SET status = 'failed', finished_at = now(), error = \(Self.jsonText(error))::jsonb
              WHERE id = \(id)
              """, logger: logger)
            failed.append(id)
          case .take(let lane, _, _) where claimant.busyLanes.contains(lane):
            continue  // its device is busy here; another worker, or this one later
          case .take(let lane, let device, let spec):
            // Another worker of this machine may hold the device: take turns on it, then look.
            try await connection.query(
              "SELECT pg_advisory_xact_lock(hashtext(\(claimant.host + "/" + lane)))", logger: logger)
            let holders = try await connection.query(
              """
              SELECT id FROM hpclab_jobs WHERE status = 'running' AND device_host = \(claimant.host) AND lane = \(lane)
              """, logger: logger)
            var deviceBusy = false
            for try await _ in holders.decode(String.self) { deviceBusy = true }
            if deviceBusy { continue }
            let updated = try await connection.query(
              """
              UPDATE hpclab_jobs SET status = 'running', worker_id = \(claimant.workerID), worker_name = \(claimant.name),
                device_host = \(claimant.host), lane = \(lane), device = \(device), spec = \(Self.jsonText(spec))::jsonb, attempts = attempts + 1,
                started_at = now(), progress = 0,
                lease_expires_at = now() + make_interval(secs => \(claimant.leaseSeconds))
              WHERE id = \(id) RETURNING hpclab_job_json(hpclab_jobs), attempts
              """, logger: logger)
            for try await (text, attempt) in updated.decode((String, Int32).self) {
              try await connection.query(
                """
                INSERT INTO hpclab_job_runs (job_id, attempt, worker_id, worker_name, lane)
                VALUES (\(id), \(Int(attempt)), \(claimant.workerID), \(claimant.name), \(lane))
                """, logger: logger)
              let claim = FleetClaim(job: try Self.decodeJob(text), request: request, attempt: Int(attempt), lane: lane)
              return FleetClaimRound(claimed: claim, skipped: skipped, failed: failed)
            }
          }
        }
        return FleetClaimRound(claimed: nil, skipped: skipped, failed: failed)
      }
    }
    for id in round.failed { await notify(FleetNotification(.status, id: id)) }
    if let claimed = round.claimed { await notify(FleetNotification(.status, id: claimed.job.id)) }
    return round
  }

  /// Records the end of a job this worker holds (attempt `attempt`): its status, result, timings,
  /// error and payload, and the run's outcome. Returns `nil` when the worker no longer holds it
  /// (its lease expired and the job was reaped or claimed again): the outcome is then dropped, so
  /// a job never has two results.
  public func finish(
    id: String, workerID: String, attempt: Int, update: JobUpdate, payload: [UInt8]?
  ) async throws(FleetStoreError) -> JobRecord? {
    let status = update.status?.rawValue ?? "failed"
    let bytes = payload.map { ByteBuffer(bytes: $0) }
    let record: JobRecord? = try await database("recording the end of a job") { [self] in
      try await client.withTransaction(logger: logger) { connection in
        let rows = try await connection.query(
          """
          UPDATE hpclab_jobs SET status = \(status), finished_at = now(),
            progress = CASE WHEN \(status) = 'succeeded' THEN 1 ELSE progress END,
            timings = \(Self.jsonText(update.timings))::jsonb, result = \(Self.jsonText(update.result))::jsonb,
            error = \(Self.jsonText(update.error))::jsonb, result_payload = \(bytes), lease_expires_at = NULL
          WHERE id = \(id) AND worker_id = \(workerID) AND attempts = \(attempt) AND status = 'running'
          RETURNING hpclab_job_json(hpclab_jobs)
          """, logger: logger)
        var record: JobRecord? = nil
        for try await text in rows.decode(String.self) { record = try Self.decodeJob(text) }
        try await connection.query(
          """
          UPDATE hpclab_job_runs SET ended_at = now(), outcome = \(record == nil ? "lease_lost" : status)
          WHERE job_id = \(id) AND attempt = \(attempt)
          """, logger: logger)
        return record
      }
    }
    if record != nil { await notify(FleetNotification(.status, id: id)) }
    return record
  }

  /// Records a running job's progress (when this worker still holds it) and tells the listeners.
  public func updateProgress(id: String, workerID: String, attempt: Int, _ fraction: Double) async {
    let value = min(max(fraction, 0), 1)
    do {
      try await client.query(
        """
        UPDATE hpclab_jobs SET progress = \(value)
        WHERE id = \(id) AND worker_id = \(workerID) AND attempts = \(attempt) AND status = 'running'
        """, logger: logger)
    } catch {
      logger.warning("could not record the progress of \(id): \(Self.describe(error))")
    }
    await notify(FleetNotification(.progress, id: id, progress: (value * 1000).rounded() / 1000))
  }

  /// Renews the worker's heartbeat and the leases of the jobs it holds. Returns, of `holding`,
  /// those whose cancel was asked and those it no longer holds (reaped after a missed lease):
  /// the worker stops both.
  public func heartbeat(
    workerID: String, state: String, holding: [(id: String, attempt: Int)], leaseSeconds: Double
  ) async throws(FleetStoreError) -> (cancel: [String], lost: [String]) {
    try await database("renewing leases") { [self] in
      try await client.query(
        "UPDATE hpclab_workers SET heartbeat_at = now(), state = \(state) WHERE id = \(workerID)", logger: logger)
      guard !holding.isEmpty else { return ([], []) }
      let rows = try await client.query(
        """
        UPDATE hpclab_jobs SET lease_expires_at = now() + make_interval(secs => \(leaseSeconds))
        WHERE worker_id = \(workerID) AND status = 'running' AND id = ANY(\(holding.map(\.id))::text[])
        RETURNING id, attempts, cancel_requested
        """, logger: logger)
      var held: [String: Int] = [:]
      var cancel: [String] = []
      for try await (id, attempt, cancelRequested) in rows.decode((String, Int32, Bool).self) {
        held[id] = Int(attempt)
        if cancelRequested { cancel.append(id) }
      }
      let lost = holding.filter { held[$0.id] != $0.attempt }.map(\.id)
      return (cancel, lost)
    }
  }

  /// Takes back every job whose lease has expired (its worker died, hung or lost the database):
  /// queued again for another worker, or failed once it has been claimed `max_attempts` times, or
  /// cancelled when a cancel was asked. Any process may call it; rows are locked with `SKIP LOCKED`
  /// so two reapers never take the same job. Returns the ids with their new status.
  @discardableResult
  public func reapExpiredLeases() async throws(FleetStoreError) -> [(id: String, status: String)] {
    let reaped: [(id: String, status: String)] = try await database("reaping expired leases") { [self] in
      try await client.withTransaction(logger: logger) { connection in
        let rows = try await connection.query(
          """
          WITH expired AS (
            SELECT id, attempts FROM hpclab_jobs
            WHERE status = 'running' AND lease_expires_at < now() FOR UPDATE SKIP LOCKED),
          runs AS (
            UPDATE hpclab_job_runs r SET ended_at = now(), outcome = 'lease_expired'
            FROM expired e WHERE r.job_id = e.id AND r.attempt = e.attempts AND r.ended_at IS NULL)
          UPDATE hpclab_jobs j SET
            status = CASE WHEN j.cancel_requested THEN 'cancelled'
                          WHEN j.attempts >= j.max_attempts THEN 'failed' ELSE 'queued' END,
            finished_at = CASE WHEN j.cancel_requested OR j.attempts >= j.max_attempts THEN now() END,
            error = CASE
              WHEN j.cancel_requested THEN jsonb_build_object('type', 'about:blank', 'title', 'Cancelled', 'status', 409,
                'detail', 'the job was cancelled; its worker stopped answering before it could say so')
              WHEN j.attempts >= j.max_attempts THEN jsonb_build_object('type', 'about:blank',
                'title', 'Service Unavailable', 'status', 503,
                'detail', 'its worker stopped renewing its lease on each of ' || j.attempts || ' attempts (last: '
                  || coalesce(j.worker_name, '?') || ' on ' || coalesce(j.lane, '?') || ')')
              END,
            worker_id = CASE WHEN j.cancel_requested OR j.attempts >= j.max_attempts THEN j.worker_id END,
            lane = CASE WHEN j.cancel_requested OR j.attempts >= j.max_attempts THEN j.lane END,
            device_host = CASE WHEN j.cancel_requested OR j.attempts >= j.max_attempts THEN j.device_host END,
            started_at = CASE WHEN j.cancel_requested OR j.attempts >= j.max_attempts THEN j.started_at END,
            progress = CASE WHEN j.cancel_requested OR j.attempts >= j.max_attempts THEN j.progress ELSE 0 END,
            lease_expires_at = NULL
          FROM expired e WHERE j.id = e.id
          RETURNING j.id, j.status
          """, logger: logger)
        var reaped: [(id: String, status: String)] = []
        for try await (id, status) in rows.decode((String, String).self) { reaped.append((id, status)) }
        return reaped
      }
    }
    for job in reaped {
      logger.warning("job \(job.id): its worker's lease expired; now \(job.status)")
      await notify(FleetNotification(job.status == "queued" ? .queued : .status, id: job.id))
      if job.status == "queued" { await notify(FleetNotification(.status, id: job.id)) }
    }
    return reaped
  }

  /// Gives back jobs a stopping worker still holds: queued again at once, without waiting for
  /// their leases to run out.
  public func release(workerID: String, jobs ids: [String]) async {
    guard !ids.isEmpty else { return }
    do {
      try await client.query(
        """
        UPDATE hpclab_jobs SET status = 'queued', worker_id = NULL, device_host = NULL, lane = NULL, started_at = NULL,
          progress = 0, lease_expires_at = NULL
        WHERE worker_id = \(workerID) AND status = 'running' AND id = ANY(\(ids)::text[])
        """, logger: logger)
      try await client.query(
        """
        UPDATE hpclab_job_runs SET ended_at = now(), outcome = 'released'
        WHERE worker_id = \(workerID) AND job_id = ANY(\(ids)::text[]) AND ended_at IS NULL
        """, logger: logger)
      for id in ids { await notify(FleetNotification(.queued, id: id)) }
    } catch {
      logger.warning("could not give back \(ids.count) jobs; their leases will expire: \(Self.describe(error))")
    }
  }
}
