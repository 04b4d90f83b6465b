import AsyncBridge
import Compute
import Foundation
import HTTP
import JSON
import Store

extension Application {
  /// Run records and comparisons:
  /// - `GET /jobs/{id}/record`: the job's run record (404 unknown, 409 not succeeded);
  /// - `GET /schemas/run-record.json`: the record's JSON Schema;
  /// - `POST /records`: imports a record from another machine (201, or 200 when already there;
  ///   422 naming what breaks the schema; counted against the per-client job rate limit);
  /// - `GET /records` (`?kind=`, `?limit=`) and `GET /records/{id}`: the records kept here, a page
  ///   each for browsers;
  /// - `GET /roofline`: each device's latest measured roofline with its recent runs placed on it;
  /// - `GET /compare?a=…&b=…`: same / faster / slower / inconclusive per measurement, with the
  ///   test and effect size; a page for browsers.
  func addRecordRoutes(to router: inout Router) {
    let jobs = self.jobs
    let access = self.access
    router.get("/schemas/run-record.json") { _, _ in
      HTTPResponse(headers: ["Content-Type": "application/schema+json"], bytes: RunRecordSchema.value.encoded())
    }
    router.get("/jobs/{id}/record") { _, context async throws in
      let id = context.parameters["id"] ?? ""
      return .json(try await Self.fleetAwareRecord(jobs, id: id))
    }
    router.get("/records/{id}") { request, context async throws in
      let id = context.parameters["id"] ?? ""
      let record = try await Self.fleetAwareRecord(jobs, id: id)
      return Negotiation.respond(to: request) { RecordPage(id: id, record: record).response() } json: { .json(record) }
    }
    router.getBlocking("/records") { request, _ in
      let query = try QueryParameters(request: request)
      let limit = try query.limit(default: 50)
      let kind = request.query("kind")
      let stored = try jobs.store.records(kind: kind, limit: limit)
      let list: [JSONValue] = stored.map { record in
        .object([
          ("id", .string(record.id)), ("kind", .string(record.kind)), ("device", .string(record.device)),
          ("source", .string(record.source)), ("finished_at", .string(Timestamp.format(record.createdAt))),
          ("href", .string("/records/\(record.id)")),
        ])
      }
      return Negotiation.respond(to: request) { RecordPage.list(list).response() } json: {
        .json(.object([("records", .array(list)), ("limit", .int(limit))]))
      }
    }
    router.post("/records") { request, context async throws in
      try access.authorize(request)
      guard let body = try JobRequestBody.decode(request) else {
        throw Problem.badRequest("The body is empty; send a run record (GET /jobs/{id}/record on the machine that ran it).")
      }
      try access.admitJob(from: context.remoteAddress)  // imports share the per-client rate limit of jobs
      let outcome = try await BlockingWork.run { try jobs.importRecord(body) }
      switch outcome {
      case .invalid(let violations):
        throw Problem(
          status: .unprocessableContent,
          detail: "The record does not match \(RunRecord.schemaPath): \(violations.prefix(5).map(\.description).joined(separator: "; ")).",
          extensions: [
            "field": .string(violations.first.map { $0.pointer.isEmpty ? "/" : $0.pointer } ?? "/"), "violations": .array(violations.map { .string($0.description) }),
          ])
      case .imported(let id, let isNew):
        return .json(
          .object([("id", .string(id)), ("href", .string("/records/\(id)")), ("kind", body["kind"] ?? .null)]),
          status: isNew ? .created : .ok, headers: ["Location": "/records/\(id)"])
      }
    }
    router.getBlocking("/roofline") { request, _ in
      let chart = try RooflineChart(store: jobs.store)
      return Negotiation.respond(to: request) { RooflinePage(chart: chart).response() } json: { .json(chart.json) }
    }
    router.get("/compare") { request, _ async throws in
      guard let a = request.query("a"), !a.isEmpty, let b = request.query("b"), !b.isEmpty else {
        throw Problem.badRequest(
          "Give two records or succeeded jobs to compare: /compare?a=ID&b=ID.", field: (request.query("a") ?? "").isEmpty ? "a" : "b")
      }
      let left = RecordComparison.Side(id: a, record: try await Self.fleetAwareRecord(jobs, id: a, field: "a"), href: "/records/\(a)")
      let right = RecordComparison.Side(id: b, record: try await Self.fleetAwareRecord(jobs, id: b, field: "b"), href: "/records/\(b)")
      guard let comparison = RecordComparison(a: left, b: right) else {
        throw Problem(
          status: .unprocessableContent,
          detail: "\(a) is a \(left.record["kind"]?.stringValue ?? "?") run and \(b) a \(right.record["kind"]?.stringValue ?? "?") run; compare two runs of one kind.",
          extensions: ["field": .string("b")])
      }
      return Negotiation.respond(to: request) { ComparePage(comparison: comparison).response() } json: { .json(comparison.json) }
    }
  }

  /// ``record(_:id:field:)`` off the loops; on a fleet, first copying the record from the
  /// database when this server has not heard of it yet.
  static func fleetAwareRecord(_ jobs: JobService, id: String, field: String? = nil) async throws -> JSONValue {
    if let status = try await jobs.prepareFleetRecord(id), status != .succeeded {
      throw Problem(
        status: .conflict, detail: "Job \(id) is \(status.rawValue); only a job that succeeded has a record.",
        extensions: ["status": .string(status.rawValue)].merging(field.map { ["field": .string($0)] } ?? [:]) { a, _ in a })
    }
    return try await BlockingWork.run { try Self.record(jobs, id: id, field: field) }
  }

  /// The record `id`, or the problem saying why there is none (`field` names the query parameter).
  static func record(_ jobs: JobService, id: String, field: String? = nil) throws -> JSONValue {
    switch try jobs.record(id) {
    case .found(let record): return record
    case .notFound:
      throw Problem(
        status: .notFound, detail: "No record or job with id \(id); GET /records lists the records.",
        extensions: field.map { ["field": .string($0)] } ?? [:])
    case .notSucceeded(let status):
      throw Problem(
        status: .conflict, detail: "Job \(id) is \(status.rawValue); only a job that succeeded has a record.",
        extensions: ["status": .string(status.rawValue)].merging(field.map { ["field": .string($0)] } ?? [:]) { a, _ in a })
    }
  }
}
