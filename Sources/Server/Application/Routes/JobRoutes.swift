import JSON
import AsyncBridge
import Compute
import FleetStore
import Foundation
import HTTP
import Store

extension Application {
  /// `GET /jobs/kinds`, `POST /jobs/{kind}` (`matmul`, …), `GET /jobs`, `GET /jobs/{id}`, `DELETE /jobs/{id}`,
  /// `GET /jobs/{id}/events`, `GET /jobs/{id}/result`.
  func addJobRoutes(to router: inout Router) {
    let jobs = self.jobs
    let access = self.access
    let kinds = JSONValue.object([
      ("kinds", .array(jobs.catalog.names.map { JobKindResponse(jobs.catalog[$0]!.info(), questions: jobs.questionsByKind[$0] ?? []).json }))
    ])
    router.get("/jobs/kinds") { _, _ in .json(kinds) }
    router.post("/jobs/{kind}") { request, context async throws in
      try access.authorize(request)
      let kind = context.parameters["kind"] ?? ""
      guard let jobKind = jobs.catalog[kind] else { throw JobServiceError.unknownKind(kind, known: jobs.catalog.names) }
      let wait = try Self.preferredWait(request, maximum: jobs.configuration.maximumWaitSeconds)  // before anything runs
      let key = try Self.idempotencyKey(request)
      let body = try JobRequestBody.decode(request)
      if body == nil, jobKind.requiresBody {
        throw Problem.badRequest("The body is empty; send a JSON object such as {\"n\": 256}.")
      }
      try access.admitJob(from: context.remoteAddress)
      let submission = try await jobs.submit(
        kind: kind, body: body, idempotencyKey: key, requestHash: JobService.hash(request.body))
      if let fanOut = submission.fanOut {
        return .json(
          FleetGroupResponse(group: fanOut.group, jobs: fanOut.jobs).json,
          status: submission.isNew ? .accepted : .ok, headers: ["Location": "/fleet/\(fanOut.group)"])
      }
      var job = submission.job
      let headers: HTTPHeaders = ["Location": "/jobs/\(job.id)"]
      if let wait {
        job = try await jobs.waitForFinish(job.id, seconds: wait)
        if job.status.isFinished {
          var finished = headers
          finished.add("Preference-Applied", "wait=\(Self.format(wait))")
          return .json(JobResponse(job).json, status: .ok, headers: finished)
        }
      }
      return .json(JobResponse(job).json, status: submission.isNew ? .accepted : .ok, headers: headers)
    }
    router.get("/jobs") { request, _ async throws in
      let status = try Self.statusFilter(request)
      let limit = try QueryParameters(request: request).limit(default: 50)
      let list = try await jobs.jobs(status: status, limit: limit)
      let queue = await jobs.queueSnapshot()
      if Negotiation.wantsHTML(request) {
        var response = JobsPage(jobs: list, status: status, queued: queue.queued, running: queue.running)
          .response()
        response.headers.add("Vary", "Accept")
        return response
      }
      return .json(
        .object([
          ("jobs", .array(list.map { JobResponse($0).json })), ("limit", .int(limit)),
          ("queued", .int(queue.queued)), ("running", .array(queue.running.map(JSONValue.string))),
        ]))
    }
    router.get("/jobs/{id}") { request, context async throws in
      let id = context.parameters["id"] ?? ""
      guard let text = request.query("wait") else { return .json(JobResponse(try await jobs.job(id)).json) }
      guard let seconds = Double(text), seconds >= 0, seconds.isFinite else {
        throw Problem.badRequest("wait must be a number of seconds.", field: "wait")
      }
      let job = try await jobs.waitForFinish(id, seconds: min(seconds, jobs.configuration.maximumWaitSeconds))
      return .json(JobResponse(job).json)
    }
    router.delete("/jobs/{id}") { request, context async throws in
      try access.authorize(request)
      let job = try await jobs.cancel(context.parameters["id"] ?? "")
      return .json(JobResponse(job).json, status: job.status.isFinished ? .ok : .accepted)
    }
    router.get("/jobs/{id}/events") { request, context async throws in
      try await Self.eventStream(jobs, id: context.parameters["id"] ?? "", request: request)
    }
    if let fleet = jobs.fleet {
      router.get("/jobs/{id}/result") { request, context async throws in
        try await Self.fleetResult(jobs, fleet: fleet, id: context.parameters["id"] ?? "", request: request)
      }
    } else {
      router.getBlocking("/jobs/{id}/result") { request, context in
        try Self.result(jobs, id: context.parameters["id"] ?? "", request: request)
      }
    }
  }

