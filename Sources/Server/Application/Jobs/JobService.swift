import AsyncBridge
import Compute
import Content
import FleetStore
import Foundation
import JSON
import Logging
import Store
import Synchronization

/// Compute jobs from submission to record: validates and persists a job, runs it on the worker
/// pool, records its progress, timings, result and errors in the store, and publishes events for
/// streams and long polls. It knows no HTTP: it takes a kind's name and a decoded body, throws
/// ``ComputeError`` and ``JobServiceError``, and renders stored errors and status events with
/// closures the application gives it.
///
/// Nothing is lost: a job is in SQLite before it is queued; a finished job's result matrix is a
/// `.npy` file written before its status says `succeeded`; on start, jobs left `running` by a
/// crash are marked failed ("interrupted by restart") and `queued` ones are queued again.
///
/// Store calls block; the `async` methods run them through `BlockingWork` (never on the
/// cooperative pool), the pool's callbacks run them on the pool's own threads.
final class JobService: Sendable {
  let store: Store
  let pool: WorkerPool
  let hub = JobEventHub()
  let configuration: Configuration
  /// Every kind this machine runs.
  let catalog: JobCatalog
  /// The device catalog, read once (OpenCL enumeration is slow).
  let devices: DeviceCatalog
  /// Each OpenCL device's worker-pool lane, by device index (``OpenCLBackend/lane(device:)``'s
  /// rule: a CPU device shares `cpu`).
  let openCLLanes: [String]
  /// Tuned configurations of the `auto` kernel, loaded from the store at start.
  let tuning: TuningTable
  /// Questions whose answers link each kind (by kind name).
  let questionsByKind: [String: [Int]]
  let logger: Logger
  private let metrics: ServerMetrics
  /// The stored form of a failure (a problem object), from the application's error mapping.
  private let describe: @Sendable (any Error) -> JSONValue
  /// The `status` event's data for a job (the API's job object).
  private let render: @Sendable (JobRecord) -> JSONValue
  /// Jobs a `cancel` is working on now.
  private let cancelling = Mutex<Set<String>>([])
  /// The fleet's job store (`--database`): jobs are queued there and run by `hpclab worker`
  /// processes; `nil`: they run here, recorded in SQLite.
  let fleet: FleetStore?

  init(
    store: Store, corpus: Corpus, configuration: Configuration, metrics: ServerMetrics, logger: Logger,
    describe: @escaping @Sendable (any Error) -> JSONValue, render: @escaping @Sendable (JobRecord) -> JSONValue,
    fleet: FleetStore? = nil
  ) {
    self.fleet = fleet
    self.store = store
    self.metrics = metrics
    self.configuration = configuration
    self.logger = logger
    self.describe = describe
    self.render = render
    let matmul = MatmulRunner(
      configuration: .init(limits: configuration.limits), cuda: CUDABackend(libraryPaths: configuration.cudaLibraryPaths))
    pool = WorkerPool(
      configuration: .init(queueCapacity: configuration.queueCapacity, jobTimeout: .seconds(configuration.jobTimeoutSeconds)))
    devices = matmul.deviceCatalog()
    openCLLanes = matmul.openCL.devices.indices.map { matmul.openCL.lane(device: $0) }
    let experiments = ExperimentRunner(
      configuration: .init(memoryBudgetBytes: configuration.limits.memoryBudgetBytes), openCL: matmul.openCL,
      cuda: matmul.cuda)
    self.tuning = matmul.tuning
    catalog = JobCatalog(matmul: matmul, experiments: experiments) { [store, logger] entry in
      do {
        try store.saveTunedConfiguration(
          deviceKey: entry.deviceKey, dtype: entry.dtype.rawValue, sizeClass: entry.sizeClass.rawValue,
          entry: JSONValue(encoding: entry))
      } catch {
        logger.error("could not store the tuned configuration of \(entry.deviceKey): \(error)")
      }
    }
    Self.loadTunedConfigurations(from: store, into: matmul.tuning, logger: logger)
    var questions: [String: [Int]] = [:]
    for question in corpus.questions {
      for kind in Set(question.experiments.map(\.kind)) { questions[kind, default: []].append(question.id) }
    }
    questionsByKind = questions
    if !devices.openCL.available {
      logger.warning("OpenCL backend unavailable: \(devices.openCL.reason ?? "no platform")")
    }
    if !devices.cuda.available {
      logger.info("CUDA backend unavailable: \(devices.cuda.reason ?? "no driver")")
    }
  }

