import Content
import Foundation
import HTTP
import Store

/// A job as the API shows it: the stored record with links to its result and events.
struct JobResponse {
  let job: JobRecord

  init(_ job: JobRecord) { self.job = job }

  var json: HTTP.JSONValue {
    var members: [(String, HTTP.JSONValue)] = [
      ("created_at", .string(Self.format(job.createdAt))),
      ("error", job.error.map(Self.convert) ?? .null),
      ("finished_at", job.finishedAt.map { .string(Self.format($0)) } ?? .null),
      ("id", .string(job.id)),
      ("idempotency_key", job.idempotencyKey.map(HTTP.JSONValue.string) ?? .null),
      ("kind", .string(job.kind)),
    ]
    var links: [(String, HTTP.JSONValue)] = [
      ("self", .string("/jobs/\(job.id)")), ("events", .string("/jobs/\(job.id)/events")),
    ]
    // Only kinds that keep a result file (matmul's matrix) link one; an experiment's result is in the job.
    if job.status == .succeeded && job.resultPayloadBytes != nil {
      links.append(("result", .string("/jobs/\(job.id)/result")))
    }
    members += [
      ("links", .object(links)),
      ("progress", .number(job.progress)),
      ("result", job.result.map(Self.convert) ?? .null),
      ("spec", Self.convert(job.spec)),
      ("started_at", job.startedAt.map { .string(Self.format($0)) } ?? .null),
      ("status", .string(job.status.rawValue)),
      ("timings", job.timings.map(Self.convert) ?? .null),
    ]
    return .object(members)
  }

  /// Content's JSON values (what the store keeps) as the HTTP writer's, keys sorted.
  static func convert(_ value: Content.JSONValue) -> HTTP.JSONValue {
    switch value {
    case .null: .null
    case .bool(let b): .bool(b)
    case .int(let i): .number(Double(i))
    case .double(let d): .number(d)
    case .string(let s): .string(s)
    case .array(let a): .array(a.map(convert))
    case .object(let o): .object(o.keys.sorted().map { ($0, convert(o[$0]!)) })
    }
  }

  /// ISO 8601 in UTC with milliseconds, as the store writes its records.
  static func format(_ date: Date) -> String { Timestamp.format(date) }
}