  /// `?status=` of the job listing.
  static func statusFilter(_ request: HTTPRequest) throws -> JobStatus? {
    guard let text = request.query("status") else { return nil }
    guard let parsed = JobStatus(rawValue: text) else {
      throw Problem.badRequest(
        "status must be one of \(JobStatus.allCases.map(\.rawValue).joined(separator: ", ")).", field: "status")
    }
    return parsed
  }

  /// The `Idempotency-Key` header, 1 to 255 characters, or nil.
  static func idempotencyKey(_ request: HTTPRequest) throws -> String? {
    guard let key = request.headers["Idempotency-Key"] else { return nil }
    guard !key.isEmpty, key.utf8.count <= 255 else {
      throw Problem.badRequest("Idempotency-Key must be 1 to 255 characters.", field: "Idempotency-Key")
    }
    return key
  }

  /// `Prefer: wait=N` (RFC 7240 §4.3), capped; nil when absent.
  static func preferredWait(_ request: HTTPRequest, maximum: Double) throws -> Double? {
    for value in request.headers.values(for: "Prefer") {
      for preference in value.split(separator: ",") {
        let parts = preference.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.first?.lowercased() == "wait" else { continue }
        guard parts.count == 2, let seconds = Double(parts[1]), seconds >= 0, seconds.isFinite else {
          throw Problem.badRequest("Prefer: wait needs a number of seconds.", field: "Prefer")
        }
        return min(seconds, maximum)
      }
    }
    return nil
  }

  static func format(_ seconds: Double) -> String {
    seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
  }

  /// Server-Sent Events: `progress` and `status` events, each with an `id`;
  /// `Last-Event-ID` resumes after that event. The stream ends with the job.
  static func eventStream(_ jobs: JobService, id: String, request: HTTPRequest) async throws -> HTTPResponse {
    let job = try await jobs.job(id)
    let lastEventID = request.headers["Last-Event-ID"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    // A job another server replica queued has no channel here yet: open one to hear its events.
    if jobs.fleet != nil, !job.status.isFinished { jobs.hub.open(job: id) }
    let subscription = jobs.hub.subscribe(job: id, after: lastEventID)
    let snapshot = JobResponse(job).json.encoded()
    return HTTPResponse(
      headers: ["Content-Type": "text/event-stream", "Cache-Control": "no-store", "X-Accel-Buffering": "no"],
      body: .stream { writer in
        try await writer.write("retry: 2000\n\n")
        guard subscription.known else {
          // No events kept (finished long ago, or before a restart): the status as it stands.
          if (lastEventID ?? 0) < 1 { try await writer.write(Self.frame(id: 1, name: "status", data: snapshot)) }
          return
        }
        for event in subscription.replay {
          try await writer.write(Self.frame(id: event.id, name: event.name, data: event.data))
          if event.isFinal { return }
        }
        guard let stream = subscription.stream else { return }
        for await event in stream {
          try await writer.write(Self.frame(id: event.id, name: event.name, data: event.data))
          if event.isFinal { return }
        }
      })
  }

  static func frame(id: Int, name: String, data: [UInt8]) -> [UInt8] {
    Array("id: \(id)\nevent: \(name)\ndata: ".utf8) + data + Array("\n\n".utf8)
  }

  /// The result matrix: JSON `{"shape","dtype","data"}`, or `.npy` for `Accept: application/x-npy`.
  ///
  /// Both are streamed from the result file as the client reads (chunked, with the connection's
  /// backpressure): a response never exists whole in memory, so many clients that do not read
  /// cost a few hundred KB each, not the size of the matrix as JSON.
  static func result(_ jobs: JobService, id: String, request: HTTPRequest) throws -> HTTPResponse {
    let job = try jobs.jobNow(id)
    return try result(job, file: jobs.store.resultPayloadURL(forJob: id).flatMap { FileHandle(forReadingAtPath: $0.path) }, request: request)
  }

  /// A fleet job's result: the payload is read from the database into an unlinked temporary
  /// file, then served as a local one is.
  static func fleetResult(_ jobs: JobService, fleet: FleetStore, id: String, request: HTTPRequest) async throws
    -> HTTPResponse
  {
    let job = try await jobs.job(id)
    var file: FileHandle? = nil
    if job.status == .succeeded, let bytes = try await fleet.resultPayload(id: id) {
      file = try await BlockingWork.run {
        let path = jobs.store.configuration.dataDirectory.appendingPathComponent(".fleet-result-\(UUID().uuidString)").path
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
          throw Problem(status: .insufficientStorage, detail: "The result could not be staged on this server's disk.")
        }
        defer { try? FileManager.default.removeItem(atPath: path) }
        return FileHandle(forReadingAtPath: path)
      }
    }
    return try result(job, file: file, request: request)
  }

