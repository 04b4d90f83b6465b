import Compute
import Content
import Foundation
import HTTP
import Logging
import Store
import Synchronization

/// Compute jobs from request to record: validates and persists a job, runs it
/// on the worker pool, records its progress, timings, result and errors in the
/// store, and publishes events for streams and long polls.
///
/// Nothing is lost: a job is in SQLite before it is queued; a finished job's
/// result matrix is a `.npy` file written before its status says `succeeded`;
/// on start, jobs left `running` by a crash are marked failed ("interrupted by
/// restart") and `queued` ones are queued again.
final class JobService: Sendable {
  let store: Store
  let runner: MatmulRunner
  let pool: WorkerPool
  let hub = JobEventHub()
  let configuration: Configuration
  private let logger: Logger
  /// The device catalog, read once (OpenCL enumeration is slow).
  let devices: DeviceCatalog
  private let pruneTimer = Mutex<DispatchSourceTimerBox?>(nil)

  private let metrics: ServerMetrics

  init(store: Store, corpus: Corpus, configuration: Configuration, metrics: ServerMetrics, logger: Logger) {
    self.store = store
    self.metrics = metrics
    self.configuration = configuration
    self.logger = logger
    runner = MatmulRunner(configuration: .init(limits: configuration.limits))
    pool = WorkerPool(
      configuration: .init(queueCapacity: configuration.queueCapacity, jobTimeout: .seconds(configuration.jobTimeoutSeconds)))
    devices = runner.deviceCatalog()
    let experiments = ExperimentRunner(
      configuration: .init(memoryBudgetBytes: configuration.limits.memoryBudgetBytes), openCL: runner.openCL)
    var kinds: [String: any JobKind] = ["matmul": MatmulJobKind(runner: runner)]
    for kind in ExperimentKind.allCases {
      let questions = corpus.questions.filter { $0.experiments.contains { $0.kind == kind.rawValue } }.map(\.id)
      kinds[kind.rawValue] = ExperimentJobKind(kind: kind, runner: experiments, questions: questions)
    }
    registeredKinds = kinds
    if !devices.openCL.available {
      logger.warning("OpenCL backend unavailable: \(devices.openCL.reason ?? "no platform")")
    }
  }

  // MARK: - Start and stop

  /// Recovers from the last run, prunes old jobs, and starts the hourly prune.
  func start() throws {
    let recovery = try store.recoverAfterRestart()
    if !recovery.interrupted.isEmpty {
      logger.warning("marked \(recovery.interrupted.count) jobs failed: interrupted by restart")
    }
    for job in recovery.queued {
      do {
        guard let kind = registeredKinds[job.kind] else { throw Problem.notFound("unknown job kind \(job.kind)") }
        try enqueue(job.id, try kind.prepare(stored: job.spec))
      } catch {
        logger.error("could not queue job \(job.id) again: \(error)")
        _ = try? store.updateJob(id: job.id, .failed(error: Self.problemValue(for: error)))
      }
    }
    if !recovery.queued.isEmpty { logger.info("queued \(recovery.queued.count) jobs again after restart") }
    prune()
    let timer = DispatchSource.makeTimerSource(queue: .global(qos: .utility))
    timer.schedule(deadline: .now() + 3600, repeating: 3600)
    timer.setEventHandler { [weak self] in self?.prune() }
    timer.activate()
    pruneTimer.withLock { $0 = DispatchSourceTimerBox(timer: timer) }
  }