  /// Puts the stored tuned configurations into `table`; an entry that no longer decodes (written
  /// by another version) is skipped with a warning.
  static func loadTunedConfigurations(from store: Store, into table: TuningTable, logger: Logger) {
    do {
      for text in try store.tunedConfigurations() {
        do {
          table.record(try JSONDecoder().decode(TuningTable.Entry.self, from: Data(text.utf8)))
        } catch {
          logger.warning("skipped a stored tuned configuration that does not decode: \(error)")
        }
      }
    } catch {
      logger.error("could not read the tuned configurations: \(error)")
    }
  }

  // MARK: - Start and stop

  /// Recovers from the last run: marks interrupted jobs failed and queues the queued ones again.
  func recover() throws {
    let recovery = try store.recoverAfterRestart()
    let stray = try store.removeStrayResultFiles()
    if stray > 0 { logger.info("removed \(stray) stray files from the results directory (temporary or without a job)") }
    if !recovery.interrupted.isEmpty {
      logger.warning("marked \(recovery.interrupted.count) jobs failed: interrupted by restart")
    }
    for job in recovery.queued {
      do {
        guard let kind = catalog[job.kind] else { throw JobServiceError.unknownKind(job.kind, known: catalog.names) }
        let spec = Self.restoringInputs(job.spec, try store.jobInputs(id: job.id))
        try enqueue(job.id, try kind.prepare(json: spec))
      } catch {
        logger.error("could not queue job \(job.id) again: \(error)")
        _ = try? store.updateJob(id: job.id, .failed(error: describe(error)))
      }
    }
    if !recovery.queued.isEmpty { logger.info("queued \(recovery.queued.count) jobs again after restart") }
  }

  /// Ends event streams, lets running jobs finish within `grace` seconds, then cancels them;
  /// queued jobs stay queued in the store and run after a restart.
  func shutdown(grace: Duration) async {
    hub.close()
    await pool.drain(within: grace)
    await pool.shutdown(cancelRunning: true)
  }

  /// Deletes finished jobs beyond the retention policy (and their result files).
  func prune() {
    do {
      let cutoff = Date().addingTimeInterval(-configuration.retentionDays * 86400)
      let removed = try store.pruneJobs(olderThan: cutoff, keepingAtMost: configuration.retainedJobs)
      if removed > 0 { logger.info("pruned \(removed) old jobs") }
    } catch {
      logger.error("pruning jobs failed: \(error)")
    }
  }

  // MARK: - Submitting

  struct Submission: Sendable {
    var job: JobRecord
    /// False when an `Idempotency-Key` returned an existing job.
    var isNew: Bool
    /// A fan-out (`"fleet": "all"`): its group and every job of it (`job` is the first).
    var fanOut: FanOut? = nil
  }

  /// The jobs one fan-out created, one per matching worker.
  struct FanOut: Sendable {
    var group: String
    var jobs: [JobRecord]
  }