  static func result(_ job: JobRecord, file: FileHandle?, request: HTTPRequest) throws -> HTTPResponse {
    let id = job.id
    guard job.status == .succeeded else {
      throw Problem(
        status: .conflict, detail: "The job has no result: it is \(job.status.rawValue).",
        extensions: ["job_status": .string(job.status.rawValue)])
    }
    guard let file else {
      if job.resultPayloadBytes == nil {
        throw Problem(
          status: .gone, detail: "A \(job.kind) job keeps no result file; its result is in the job (GET /jobs/\(id)).")
      }
      throw Problem(status: .gone, detail: "The job's result file is gone (pruned or deleted).")
    }
    let accept = request.headers["Accept"]?.lowercased() ?? "*/*"
    if accept.contains("application/x-npy") || accept.contains("application/octet-stream") {
      return HTTPResponse(
        headers: [
          "Content-Type": "application/x-npy", "Content-Disposition": "attachment; filename=\"\(id).npy\"",
        ],
        body: .stream { writer in
          defer { try? file.close() }
          while let chunk = try file.read(upToCount: ResultMatrixJSON.chunkBytes), !chunk.isEmpty {
            try await writer.write([UInt8](chunk))
          }
        })
    }
    let header: NPY.Header
    do {
      header = try NPY.header(try file.read(upToCount: 4096) ?? Data())
    } catch {
      try? file.close()
      throw error
    }
    let count = header.rows * header.columns
    guard count <= ResultMatrixJSON.maximumElements else {
      try? file.close()
      throw Problem(
        status: .notAcceptable,
        detail: "The result has \(count) elements; as JSON at most \(ResultMatrixJSON.maximumElements). Ask for Accept: application/x-npy.")
    }
    return HTTPResponse(
      headers: ["Content-Type": "application/json"],
      body: .stream { writer in
        defer { try? file.close() }
        try await ResultMatrixJSON.stream(header, from: file, to: writer)
      })
  }
}

/// Writes a result file's matrix as `{"dtype":"float32","shape":[m,n],"data":[[…],…]}`, a few
/// rows at a time, straight from the file.
enum ResultMatrixJSON {
  static let maximumElements = 4 << 20
  /// About how many bytes of the file each write covers.
  static let chunkBytes = 64 << 10

  static func stream(_ header: NPY.Header, from file: FileHandle, to writer: any ResponseBodyWriter) async throws {
    guard !header.fortranOrder, !header.bigEndian else {
      throw Problem(status: .internalServerError, detail: "The result file is not in the layout this server writes.")
    }
    try file.seek(toOffset: UInt64(header.dataOffset))
    try await writer.write(
      Array("{\"dtype\":\"\(header.dtype.rawValue)\",\"shape\":[\(header.rows),\(header.columns)],\"data\":[".utf8))
    let rowBytes = header.columns * header.width
    let rowsPerChunk = max(1, chunkBytes / max(rowBytes, 1))
    var row = 0
    while row < header.rows {
      let rows = min(rowsPerChunk, header.rows - row)
      guard let data = try file.read(upToCount: rows * rowBytes), data.count == rows * rowBytes else {
        throw Problem(status: .internalServerError, detail: "The result file is shorter than its header says.")
      }
      var out: [UInt8] = []
      out.reserveCapacity(rows * header.columns * 12)
      data.withUnsafeBytes { raw in
        for r in 0..<rows {
          if row + r > 0 { out.append(UInt8(ascii: ",")) }
          out.append(UInt8(ascii: "["))
          for c in 0..<header.columns {
            if c > 0 { out.append(UInt8(ascii: ",")) }
            let offset = (r * header.columns + c) * header.width
            let text: String
            if header.width == 4 {
              let value = Float(bitPattern: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self).littleEndian)
              text = value.isFinite ? value.description : "null"
            } else {
              let value = Double(bitPattern: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self).littleEndian)
              text = value.isFinite ? value.description : "null"
            }
            out.append(contentsOf: text.utf8)
          }
          out.append(UInt8(ascii: "]"))
        }
      }
      try await writer.write(out)
      row += rows
    }
    try await writer.write(Array("]}".utf8))
  }
}
