import JSON
import Content
import Foundation
import GRDB

/// Jobs persistence: generic records of compute work, with their result payloads stored as files
/// `<dataDirectory>/results/<id>.<resultFileExtension>` (written to a temporary file and renamed,
/// so a reader never sees half a payload). Writes go through the pool's single writer; reads use
/// the readers with the query time limit.
extension Store {
  static let jobColumns = """
    id, kind, status, spec, progress, created_at, started_at, finished_at, timings, result, error,
    idempotency_key, request_hash, result_payload_bytes
    """

  /// 16 random lower-case hex digits.
  public static func makeJobID() -> String {
    let value = UInt64.random(in: .min ... .max)
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
  }

  /// Inserts a `queued` job, or returns the job that already holds its idempotency key
  /// (``JobInsertion/existing(_:)`` when the request hashes match, ``JobInsertion/conflict(_:)``
  /// when they differ). The check and the insert are one transaction.
  public func insertJob(_ job: NewJob) throws(StoreError) -> JobInsertion {
    let id = job.id ?? Self.makeJobID()
    try Self.validate(jobID: id)
    let record = JobRecord(
      id: id, kind: job.kind, status: .queued, spec: job.spec,
      createdAt: Timestamp.date(milliseconds: Timestamp.milliseconds(job.createdAt)),
      idempotencyKey: job.idempotencyKey, requestHash: job.requestHash)
    return try mappingErrors {
      try pool.write { db in
        if let key = job.idempotencyKey, let existing = try Self.fetchJob(db, where: "idempotency_key = ?", [key]) {
          return existing.requestHash == job.requestHash ? .existing(existing) : .conflict(existing)
        }
        try db.execute(
          sql: "INSERT INTO jobs (\(Self.jobColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          arguments: Self.arguments(for: record))
        if let inputs = job.inputs {
          try db.execute(
            sql: "INSERT INTO job_inputs (job_id, inputs) VALUES (?, ?)",
            arguments: [id, String(decoding: inputs.encoded(), as: UTF8.self)])
        }
        return .inserted(record)
      }
    }
  }

  /// Removes a job that never ran (the server could not queue it) and any result file.
  /// Returns whether a row was deleted.
  @discardableResult
  public func deleteJob(id: String) throws(StoreError) -> Bool {
    let deleted = try mappingErrors {
      try pool.write { db in
        try db.execute(sql: "DELETE FROM jobs WHERE id = ?", arguments: [id])
        return db.changesCount > 0
      }
    }
    if let url = resultPayloadURL(forJob: id) { try? FileManager.default.removeItem(at: url) }
    return deleted
  }

  /// The job with this id, or `nil`.
  public func job(id: String) throws(StoreError) -> JobRecord? {
    try limitedRead { db in try Self.fetchJob(db, where: "id = ?", [id]) }
  }

  /// The job created with this idempotency key, or `nil`.
  public func job(idempotencyKey: String) throws(StoreError) -> JobRecord? {
    try limitedRead { db in try Self.fetchJob(db, where: "idempotency_key = ?", [idempotencyKey]) }
  }

  /// The most recently created jobs, newest first, optionally only those in `status`.
  /// `limit` is clamped to 1…1000. Default: 50.
  public func jobs(status: JobStatus? = nil, limit: Int = 50) throws(StoreError) -> [JobRecord] {
    let limit = min(max(limit, 1), 1000)
    return try limitedRead { db in
      if let status {
        return try Self.fetchJobs(
          db, sql: "WHERE status = ? ORDER BY created_at DESC, rowid DESC LIMIT ?", [status.rawValue, limit])
      }
      return try Self.fetchJobs(db, sql: "ORDER BY created_at DESC, rowid DESC LIMIT ?", [limit])
    }
  }

  /// The number of jobs in each status (statuses with none are absent).
  public func jobCounts() throws(StoreError) -> [JobStatus: Int] {
    try limitedRead { db in
      var counts: [JobStatus: Int] = [:]
      for row in try Row.fetchAll(db, sql: "SELECT status, count(*) FROM jobs GROUP BY status") {
        if let status = JobStatus(rawValue: row[0]) { counts[status] = row[1] }
      }
      return counts
    }
  }

  /// How many jobs of each kind are in each status (for metrics).
  public func jobCountsByKind() throws(StoreError) -> [String: [JobStatus: Int]] {
    try limitedRead { db in
      var counts: [String: [JobStatus: Int]] = [:]
      for row in try Row.fetchAll(db, sql: "SELECT kind, status, count(*) FROM jobs GROUP BY kind, status") {
        if let status = JobStatus(rawValue: row[1]) { counts[row[0] as String, default: [:]][status] = row[2] }
      }
      return counts
    }
  }

  /// Applies `update` to the job and returns it as stored. When `payload` is given it is first
  /// written to the job's result file (atomically) and its size recorded; if the update then
  /// fails, the file is removed again.
  ///
  /// - Throws: ``StoreError/jobNotFound(_:)``; ``StoreError/invalidTransition(id:from:to:)`` for a
  ///   status change ``JobStatus/canMove(to:)`` refuses and for *any* change to a finished job
  ///   (so a worker that finishes after a cancel learns it lost the race).
  @discardableResult
  public func updateJob(id: String, _ update: JobUpdate, payload: Data? = nil) throws(StoreError) -> JobRecord {
    try Self.validate(jobID: id)
    var payloadURL: URL? = nil
    if let payload {
      let url = resultURL(forJob: id)
      do {
        try payload.write(to: url, options: .atomic)
      } catch {
        try? FileManager.default.removeItem(at: url)
        throw StoreError.writing(url.path, error)
      }
      payloadURL = url
    }
    do {
      return try pool.write { db in
        guard var job = try Self.fetchJob(db, where: "id = ?", [id]) else { throw StoreError.jobNotFound(id) }
        let next = update.status ?? job.status
        if job.status.isFinished || (next != job.status && !job.status.canMove(to: next)) {
          throw StoreError.invalidTransition(id: id, from: job.status, to: next)
        }
        if next != job.status {
          job.status = next
          if next == .running { job.startedAt = update.startedAt ?? Date() }
          if next.isFinished { job.finishedAt = update.finishedAt ?? Date() }
          if next == .succeeded { job.progress = 1 }
        }
        if let startedAt = update.startedAt { job.startedAt = startedAt }
        if let finishedAt = update.finishedAt { job.finishedAt = finishedAt }
        if let progress = update.progress, progress.isFinite { job.progress = min(max(progress, 0), 1) }
        if let timings = update.timings { job.timings = timings }
        if let result = update.result { job.result = result }
        if let error = update.error { job.error = error }
        if let payload { job.resultPayloadBytes = payload.count }
        job = Self.roundedToMilliseconds(job)
        try db.execute(
          sql: """
            UPDATE jobs SET status = ?, progress = ?, started_at = ?, finished_at = ?, timings = ?,
              result = ?, error = ?, result_payload_bytes = ?
            WHERE id = ?
            """,
          arguments: [
            job.status.rawValue, job.progress, job.startedAt.map(Timestamp.milliseconds),
            job.finishedAt.map(Timestamp.milliseconds), try Self.json(job.timings),
            try Self.json(job.result), try Self.json(job.error), job.resultPayloadBytes, id,
          ])
        return job
      }
    } catch {
      if let payloadURL { try? FileManager.default.removeItem(at: payloadURL) }
      throw StoreError(error)
    }
  }

  /// Call once at startup, before workers run: every `running` job (its process died) becomes
  /// `failed` with a problem whose `detail` is "interrupted by restart", and the `queued` jobs are
  /// returned oldest first, to be run again. One transaction.
  public func recoverAfterRestart(at date: Date = Date()) throws(StoreError) -> JobRecovery {
    let errorJSON = #"{"detail":"\#(JobRecord.interruptedByRestart)","status":503,"title":"Service Unavailable","type":"about:blank"}"#
    return try mappingErrors {
      try pool.write { db in
        let running = try Self.fetchJobs(db, sql: "WHERE status = 'running' ORDER BY created_at, rowid", [])
        try db.execute(
          sql: "UPDATE jobs SET status = 'failed', finished_at = ?, error = ? WHERE status = 'running'",
          arguments: [Timestamp.milliseconds(date), errorJSON])
        let interrupted = try running.map { job in
          try Self.fetchJob(db, where: "id = ?", [job.id]) ?? job
        }
        let queued = try Self.fetchJobs(db, sql: "WHERE status = 'queued' ORDER BY created_at, rowid", [])
        return JobRecovery(interrupted: interrupted, queued: queued)
      }
    }
  }

  /// Deletes finished jobs (`succeeded`, `failed`, `cancelled`) that finished before `cutoff`,
  /// and beyond that all but the `keepingAtMost` most recently finished ones, with their result
  /// files. Also removes files in `results/` older than `cutoff` that no remaining job owns
  /// (left by a crash between writing a payload and recording it). Queued and running jobs are
  /// never touched. Returns the number of jobs deleted.
  @discardableResult
  public func pruneJobs(olderThan cutoff: Date, keepingAtMost: Int) throws(StoreError) -> Int {
    let keep = max(0, keepingAtMost)
    let (deleted, remaining): ([String], Set<String>) = try mappingErrors {
      try pool.write { db in
        let finished = "status IN ('succeeded', 'failed', 'cancelled')"
        var ids = Set(try String.fetchAll(
          db, sql: "SELECT id FROM jobs WHERE \(finished) AND finished_at < ?",
          arguments: [Timestamp.milliseconds(cutoff)]))
        ids.formUnion(try String.fetchAll(
          db, sql: "SELECT id FROM jobs WHERE \(finished) ORDER BY finished_at DESC, rowid DESC LIMIT -1 OFFSET ?",
          arguments: [keep]))
        let list = ids.sorted()
        if !list.isEmpty {
          let json = String(decoding: try JSONEncoder().encode(list), as: UTF8.self)
          try db.execute(sql: "DELETE FROM jobs WHERE id IN (SELECT value FROM json_each(?))", arguments: [json])
        }
        let owners = Set(try String.fetchAll(db, sql: "SELECT id FROM jobs WHERE result_payload_bytes IS NOT NULL"))
        return (list, owners)
      }
    }
    let fileManager = FileManager.default
    for id in deleted { try? fileManager.removeItem(at: resultURL(forJob: id)) }
    let directory = configuration.resultsDirectory
    for name in (try? fileManager.contentsOfDirectory(atPath: directory.path)) ?? [] {
      let url = directory.appendingPathComponent(name)
      let owner = url.deletingPathExtension().lastPathComponent
      guard !remaining.contains(owner) || url.pathExtension != configuration.resultFileExtension else { continue }
      let modified = (try? fileManager.attributesOfItem(atPath: url.path)[.modificationDate] as? Date) ?? Date()
      if modified < cutoff { try? fileManager.removeItem(at: url) }
    }
    return deleted.count
  }

  /// The inputs kept apart from a job's spec (see ``NewJob/inputs``), or `nil`.
  public func jobInputs(id: String) throws(StoreError) -> JSONValue? {
    let text = try mappingErrors {
      try pool.read { db in try String.fetchOne(db, sql: "SELECT inputs FROM job_inputs WHERE job_id = ?", arguments: [id]) }
    }
    guard let text else { return nil }
    do {
      return try JSONValue(parsing: Array(text.utf8), maxDepth: 16)
    } catch {
      throw .database(code: 1, message: "the stored inputs of job \(id) are not JSON: \(error)")
    }
  }

  /// Records a running job's progress, and nothing else: one small `UPDATE`, without reading or
  /// rewriting the job's spec, result or timings. A job that is no longer running is left alone.
  public func updateProgress(id: String, _ fraction: Double) throws(StoreError) {
    try mappingErrors {
      try pool.write { db in
        try db.execute(
          sql: "UPDATE jobs SET progress = ? WHERE id = ? AND status = 'running'",
          arguments: [min(max(fraction, 0), 1), id])
      }
    }
  }

  /// Bytes free for results on the data directory's file system, or `nil` when unknown.
  public func freeBytes() -> Int? {
    var stats = statvfs()
    guard statvfs(configuration.resultsDirectory.path, &stats) == 0 else { return nil }
    return Int(stats.f_bavail) * Int(stats.f_frsize)
  }

  // MARK: - Result payloads

  /// Removes every file in `results/` that is not the result of a job that has one: temporary
  /// files left by a crash in the middle of a write (`kill -9`), and results whose job is gone.
  /// Call it at start, before any job runs. Returns the number of files removed.
  @discardableResult
  public func removeStrayResultFiles() throws(StoreError) -> Int {
    let owners = try mappingErrors {
      try pool.read { db in Set(try String.fetchAll(db, sql: "SELECT id FROM jobs WHERE result_payload_bytes IS NOT NULL")) }
    }
    let fileManager = FileManager.default
    let directory = configuration.resultsDirectory
    var removed = 0
    for name in (try? fileManager.contentsOfDirectory(atPath: directory.path)) ?? [] {
      let url = directory.appendingPathComponent(name)
      let isResult = url.pathExtension == configuration.resultFileExtension && !name.hasPrefix(".")
      if isResult && owners.contains(url.deletingPathExtension().lastPathComponent) { continue }
      if (try? fileManager.removeItem(at: url)) != nil { removed += 1 }
    }
    return removed
  }

  /// The job's result payload file when it exists, else `nil`.
  public func resultPayloadURL(forJob id: String) -> URL? {
    guard (try? Self.validate(jobID: id)) != nil else { return nil }
    let url = resultURL(forJob: id)
    return FileManager.default.fileExists(atPath: url.path) ? url : nil
  }

  /// The job's result payload bytes, or `nil` when there is none.
  public func resultPayload(forJob id: String) throws(StoreError) -> Data? {
    guard let url = resultPayloadURL(forJob: id) else { return nil }
    do {
      return try Data(contentsOf: url)
    } catch {
      throw .io(path: url.path, message: "\(error)")
    }
  }

  func resultURL(forJob id: String) -> URL {
    configuration.resultsDirectory.appendingPathComponent("\(id).\(configuration.resultFileExtension)")
  }

  // MARK: - Rows

  static func validate(jobID id: String) throws(StoreError) {
    guard (1...64).contains(id.utf8.count),
      id.utf8.allSatisfy({ byte in
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
          || byte == 0x5F || byte == 0x2D
      })
    else { throw .invalidJobID(id) }
  }

  private static func fetchJob(_ db: Database, where condition: String, _ arguments: [any DatabaseValueConvertible]) throws -> JobRecord? {
    try fetchJobs(db, sql: "WHERE \(condition) LIMIT 1", arguments).first
  }

  private static func fetchJobs(_ db: Database, sql: String, _ arguments: [any DatabaseValueConvertible]) throws -> [JobRecord] {
    let statement = try db.cachedStatement(sql: "SELECT \(jobColumns) FROM jobs \(sql)")
    return try Row.fetchAll(statement, arguments: StatementArguments(arguments)).map(job(from:))
  }

  private static func job(from row: Row) throws -> JobRecord {
    let decoder = JSONDecoder()
    func value(_ column: String) throws -> JSONValue? {
      guard let text = row[column] as String? else { return nil }
      return try decoder.decode(JSONValue.self, from: Data(text.utf8))
    }
    return JobRecord(
      id: row["id"], kind: row["kind"], status: JobStatus(rawValue: row["status"]) ?? .failed,
      spec: try value("spec") ?? .null, progress: row["progress"],
      createdAt: Timestamp.date(milliseconds: row["created_at"]),
      startedAt: (row["started_at"] as Int64?).map(Timestamp.date(milliseconds:)),
      finishedAt: (row["finished_at"] as Int64?).map(Timestamp.date(milliseconds:)),
      timings: try value("timings"), result: try value("result"), error: try value("error"),
      idempotencyKey: row["idempotency_key"], requestHash: row["request_hash"],
      resultPayloadBytes: row["result_payload_bytes"])
  }

  private static func arguments(for job: JobRecord) throws -> StatementArguments {
    [
      job.id, job.kind, job.status.rawValue, try json(job.spec), job.progress,
      Timestamp.milliseconds(job.createdAt), job.startedAt.map(Timestamp.milliseconds),
      job.finishedAt.map(Timestamp.milliseconds), try json(job.timings), try json(job.result),
      try json(job.error), job.idempotencyKey, job.requestHash, job.resultPayloadBytes,
    ]
  }

  private static func json(_ value: JSONValue?) throws -> String? {
    guard let value else { return nil }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
  }

  /// The record as it reads back from the database (times truncated to milliseconds).
  private static func roundedToMilliseconds(_ job: JobRecord) -> JobRecord {
    var job = job
    job.startedAt = job.startedAt.map { Timestamp.date(milliseconds: Timestamp.milliseconds($0)) }
    job.finishedAt = job.finishedAt.map { Timestamp.date(milliseconds: Timestamp.milliseconds($0)) }
    return job
  }
}
