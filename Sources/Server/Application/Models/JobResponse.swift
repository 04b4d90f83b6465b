import JSON
import Content
import Foundation
import HTTP
import Store

/// A job as the API shows it: the stored record with links to its result and events.
struct JobResponse {
  let job: JobRecord

  init(_ job: JobRecord) { self.job = job }

  var json: JSONValue {
    var members: [(String, JSONValue)] = [
      ("created_at", .string(Self.format(job.createdAt))),
      ("error", job.error ?? .null),
    ]
    // On a fleet: the worker, device lane and attempts (absent when jobs run in this process).
    if let placement = job.placement { members.append(("fleet", JSONValue(encoding: placement))) }
    members += [
      ("finished_at", job.finishedAt.map { .string(Self.format($0)) } ?? .null),
      ("id", .string(job.id)),
      ("idempotency_key", job.idempotencyKey.map(JSONValue.string) ?? .null),
      ("kind", .string(job.kind)),
    ]
    var links: [(String, JSONValue)] = [
      ("self", .string("/jobs/\(job.id)")), ("events", .string("/jobs/\(job.id)/events")),
    ]
    // Only kinds that keep a result file (matmul's matrix) link one; an experiment's result is in the job.
    if job.status == .succeeded && job.resultPayloadBytes != nil {
      links.append(("result", .string("/jobs/\(job.id)/result")))
    }
    var result = job.result ?? .null
    if job.resultPayloadBytes != nil, case .object(var members) = result {
      members["result_url"] = .string("/jobs/\(job.id)/result")
      result = .object(members.sortedByKey())
    }
    members += [
      ("links", .object(links)),
      ("progress", .number(job.progress)),
      ("result", result),
      ("spec", job.spec),
      ("started_at", job.startedAt.map { .string(Self.format($0)) } ?? .null),
      ("status", .string(job.status.rawValue)),
      ("timings", job.timings ?? .null),
    ]
    return .object(members)
  }

  /// ISO 8601 in UTC with milliseconds, as the store writes its records.
  static func format(_ date: Date) -> String { Timestamp.format(date) }
}
