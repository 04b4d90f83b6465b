import Compute
import FleetStore
import Foundation
import JSON
import Logging
import Store
import Synchronization

/// `hpclab worker`: one machine's devices serving a fleet. It registers its devices and lanes,
/// claims jobs it can run (``FleetStore/claim(_:batch:decide:)``), runs each on its own worker
/// pool (one job per device lane, as in one process), renews its leases, stops a job whose cancel
/// was asked, and records each end. It never touches a job it no longer holds.
///
/// Loops, all in one task group: the connection pool; the listener (`NOTIFY`: new jobs wake the
/// claimer, cancels reach running jobs); the heartbeat (every third of a lease: leases, cancels
/// asked while a notification was missed, leases lost); the claimer (on a wake-up or every second,
/// also reaping expired leases of other workers).
final class FleetWorker: Sendable {
  struct Options: Sendable {
    var name: String
    /// The machine this worker's devices belong to: workers with one host id share device leases.
    var host: String
    var labels: [String] = []
    var leaseSeconds = 15.0
    /// Exit after this many seconds with nothing to do (a Slurm job's worker); `nil`: never.
    var exitWhenIdleSeconds: Double?
    /// Seconds running jobs may take to finish at shutdown before they are stopped and given back.
    var graceSeconds = 10.0
  }

  private struct Held: Sendable {
    var attempt: Int
    var lane: String
  }

  private struct State: Sendable {
    var running: [String: Held] = [:]
    /// Jobs this worker could not run, with when to look at them again.
    var skipping: [String: ContinuousClock.Instant] = [:]
    /// Jobs prepared while deciding a claim, taken when the claim succeeds.
    var prepared: [String: PreparedJob] = [:]
    var lastActive = ContinuousClock.now
    var stopping = false
    /// A notification or a finished job asked the claimer to look again.
    var woken = false
  }

  let jobs: JobService
  let fleet: FleetStore
  let options: Options
  let id: String
  let lanes: [String]
  let laneDevices: [String: String]
  let logger: Logger
  private let state = Mutex(State())

  init(jobs: JobService, fleet: FleetStore, options: Options, logger: Logger) {
    self.jobs = jobs
    self.fleet = fleet
    self.options = options
    self.logger = logger
    id = "\(options.name)-\(String(Store.makeJobID().prefix(8)))"
    (lanes, laneDevices) = Self.lanes(of: jobs)
  }

  /// The device lanes of this machine (as the worker pool names them) and what each is.
  static func lanes(of jobs: JobService) -> ([String], [String: String]) {
    let catalog = jobs.devices
    var lanes = ["cpu"]
    var devices = ["cpu": "\(HostMachine.current.cpuName) (\(catalog.blas.name))"]
    let openCLDevices = catalog.openCL.platforms.flatMap { platform in platform.devices.map { (platform.name, $0) } }
    for (platform, device) in openCLDevices where jobs.openCLLanes.indices.contains(device.index) {
      let lane = jobs.openCLLanes[device.index]
      if lane == "cpu" {
        devices["cpu"]! += "; OpenCL \(device.name)"
      } else {
        lanes.append(lane)
        devices[lane] = "\(device.name) (OpenCL, \(platform))"
      }
    }
    for device in catalog.cuda.devices {
      lanes.append("cuda:\(device.index)")
      devices["cuda:\(device.index)"] = "\(device.name) (CUDA)"
    }
    return (lanes, devices)
  }

  // MARK: - Running