  /// Validates, records and queues a job of the named kind. `body` is the request's JSON (`nil`
  /// for an empty body: every default); `requestHash` tells a retry from a conflicting reuse of
  /// `idempotencyKey`.
  func submit(kind name: String, body: JSONValue?, idempotencyKey key: String?, requestHash: String) async throws
    -> Submission
  {
    guard let kind = catalog[name] else { throw JobServiceError.unknownKind(name, known: catalog.names) }
    let (routing, body) = try FleetRouting.split(body)
    if let fleet {
      return try await submit(
        to: fleet, kind: kind, body: body, routing: routing, idempotencyKey: key, requestHash: requestHash)
    }
    if let field = routing.firstField {
      throw JobServiceError.fleetRouting(
        field: field, "\(field) routes a job to fleet workers; this server runs jobs itself (start it with --database postgres://… and run hpclab worker).")
    }
    let prepared = try kind.prepare(json: body)
    return try await BlockingWork.run { [self] in
      let isRetry = try key.map { try store.job(idempotencyKey: $0) != nil } ?? false
      if !isRetry, prepared.resultBytes > 0, let free = store.freeBytes(), free < prepared.resultBytes + Self.diskReserve {
        throw StoreError.diskFull(
          "the result needs about \(prepared.resultBytes) bytes and \(free) are free (with \(Self.diskReserve) kept in reserve)")
      }
      if !isRetry, pool.queuedCount >= configuration.queueCapacity {
        throw ComputeError(
          .queueFull, message: "the job queue is full (\(configuration.queueCapacity) jobs waiting); try again later",
          limit: configuration.queueCapacity)
      }
      let (spec, inputs) = Self.separatingInputs(prepared.parameters)
      let insertion = try store.insertJob(
        NewJob(kind: name, spec: spec, idempotencyKey: key, requestHash: requestHash, inputs: inputs))
      switch insertion {
      case .existing(let job):
        return Submission(job: job, isNew: false)
      case .conflict:
        throw JobServiceError.idempotencyConflict
      case .inserted(let job):
        do {
          try enqueue(job.id, prepared)
        } catch {
          _ = try? store.deleteJob(id: job.id)  // never queued: leave no record behind
          throw error
        }
        return Submission(job: job, isNew: true)
      }
    }
  }

  private func enqueue(_ id: String, _ prepared: PreparedJob) throws {
    hub.open(job: id)
    try pool.submit(
      id: id, lane: prepared.lane,
      work: { [self] context in try run(id, prepared, context: context) },
      completion: { [self] result in finish(id, result) })
  }

  /// On a pool thread.
  private func run(_ id: String, _ prepared: PreparedJob, context: JobContext) throws -> JobOutput {
    let started: JobRecord
    do {
      started = try store.updateJob(id: id, .running())
    } catch StoreError.invalidTransition {
      throw ComputeError.cancelledByRequest
    }
    publishStatus(started)
    let reporter = ProgressReporter(id: id, service: self)
    return try prepared.run(context) { reporter.report($0) }
  }

  /// On a pool thread, after the job's work ends.
  private func finish(_ id: String, _ result: Result<JobOutput, any Error>) {
    do {
      let record: JobRecord
      switch result {
      case .success(let output):
        let previous = try store.job(id: id)
        let queueWait = previous.flatMap { job in job.startedAt.map { $0.timeIntervalSince(job.createdAt) } }
        record = try store.updateJob(
          id: id, .succeeded(result: output.result, timings: Self.timingsValue(output.timings, queueWait: queueWait)),
          payload: output.payload.map { Data($0) })
      case .failure(let error as ComputeError) where error.code == .cancelled:
        record = try store.updateJob(id: id, .cancelled(reason: error.message))
      case .failure(let error as ComputeError) where error.code == .shuttingDown:
        guard let job = try store.job(id: id), job.status == .running else { return }  // queued: runs after restart
        record = try store.updateJob(id: id, .failed(error: describe(JobInterruption.shutdown)))
      case .failure(let error):
        record = try store.updateJob(id: id, .failed(error: describe(error)))
      }
      publishStatus(record)
      if record.status == .succeeded { keepRecord(of: record) }
      if let started = record.startedAt, let finished = record.finishedAt {
        metrics.recordJob(kind: record.kind, status: record.status.rawValue, seconds: finished.timeIntervalSince(started))
      }
    } catch StoreError.invalidTransition {
      // Already finished (cancelled while its last piece ran): the record stands.
      if let job = try? store.job(id: id) { publishStatus(job) }
    } catch {
      // The end could not be recorded (a full disk for the result file, say): the job fails with
      // that reason rather than staying `running` for ever.
      logger.error("could not record the end of job \(id): \(error)")
      do {
        let record = try store.updateJob(id: id, .failed(error: describe(error)))
        publishStatus(record)
      } catch {
        logger.error("could not record job \(id) as failed either: \(error); it is failed at the next start")
        if var job = try? store.job(id: id) {  // end the waits and streams all the same
          job.status = .failed
          job.error = describe(error)
          publishStatus(job)
        }
      }
    }
  }

