import AsyncBridge
import Compute
import FleetStore
import Foundation
import JSON
import Store

/// The job service on a fleet: jobs are validated here, queued in PostgreSQL, claimed and run by
/// `hpclab worker` processes (``FleetWorker``); their status and progress come back by
/// `NOTIFY` (``handle(_:from:)``), with polling behind it.
extension JobService {
  /// Refusals that depend on the devices of the machine that checks: a worker elsewhere may have
  /// the backend, the device or the float64 support this server lacks, so they are left to it.
  static let deviceSpecificCodes: Set<ComputeError.Code> = [.backendUnavailable, .unknownDevice, .fp64Unsupported]

  func submit(
    to fleet: FleetStore, kind: any JobKind, body: JSONValue?, routing: FleetRouting, idempotencyKey key: String?,
    requestHash: String
  ) async throws -> Submission {
    // Everything a client can get wrong is refused here (400/422), as in one process; what only a
    // worker's own devices decide is checked again when a worker claims the job.
    let spec: JSONValue
    switch Self.preparing(kind, body) {
    case .success(let prepared):
      spec = Self.separatingInputs(prepared.parameters).spec
    case .failure(let error):
      guard Self.deviceSpecificCodes.contains(error.code) else { throw error }
      _ = try JobSchema(kind: kind.name, parameters: kind.parameters).decode(body)
      spec = Self.summarizingMatrices(body ?? .object([:]))
    }
    // --queue-capacity bounds the jobs waiting across the whole fleet.
    let queued = try await fleet.jobCounts()[.queued] ?? 0
    if queued >= configuration.queueCapacity {
      throw ComputeError(
        .queueFull, message: "the fleet's queue is full (\(queued) jobs waiting); try again later",
        limit: configuration.queueCapacity)
    }
    func newJob(worker: String?, group: String?, key: String?) -> NewFleetJob {
      NewFleetJob(
        job: NewJob(kind: kind.name, spec: spec, idempotencyKey: key, requestHash: requestHash), request: body,
        maxAttempts: configuration.maxAttempts, routeWorker: worker, routeLabels: routing.labels,
        route: worker.map { "worker=\($0)" } ?? routing.summary, group: group)
    }
    guard let fanOut = routing.fanOut else {
      switch try await fleet.insertJob(newJob(worker: routing.worker, group: nil, key: key)) {
      case .inserted(let job): return Submission(job: job, isNew: true)
      case .existing(let job): return Submission(job: job, isNew: false)
      case .conflict: throw JobServiceError.idempotencyConflict
      }
    }
    let workers = try await fleet.workers().filter { ["idle", "busy"].contains($0["state"]?.stringValue ?? "") }
    let chosen = Self.workers(workers, matching: fanOut, labels: routing.labels)
    guard !chosen.isEmpty else {
      let asked = if case .matching(let names) = fanOut { names.joined(separator: ", ") } else { "all" }
      throw JobServiceError.noMatchingWorker(asked, live: workers.compactMap { $0["name"]?.stringValue })
    }
    // One job per worker name (a worker restarted under its name takes its job over).
    let names = Array(Set(chosen.compactMap { $0["name"]?.stringValue })).sorted()
    let group = "g" + Store.makeJobID()
    var created: [JobRecord] = []
    var isNew = false
    for name in names {
      switch try await fleet.insertJob(newJob(worker: name, group: group, key: key.map { "\($0)#\(name)" })) {
      case .inserted(let job):
        isNew = true
        created.append(job)
      case .existing(let job): created.append(job)
      case .conflict: throw JobServiceError.idempotencyConflict
      }
    }
    let groupName = created.first?.placement?.group ?? group
    return Submission(job: created[0], isNew: isNew, fanOut: FanOut(group: groupName, jobs: created))
  }

  /// The job prepared, or why not, as a value (a typed `catch … where` trips this compiler).
  static func preparing(_ kind: any JobKind, _ body: JSONValue?) -> Result<PreparedJob, ComputeError> {
    do {
      return .success(try kind.prepare(json: body))
    } catch {
      return .failure(error)
    }
  }

  /// The workers (as `GET /workers` lists them) a fan-out asks for: every one for `all`; else
  /// those whose name, id or one of whose labels equals an entry, and, for an entry that names no
  /// worker or label, those with a device whose name contains it (case-insensitive: `h200`,
  /// `a100`). A job's `labels` still apply.
  static func workers(_ workers: [JSONValue], matching fanOut: FleetRouting.FanOut, labels: [String]) -> [JSONValue] {
    func labelsOf(_ worker: JSONValue) -> [String] { worker["labels"]?.arrayValue?.compactMap(\.stringValue) ?? [] }
    func identities(_ worker: JSONValue) -> Set<String> {
      Set([worker["name"]?.stringValue, worker["id"]?.stringValue].compactMap { $0} + labelsOf(worker))
    }
    let eligible = workers.filter { Set(labels).isSubset(of: labelsOf($0)) }
    guard case .matching(let names) = fanOut else { return eligible }
    let known = workers.reduce(into: Set<String>()) { $0.formUnion(identities($1)) }
    return eligible.filter { worker in
      let ids = identities(worker)
      let devices = Self.deviceNames(in: worker["devices"] ?? .null).map { $0.lowercased() }
      return names.contains { name in
        known.contains(name) ? ids.contains(name) : devices.contains { $0.contains(name.lowercased()) }
      }
    }
  }