  /// Ends event streams, lets running jobs finish within `grace` seconds, then
  /// cancels them; queued jobs stay queued in the store and run after a restart.
  func shutdown(grace: Double) async {
    pruneTimer.withLock { $0?.timer.cancel() }
    hub.close()
    let deadline = Date().addingTimeInterval(grace)
    while !pool.runningJobs.isEmpty && Date() < deadline { try? await Task.sleep(for: .milliseconds(50)) }
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

  struct Submission {
    var job: JobRecord
    /// False when an `Idempotency-Key` returned an existing job.
    var isNew: Bool
  }

  /// The kinds this server runs, by name.
  var kinds: [String: any JobKind] { registeredKinds }
  private let registeredKinds: [String: any JobKind]

  /// Validates, records and queues a job of the named kind from a request.
  func submit(kind name: String, _ request: HTTPRequest) throws -> Submission {
    guard let kind = registeredKinds[name] else {
      throw Problem.notFound("No job kind \(name); GET /jobs/kinds lists them.")
    }
    let prepared = try kind.prepare(request)
    let key = try Self.idempotencyKey(request)
    let isRetry = try key.map { try store.job(idempotencyKey: $0) != nil } ?? false
    if !isRetry, pool.queuedCount >= configuration.queueCapacity {
      throw ComputeError(
        .queueFull, message: "the job queue is full (\(configuration.queueCapacity) jobs waiting); try again later",
        limit: configuration.queueCapacity)
    }
    let insertion = try store.insertJob(
      NewJob(kind: name, spec: prepared.spec, idempotencyKey: key, requestHash: Self.hash(request.body)))
    switch insertion {
    case .existing(let job):
      return Submission(job: job, isNew: false)
    case .conflict:
      throw Problem(
        status: .unprocessableContent,
        detail: "The Idempotency-Key was already used with a different request body.",
        extensions: ["field": .string("Idempotency-Key")])
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

  private func enqueue(_ id: String, _ prepared: PreparedJob) throws {
    hub.open(job: id)
    try pool.submit(
      id: id, lane: prepared.lane,
      work: { [self] context in try run(id, prepared, context: context) },
      completion: { [self] result in finish(id, result) })
  }

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

  private func finish(_ id: String, _ result: Result<JobOutput, any Error>) {
    do {
      let record: JobRecord
      switch result {
      case .success(let output):
        let previous = try store.job(id: id)
        let queueWait = previous.flatMap { job in job.startedAt.map { $0.timeIntervalSince(job.createdAt) } }
        record = try store.updateJob(
          id: id, .succeeded(result: output.result, timings: Self.timingsValue(output.timings, queueWait: queueWait)),
          payload: output.payload)
      case .failure(let error as ComputeError) where error.code == .cancelled:
        record = try store.updateJob(id: id, .cancelled(reason: error.message))
      case .failure(let error as ComputeError) where error.code == .shuttingDown:
        guard let job = try store.job(id: id), job.status == .running else { return }  // queued: runs after restart
        record = try store.updateJob(id: id, .failed(error: Self.problemValue(for: Problem(
          status: .serviceUnavailable, detail: "interrupted by shutdown"))))
      case .failure(let error):
        record = try store.updateJob(id: id, .failed(error: Self.problemValue(for: error)))
      }
      publishStatus(record)
      if let started = record.startedAt, let finished = record.finishedAt {
        metrics.recordJob(kind: record.kind, status: record.status.rawValue, seconds: finished.timeIntervalSince(started))
      }
    } catch StoreError.invalidTransition {
      // Already finished (cancelled while its last piece ran): the record stands.
      if let job = try? store.job(id: id) { publishStatus(job) }
    } catch {
      logger.error("could not record the end of job \(id): \(error)")
    }
  }

  // MARK: - Reading, waiting, cancelling

  func job(_ id: String) throws -> JobRecord {
    guard let job = try store.job(id: id) else { throw Problem.notFound("No job with id \(id).") }
    return job
  }

  /// The job once it has finished, or as it is after `seconds`.
  func waitForFinish(_ id: String, seconds: Double) async throws -> JobRecord {
    let current = try job(id)
    guard !current.status.isFinished, seconds > 0 else { return current }
    let subscription = hub.subscribe(job: id, after: Int.max)
    if let stream = subscription.stream {
      await withTaskGroup(of: Void.self) { group in
        group.addTask {
          for await event in stream where event.isFinal { break }
        }
        group.addTask { try? await Task.sleep(for: .milliseconds(Int(seconds * 1000))) }
        await group.next()
        group.cancelAll()
      }
    }
    return try job(id)
  }

  /// Cancels a queued job at once and signals a running one; waits up to about
  /// a second for a running one to stop. A finished job is a 409.
  func cancel(_ id: String) async throws -> JobRecord {
    let current = try job(id)
    guard !current.status.isFinished else {
      throw Problem(
        status: .conflict, detail: "The job has already finished (\(current.status.rawValue)).",
        extensions: ["job_status": .string(current.status.rawValue)])
    }
    switch pool.cancel(id: id) {
    case .removedFromQueue, .signalledRunning:
      break
    case .notFound:
      // Not in the pool (a window between insert and queueing, or after shutdown): record it here.
      _ = try? store.updateJob(id: id, .cancelled(reason: "the job was cancelled"))
    }
    return try await waitForFinish(id, seconds: 1.5)
  }

  // MARK: - Events

  func publishStatus(_ job: JobRecord) {
    hub.publish(job: job.id, name: "status", data: JobResponse(job).json.encoded(), isFinal: job.status.isFinished)
  }

  fileprivate func publishProgress(_ id: String, _ fraction: Double) {
    let data = HTTP.JSONValue.object([("id", .string(id)), ("progress", .number((fraction * 1000).rounded() / 1000))])
    hub.publish(job: id, name: "progress", data: data.encoded())
  }

  fileprivate func persistProgress(_ id: String, _ fraction: Double) {
    _ = try? store.updateJob(id: id, .progress(fraction))
  }

  // MARK: - Values

  static func idempotencyKey(_ request: HTTPRequest) throws -> String? {
    guard let key = request.headers["Idempotency-Key"] else { return nil }
    guard !key.isEmpty, key.utf8.count <= 255 else {
      throw Problem.badRequest("Idempotency-Key must be 1 to 255 characters.", field: "Idempotency-Key")
    }
    return key
  }

  /// FNV-1a over the body: the same key with another body is a conflict.
  static func hash(_ bytes: [UInt8]) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes {
      hash ^= UInt64(byte)
      hash = hash &* 0x100_0000_01b3
    }
    return String(hash, radix: 16)
  }

  static func value<T: Encodable>(of value: T) -> BodyValue {
    (try? JSONDecoder().decode(BodyValue.self, from: JSONEncoder().encode(value))) ?? .null
  }

  /// The kind's timings plus the wait in the queue (seconds).
  static func timingsValue(_ timings: BodyValue, queueWait: Double?) -> BodyValue {
    guard case .object(var members) = timings else { return timings }
    if let queueWait { members["queue_wait_seconds"] = .double(max(0, queueWait)) }
    if members["note"] == nil {
      members["note"] = .string(
        "seconds; warm-up excluded from repeats; kernel_seconds from OpenCL profiling events, compute_seconds per repeat on the host, wall_seconds include copies")
    }
    return .object(members)
  }

  static func problemValue(for error: any Error) -> BodyValue {
    let problem = (error as? any HTTPResponseError)?.problem
      ?? Problem(status: .internalServerError, detail: "The job failed: \(error)")
    return (try? JSONDecoder().decode(BodyValue.self, from: Data(problem.jsonObject.encoded()))) ?? .null
  }
}

/// Throttles progress: events at most every 50 ms (or on reaching 1), store
/// writes at most once a second.
private final class ProgressReporter: @unchecked Sendable {  // used on the one pool thread running the job
  let id: String
  unowned let service: JobService
  private var lastEvent = 0.0
  private var lastWrite = 0.0

  init(id: String, service: JobService) {
    self.id = id
    self.service = service
  }

  func report(_ fraction: Double) {
    let now = System.monotonicSeconds()
    if now - lastEvent >= 0.05 || fraction >= 1 {
      lastEvent = now
      service.publishProgress(id, fraction)
    }
    if now - lastWrite >= 1 {
      lastWrite = now
      service.persistProgress(id, fraction)
    }
  }
}

/// The prune timer, kept under a lock. Dispatch sources are thread-safe.
struct DispatchSourceTimerBox: @unchecked Sendable {
  let timer: DispatchSourceTimer
}

extension ComputeError {
  static var cancelledByRequest: ComputeError { ComputeError(.cancelled, message: "the job was cancelled") }
}
