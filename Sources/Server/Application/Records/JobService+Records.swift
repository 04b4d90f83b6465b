import Compute
import Foundation
import JSON
import Store

/// Run records: each succeeded job's record is kept in the store (it outlives the job's pruning),
/// and records from other machines are imported beside them.
extension JobService {
  /// Stores the record of a job that has just succeeded; a failure to store it is logged, not
  /// fatal (the job itself is recorded).
  func keepRecord(of job: JobRecord) {
    guard let record = RunRecord.make(job: job, devices: devices, host: .current) else { return }
    do {
      try store.saveRecord(
        id: job.id, kind: job.kind, device: record["device"]?.stringValue ?? "", source: "local",
        createdAt: job.finishedAt ?? Date(), json: record.text)
    } catch {
      logger.error("could not keep the run record of job \(job.id): \(error)")
    }
  }

  /// What looking a record up found.
  enum RecordLookup {
    case found(JSONValue)
    case notFound
    /// A job that has not succeeded (its status).
    case notSucceeded(JobStatus)
  }

  /// The record `id`: a stored one (local or imported), else one made (and kept) from a
  /// succeeded job that finished before records were kept.
  func record(_ id: String) throws -> RecordLookup {
    if let stored = try store.record(id: id) { return .found(try JSONValue(parsing: stored.json)) }
    guard let job = try store.job(id: id) else { return .notFound }
    guard let record = RunRecord.make(job: job, devices: devices, host: .current) else { return .notSucceeded(job.status) }
    keepRecord(of: job)
    return .found(record)
  }

  /// What importing a record did.
  enum RecordImport {
    /// The record breaks the schema: the first violations.
    case invalid([JSONSchema.Violation])
    /// Stored under `id` (derived from its content), or already there.
    case imported(id: String, isNew: Bool)
  }

  /// Imports a record from another machine after checking it against the published schema; the
  /// id is derived from the record's content, so importing it again changes nothing.
  func importRecord(_ record: JSONValue) throws -> RecordImport {
    var violations = RunRecordSchema.schema.validate(record)
    // What the schema cannot say: a kind this server knows, and a finish time that is a time and
    // not in the future.
    if violations.isEmpty, let kind = record["kind"]?.stringValue, catalog[kind] == nil {
      violations.append(.init(pointer: "/kind", message: "unknown kind \(kind); this server knows \(catalog.names.joined(separator: ", "))"))
    }
    let finished = record["finished_at"]?.stringValue.flatMap(Timestamp.parse)
    if violations.isEmpty, finished.map({ $0 > Date().addingTimeInterval(3600) }) ?? true {
      violations.append(
        .init(pointer: "/finished_at", message: finished == nil ? "not an ISO 8601 time" : "in the future"))
    }
    guard violations.isEmpty, let finished else { return .invalid(violations) }
    let text = record.text
    let id = "imported-" + Self.hash(Array(text.utf8))
    let isNew = try store.saveRecord(
      id: id, kind: record["kind"]?.stringValue ?? "", device: record["device"]?.stringValue ?? "", source: "imported",
      createdAt: finished, json: text)
    return .imported(id: id, isNew: isNew)
  }
}