  // MARK: - Reading, waiting, cancelling

  /// The job with this id.
  func job(_ id: String) async throws -> JobRecord {
    if let fleet {
      guard let job = try await fleet.job(id: id) else { throw JobServiceError.jobNotFound(id) }
      return job
    }
    return try await BlockingWork.run { [self] in try jobNow(id) }
  }

  /// The job with this id, read on the calling thread (for callers already off the loops).
  func jobNow(_ id: String) throws -> JobRecord {
    guard let job = try store.job(id: id) else { throw JobServiceError.jobNotFound(id) }
    return job
  }

  /// Recent jobs, newest first.
  func jobs(status: JobStatus?, limit: Int) async throws -> [JobRecord] {
    if let fleet { return try await fleet.jobs(status: status, limit: limit) }
    return try await BlockingWork.run { [self] in try store.jobs(status: status, limit: limit) }
  }

  /// The job once it has finished, or as it is after `seconds`, or when the caller is cancelled
  /// (its client went away).
  func waitForFinish(_ id: String, seconds: Double) async throws -> JobRecord {
    let current = try await job(id)
    guard !current.status.isFinished, seconds > 0 else { return current }
    if fleet != nil { return try await waitForFleetJob(id, seconds: seconds) }
    await finalEvent(of: id, within: .milliseconds(Int(seconds * 1000)))
    try Task.checkCancellation()
    return try await job(id)
  }

  /// Returns at the job's final event in this process's hub, or after `limit`, whichever is first
  /// (at once when its channel has ended or is unknown).
  func finalEvent(of id: String, within limit: Duration) async {
    guard limit > .zero, let stream = hub.subscribe(job: id, after: Int.max).stream else { return }
    await withTaskGroup(of: Void.self) { group in
      group.addTask {
        for await event in stream where event.isFinal { break }
      }
      group.addTask { try? await Task.sleep(for: limit) }
      await group.next()
      group.cancelAll()
    }
  }

  /// Cancels a queued job at once and signals a running one; waits up to about a second for a
  /// running one to stop. A finished job is ``JobServiceError/alreadyFinished(status:)``; a job
  /// another cancel is stopping, ``JobServiceError/cancelInProgress(status:)``.
  func cancel(_ id: String) async throws -> JobRecord {
    let current = try await job(id)
    guard !current.status.isFinished else { throw JobServiceError.alreadyFinished(status: current.status.rawValue) }
    // One cancel per job does the cancelling; a concurrent second one is told it came too late
    // (409, whether or not the first has stopped the job yet), so two clients never both hear
    // "I cancelled it", however long the job takes to stop.
    guard cancelling.withLock({ $0.insert(id).inserted }) else {
      let job = try await waitForFinish(id, seconds: 1.5)
      if job.status.isFinished { throw JobServiceError.alreadyFinished(status: job.status.rawValue) }
      throw JobServiceError.cancelInProgress(status: job.status.rawValue)
    }
    defer { cancelling.withLock { _ = $0.remove(id) } }
    if let fleet {
      // Queued: cancelled in the database at once; running: its worker hears it and stops it.
      _ = try await fleet.cancel(id: id, reason: "the job was cancelled")
      return try await waitForFinish(id, seconds: 1.5)
    }
    switch pool.cancel(id: id) {
    case .removedFromQueue, .signalledRunning:
      break
    case .notFound:
      // Not in the pool (a window between insert and queueing, or after shutdown): record it here.
      _ = try? await BlockingWork.run { [self] in try store.updateJob(id: id, .cancelled(reason: "the job was cancelled")) }
    }
    return try await waitForFinish(id, seconds: 1.5)
  }