  /// Every `name` of a device in a device catalog (`GET /devices`' shape).
  static func deviceNames(in catalog: JSONValue) -> [String] {
    var names: [String] = []
    for platform in catalog["opencl"]?["platforms"]?.arrayValue ?? [] {
      for device in platform["devices"]?.arrayValue ?? [] { if let name = device["name"]?.stringValue { names.append(name) } }
    }
    for device in catalog["cuda"]?["devices"]?.arrayValue ?? [] {
      if let name = device["name"]?.stringValue { names.append(name) }
    }
    if let cpu = catalog["cpu"]?.stringValue { names.append(cpu) }
    return names
  }

  /// A body as a spec to show: inline matrices summed up as `{"rows", "columns"}`.
  static func summarizingMatrices(_ body: JSONValue) -> JSONValue {
    guard case .object(let members) = body else { return body }
    var spec = JSONObject()
    for (name, value) in members {
      if case .array(let rows) = value, case .array(let first)? = rows.first {
        spec[name] = ["rows": .int(rows.count), "columns": .int(first.count)]
      } else {
        spec[name] = value
      }
    }
    return .object(spec)
  }

  /// Waits for a fleet job's end: woken by its status events, and reading the job at least every
  /// half second in case a notification was missed.
  func waitForFleetJob(_ id: String, seconds: Double) async throws -> JobRecord {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while true {
      hub.open(job: id)
      await finalEvent(of: id, within: min(ContinuousClock.now.duration(to: deadline), .milliseconds(500)))
      try Task.checkCancellation()
      let job = try await job(id)
      if job.status.isFinished || ContinuousClock.now >= deadline { return job }
    }
  }

  /// What a server does with a fleet notification: publishes the job's new status, or its
  /// progress, to this process's streams and waits.
  func handle(_ notification: FleetNotification, from fleet: FleetStore) async {
    guard let id = notification.id else { return }
    switch notification.type {
    case .status:
      if let job = try? await fleet.job(id: id) { publishStatus(job) }
    case .progress:
      if let progress = notification.progress { publishProgress(id, progress) }
    case .record:
      await copyFleetRecords(from: fleet, id: id)
    case .queued, .cancel:
      break
    }
  }

  /// Copies run records from the fleet into this server's records (`source: local`: run by this
  /// deployment), where `/records`, `/compare`, `/roofline` and the questions' claims read them:
  /// one job's, or (at each connection of the listener) those of the last day this server may
  /// have missed. A record already here is left as it is.
  func copyFleetRecords(from fleet: FleetStore, id: String? = nil) async {
    do {
      let newest = id == nil ? try await BlockingWork.run { [store] in try store.records(source: "local", limit: 1).first?.createdAt } : nil
      let since = id == nil ? (newest ?? .distantPast).addingTimeInterval(-3600) : nil
      let records = try await fleet.records(id: id, since: since.map { max($0, Date().addingTimeInterval(-86400)) })
      guard !records.isEmpty else { return }
      try await BlockingWork.run { [store] in
        for record in records {
          try store.saveRecord(
            id: record.id, kind: record.kind, device: record.record["device"]?.stringValue ?? "", source: "local",
            createdAt: record.finishedAt, json: record.record.text)
        }
      }
    } catch {
      logger.warning("could not copy the fleet's run records: \(error)")
    }
  }

  /// Before a record is looked up on a fleet: copies job `id`'s record if the fleet has it, and
  /// returns the fleet job's status when it has none (so a running job is a 409, not a 404).
  func prepareFleetRecord(_ id: String) async throws -> JobStatus? {
    guard let fleet else { return nil }
    if (try? await BlockingWork.run({ [store] in try store.record(id: id) })) ?? nil != nil { return nil }
    await copyFleetRecords(from: fleet, id: id)
    if (try? await BlockingWork.run({ [store] in try store.record(id: id) })) ?? nil != nil { return nil }
    return try await fleet.job(id: id)?.status
  }

  /// Queued jobs and the ids of running ones, for `GET /jobs` and metrics: the pool's in one
  /// process, the database's on a fleet.
  func queueSnapshot() async -> (queued: Int, running: [String]) {
    guard let fleet else { return (pool.queuedCount, pool.runningJobs) }
    let queued = (try? await fleet.jobCounts())?[.queued] ?? 0
    let running = (try? await fleet.jobs(status: .running, limit: 1000))?.map(\.id) ?? []
    return (queued, running)
  }
}