  /// Serves until ``stop()`` (a signal) or, with `exitWhenIdleSeconds`, until idle that long;
  /// then lets running jobs finish within the grace period, stops and gives back the rest.
  func run() async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask { await self.fleet.run() }
      try await fleet.waitUntilReachable(seconds: 60)
      try await fleet.migrate()
      var devices = JSONValue(encoding: jobs.devices)
      if case .object(var members) = devices {
        members["cpu"] = .string(HostMachine.current.cpuName)
        members["lanes"] = .object(JSONObject(laneDevices.map { ($0.key, JSONValue.string($0.value)) }.sorted { $0.0 < $1.0 }))
        devices = .object(members)
      }
      try await fleet.register(
        FleetWorkerRegistration(
          id: id, name: options.name, host: options.host, labels: options.labels, lanes: lanes,
          devices: devices, leaseSeconds: options.leaseSeconds))
      logger.notice(
        "worker \(id) on \(options.host) registered with \(fleet.address): lanes \(lanes.joined(separator: ", ")); labels \(options.labels.joined(separator: ","))")
      group.addTask { await self.fleet.listen(connected: { self.wakeClaimer() }, received: { await self.handle($0) }) }
      group.addTask { await self.heartbeats() }
      await claimLoop()
      await drain()
      await fleet.markStopped(workerID: id)
      logger.notice("worker \(id) stopped")
      group.cancelAll()
    }
  }

  /// Asks the worker to stop claiming and shut down (SIGTERM, SIGINT).
  func stop() {
    state.withLock { $0.stopping = true }
    wakeClaimer()
  }

  private func wakeClaimer() {
    state.withLock { $0.woken = true }
  }

  private var isStopping: Bool { state.withLock { $0.stopping } }

  private func claimLoop() async {
    var lastReap = ContinuousClock.now - .seconds(3600)
    while !isStopping && !Task.isCancelled {
      if lastReap.duration(to: .now) >= .milliseconds(Int(options.leaseSeconds * 1000 / 3)) {
        _ = try? await fleet.reapExpiredLeases()
        lastReap = .now
      }
      let claimed = await claimOnce()
      if claimed { continue }
      if let idle = options.exitWhenIdleSeconds {
        let quiet = state.withLock { $0.running.isEmpty ? $0.lastActive.duration(to: .now) : .zero }
        if quiet >= .milliseconds(Int(idle * 1000)) {
          logger.notice("worker \(id) idle for \(idle) s: exiting (--exit-when-idle)")
          stop()
          break
        }
      }
      // A notification wakes the claimer within 10 ms; looking every second covers missed ones.
      for _ in 0..<100 {
        if state.withLock({ state in defer { state.woken = false }; return state.woken || state.stopping }) { break }
        try? await Task.sleep(for: .milliseconds(10))
      }
    }
  }

  /// One claim round; true when it claimed a job (look again at once).
  private func claimOnce() async -> Bool {
    let (busy, skipping) = state.withLock { state -> (Set<String>, [String]) in
      let now = ContinuousClock.now
      state.skipping = state.skipping.filter { $0.value > now }
      return (Set(state.running.values.map(\.lane)), Array(state.skipping.keys))
    }
    guard busy.count < lanes.count else { return false }
    let claimant = FleetClaimant(
      workerID: id, name: options.name, host: options.host, labels: options.labels, busyLanes: busy, skipping: skipping,
      leaseSeconds: options.leaseSeconds)
    let round: FleetClaimRound
    do {
      round = try await fleet.claim(claimant) { [self] jobID, kind, request in decide(jobID, kind, request) }
    } catch {
      logger.warning("claiming failed: \(error)")
      try? await Task.sleep(for: .seconds(1))
      return false
    }
    state.withLock { state in
      for skipped in round.skipped { state.skipping[skipped] = .now + .seconds(10) }
      for (id, _) in state.prepared where id != round.claimed?.job.id { state.prepared[id] = nil }
    }
    for failed in round.failed { logger.info("job \(failed): refused as invalid on this worker") }
    guard let claim = round.claimed else { return false }
    start(claim)
    return true
  }

  /// Prepares a queued job as this machine would run it (its defaults, its device's lane).
  private func decide(_ jobID: String, _ name: String, _ request: JSONValue?) -> FleetClaimDecision {
    guard let kind = jobs.catalog[name] else { return .skip }  // a kind another version knows
    switch JobService.preparing(kind, request) {
    case .success(let prepared):
      guard lanes.contains(prepared.lane) else { return .skip }
      state.withLock { $0.prepared[jobID] = prepared }
      return .take(
        lane: prepared.lane, device: laneDevices[prepared.lane] ?? prepared.lane,
        spec: JobService.separatingInputs(prepared.parameters).spec)
    case .failure(let error):
      return JobService.deviceSpecificCodes.contains(error.code) ? .skip : .fail(error: JobFailure.describe(error))
    }
  }

  private func start(_ claim: FleetClaim) {
    let jobID = claim.job.id
    guard let prepared = state.withLock({ state -> PreparedJob? in
      let prepared = state.prepared.removeValue(forKey: jobID)
      if prepared != nil {
        state.running[jobID] = Held(attempt: claim.attempt, lane: claim.lane)
        state.lastActive = .now
      }
      return prepared
    }) else { return }
    logger.info("job \(jobID) attempt \(claim.attempt) claimed: \(claim.job.kind) on \(claim.lane)")
    Task { await self.execute(claim, prepared) }
  }

  private func execute(_ claim: FleetClaim, _ prepared: PreparedJob) async {
    let jobID = claim.job.id
    let progress = Mutex<Double?>(nil)
    let reporter = Task {
      var sent: Double? = nil
      while !Task.isCancelled {
        try? await Task.sleep(for: .milliseconds(500))
        let latest = progress.withLock { $0 }
        if let latest, latest != sent {
          await fleet.updateProgress(id: jobID, workerID: id, attempt: claim.attempt, latest)
          sent = latest
        }
      }
    }
    var update: JobUpdate
    var payload: [UInt8]? = nil
    var giveBack = false
    do {
      let output = try await jobs.pool.run(id: jobID, lane: prepared.lane) { context in
        try prepared.run(context) { fraction in progress.withLock { $0 = fraction } }
      }
      let queueWait = claim.job.startedAt.map { $0.timeIntervalSince(claim.job.createdAt) }
      update = .succeeded(result: output.result, timings: JobService.timingsValue(output.timings, queueWait: queueWait))
      payload = output.payload
    } catch let error as ComputeError where error.code == .cancelled {
      update = .cancelled(reason: error.message)
    } catch let error as ComputeError where error.code == .shuttingDown {
      update = .failed(error: JobFailure.describe(error))
      giveBack = true
    } catch {
      update = .failed(error: JobFailure.describe(error))
    }
    reporter.cancel()
    if giveBack {
      await fleet.release(workerID: id, jobs: [jobID])
      logger.info("job \(jobID) attempt \(claim.attempt) given back at shutdown")
    } else {
      do {
        if let record = try await fleet.finish(
          id: jobID, workerID: id, attempt: claim.attempt, update: update, payload: payload)
        {
          logger.info("job \(jobID) attempt \(claim.attempt) finished: \(record.status.rawValue)")
          // The run record is made here, where the hardware it names is.
          if let runRecord = RunRecord.make(job: record, devices: jobs.devices, host: .current) {
            await fleet.saveRecord(id: jobID, record: runRecord)
          }
        } else {
          logger.warning("job \(jobID) attempt \(claim.attempt) finished after its lease was lost; outcome dropped")
        }
      } catch {
        logger.error("could not record the end of job \(jobID): \(error); its lease will expire and it runs again")
      }
    }
    state.withLock { state in
      state.running[jobID] = nil
      state.lastActive = .now
    }
    wakeClaimer()
  }

  // MARK: - Leases and cancels

  private func heartbeats() async {
    while !Task.isCancelled {
      let holding = state.withLock { state in state.running.map { (id: $0.key, attempt: $0.value.attempt) } }
      do {
        let answer = try await fleet.heartbeat(
          workerID: id, state: holding.isEmpty ? "idle" : "busy", holding: holding, leaseSeconds: options.leaseSeconds)
        for jobID in answer.cancel {
          logger.info("job \(jobID): cancel asked; stopping it")
          jobs.pool.cancel(id: jobID)
        }
        for jobID in answer.lost {
          logger.warning("job \(jobID): this worker's lease was taken back; stopping it here")
          jobs.pool.cancel(id: jobID)
        }
      } catch {
        logger.warning("heartbeat failed: \(error)")
      }
      try? await Task.sleep(for: .milliseconds(Int(options.leaseSeconds * 1000 / 3)))
    }
  }

  private func handle(_ notification: FleetNotification) async {
    switch notification.type {
    case .queued:
      wakeClaimer()
    case .cancel:
      if let jobID = notification.id, state.withLock({ $0.running[jobID] != nil }) {
        logger.info("job \(jobID): cancel asked; stopping it")
        jobs.pool.cancel(id: jobID)
      }
    case .status, .progress, .record:
      break
    }
  }

  /// At shutdown: running jobs get the grace period, then are stopped and given back.
  private func drain() async {
    let deadline = ContinuousClock.now + .milliseconds(Int(options.graceSeconds * 1000))
    while state.withLock({ !$0.running.isEmpty }) && ContinuousClock.now < deadline {
      try? await Task.sleep(for: .milliseconds(100))
    }
    let left = state.withLock { Array($0.running.keys) }
    guard !left.isEmpty else { return }
    logger.notice("stopping \(left.count) running jobs and giving them back")
    await jobs.pool.shutdown(cancelRunning: true)
    while state.withLock({ !$0.running.isEmpty }) && ContinuousClock.now < deadline + .seconds(5) {
      try? await Task.sleep(for: .milliseconds(100))
    }
  }
}