  // MARK: - Events

  func publishStatus(_ job: JobRecord) {
    hub.publish(job: job.id, name: "status", data: render(job).encoded(), isFinal: job.status.isFinished)
  }

  func publishProgress(_ id: String, _ fraction: Double) {
    let data: JSONValue = ["id": .string(id), "progress": .double((fraction * 1000).rounded() / 1000)]
    hub.publish(job: id, name: "progress", data: data.encoded())
  }

  fileprivate func persistProgress(_ id: String, _ fraction: Double) {
    try? store.updateProgress(id: id, fraction)
  }

  /// Free space kept for the database and its journal when deciding whether a result fits.
  static let diskReserve = 4 << 20

  // MARK: - Values

  /// The spec to store and show, and the matrix parameters kept apart from it. In the spec a
  /// matrix is summed up as `{"rows": m, "columns": k}`; the stored inputs hold the numbers.
  static func separatingInputs(_ parameters: JobParameters) -> (spec: JSONValue, inputs: JSONValue?) {
    var spec = JSONObject()
    var inputs = JSONObject()
    for name in parameters.values.keys.sorted() {
      let value = parameters.values[name]!
      if case .matrix(let rows) = value {
        spec[name] = ["rows": .int(rows.count), "columns": .int(rows.first?.count ?? 0)]
        inputs[name] = value.json
      } else {
        spec[name] = value.json
      }
    }
    return (.object(spec), inputs.isEmpty ? nil : .object(inputs))
  }

  /// A stored spec with its inputs put back, to run it again after a restart.
  static func restoringInputs(_ spec: JSONValue, _ inputs: JSONValue?) -> JSONValue {
    guard case .object(var members) = spec, case .object(let stored)? = inputs else { return spec }
    for (name, value) in stored { members[name] = value }
    return .object(members)
  }

  /// FNV-1a over the body: the same idempotency key with another body is a conflict.
  static func hash(_ bytes: [UInt8]) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes {
      hash ^= UInt64(byte)
      hash = hash &* 0x100_0000_01b3
    }
    return String(hash, radix: 16)
  }

  /// The kind's timings plus the wait in the queue (seconds).
  static func timingsValue(_ timings: JSONValue, queueWait: Double?) -> JSONValue {
    guard case .object(var members) = timings else { return timings }
    if let queueWait { members["queue_wait_seconds"] = .double(max(0, queueWait)) }
    if members["note"] == nil {
      members["note"] = .string(
        "seconds; warm-up excluded from repeats; kernel_seconds from OpenCL profiling events, compute_seconds per repeat on the host, wall_seconds include copies")
    }
    return .object(members)
  }
}

/// A job that was running when the server stopped (stored as its failure).
enum JobInterruption: Error, Sendable {
  case shutdown
}

/// Throttles progress: events at most every 50 ms (or on reaching 1), store writes at most once
/// a second. Called from the one pool thread running the job; the lock keeps it honest anyway.
private final class ProgressReporter: Sendable {
  let id: String
  unowned let service: JobService
  private let last = Mutex<(event: ContinuousClock.Instant?, write: ContinuousClock.Instant?)>((nil, nil))

  init(id: String, service: JobService) {
    self.id = id
    self.service = service
  }

  func report(_ fraction: Double) {
    let time = ContinuousClock.now
    let (event, write) = last.withLock { last -> (Bool, Bool) in
      let event = last.event.map { $0.duration(to: time) >= .milliseconds(50) } ?? true || fraction >= 1
      let write = last.write.map { $0.duration(to: time) >= .seconds(1) } ?? true
      if event { last.event = time }
      if write { last.write = time }
      return (event, write)
    }
    if event { service.publishProgress(id, fraction) }
    if write { service.persistProgress(id, fraction) }
  }
}

extension ComputeError {
  static var cancelledByRequest: ComputeError { ComputeError(.cancelled, message: "the job was cancelled") }
}
