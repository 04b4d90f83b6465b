import Dispatch
import Foundation
import Synchronization
import Testing
@testable import Compute

@Suite("WorkerPool")
struct WorkerPoolTests {
  /// A job that waits for `gate` (checking its token so that cancellation also ends it).
  static func blocker(_ gate: Gate, started: Gate? = nil) -> @Sendable (JobContext) throws -> String {
    { context in
      started?.open()
      gate.wait()
      try context.token.check()
      return context.id
    }
  }

  /// A job that polls its token every millisecond until cancelled (at most 30 s).
  static let untilCancelled: @Sendable (JobContext) throws -> String = { context in
    let deadline = DispatchTime.now() + 30
    while DispatchTime.now() < deadline {
      try context.token.check()
      usleep(1_000)
    }
    return "never cancelled"
  }

  @Test func aFullQueueRejectsTheNextJob() throws {
    let pool = WorkerPool(configuration: .init(queueCapacity: 2))
    let gate = Gate()
    let done = (0..<3).map { _ in Completion<String>() }
    for (index, completion) in done.enumerated() {
      try pool.submit(id: "job\(index)", lane: "cpu", work: Self.blocker(gate), completion: completion.fulfil)
    }
    #expect(pool.queuedCount == 2)
    let error = thrownError {
      try pool.submit(id: "job3", lane: "cpu", work: Self.blocker(gate), completion: { _ in })
    } as? ComputeError
    #expect(error?.code == .queueFull)
    #expect(error?.limit == 2)
    gate.open()
    #expect(done.map { try? $0.wait()?.get() } == ["job0", "job1", "job2"])
    pool.syncShutdown()
  }

  @Test func aDuplicateIdIsRejected() throws {
    let pool = WorkerPool()
    let gate = Gate()
    try pool.submit(id: "same", lane: "cpu", work: Self.blocker(gate), completion: { _ in })
    let error = thrownError {
      try pool.submit(id: "same", lane: "other", work: Self.blocker(gate), completion: { _ in })
    } as? ComputeError
    #expect(error?.code == .duplicateJob)
    gate.open()
    pool.syncShutdown()
  }

  @Test func cancellingAQueuedJobCompletesItAtOnceWithoutRunningIt() throws {
    let pool = WorkerPool()
    let gate = Gate()
    let ran = Mutex(false)
    let queued = Completion<String>()
    try pool.submit(id: "first", lane: "cpu", work: Self.blocker(gate), completion: { _ in })
    try pool.submit(
      id: "second", lane: "cpu",
      work: { _ in
        ran.withLock { $0 = true }
        return "ran"
      }, completion: queued.fulfil)
    #expect(pool.status(of: "second") == .queued(lane: "cpu", position: 0))
    #expect(pool.cancel(id: "second") == .removedFromQueue)
    #expect(errorCode(queued.current) == .cancelled)
    #expect(pool.status(of: "second") == nil)
    gate.open()
    pool.syncShutdown()
    #expect(ran.withLock { $0 } == false)
    #expect(pool.cancel(id: "second") == .notFound)
  }

  @Test func cancellingARunningJobSignalsItsToken() throws {
    let pool = WorkerPool()
    let done = Completion<String>()
    try pool.submit(id: "long", lane: "cpu", work: Self.untilCancelled, completion: done.fulfil)
    #expect(eventually { if case .running = pool.status(of: "long") { true } else { false } })
    #expect(pool.cancel(id: "long") == .signalledRunning)
    #expect(errorCode(done.wait()) == .cancelled)
    pool.syncShutdown()
  }

  @Test func aJobPastItsTimeoutIsCancelledAsTimedOut() throws {
    let pool = WorkerPool(configuration: .init(jobTimeout: .milliseconds(100)))
    let done = Completion<String>()
    try pool.submit(id: "slow", lane: "cpu", work: Self.untilCancelled, completion: done.fulfil)
    let result = done.wait()
    #expect(errorCode(result) == .timedOut)
    pool.syncShutdown()
  }

  @Test func aPerJobTimeoutOverridesTheDefault() throws {
    let pool = WorkerPool()
    let done = Completion<String>()
    try pool.submit(id: "slow", lane: "cpu", timeout: .milliseconds(50), work: Self.untilCancelled, completion: done.fulfil)
    #expect(errorCode(done.wait()) == .timedOut)
    pool.syncShutdown()
  }

  @Test func jobsInOneLaneRunOneAtATimeInOrder() throws {
    let pool = WorkerPool()
    let inside = Mutex((now: 0, most: 0, order: [String]()))
    let done = (0..<4).map { _ in Completion<[String]>() }
    for (index, completion) in done.enumerated() {
      try pool.submit(
        id: "j\(index)", lane: "opencl:0",
        work: { context in
          inside.withLock {
            $0.now += 1
            $0.most = max($0.most, $0.now)
            $0.order.append(context.id)
          }
          usleep(20_000)
          inside.withLock { $0.now -= 1 }
          return context.concurrentJobs()
        }, completion: completion.fulfil)
    }
    for completion in done { #expect(try completion.wait()?.get() == []) }
    #expect(inside.withLock { $0.most } == 1)
    #expect(inside.withLock { $0.order } == ["j0", "j1", "j2", "j3"])
    pool.syncShutdown()
  }

  @Test func jobsInDifferentLanesOverlapAndSeeEachOther() throws {
    let pool = WorkerPool()
    let aStarted = Gate()
    let bStarted = Gate()
    let a = Completion<[String]>()
    let b = Completion<[String]>()
    // Each waits until the other has started, which can only happen if the lanes run in parallel.
    try pool.submit(
      id: "a", lane: "cpu",
      work: { context in
        aStarted.open()
        bStarted.wait()
        return context.concurrentJobs()
      }, completion: a.fulfil)
    try pool.submit(
      id: "b", lane: "opencl:0",
      work: { context in
        bStarted.open()
        aStarted.wait()
        return context.concurrentJobs()
      }, completion: b.fulfil)
    #expect(try a.wait()?.get() == ["b"])
    #expect(try b.wait()?.get() == ["a"])
    pool.syncShutdown()
  }

  @Test func progressIsVisibleInTheStatus() throws {
    let pool = WorkerPool()
    let gate = Gate()
    let reported = Gate()
    try pool.submit(
      id: "p", lane: "cpu",
      work: { context in
        context.reportProgress(0.25)
        reported.open()
        gate.wait()
        return 0
      }, completion: { _ in })
    reported.wait()
    #expect(pool.status(of: "p") == .running(lane: "cpu", progress: 0.25, cancelling: false))
    gate.open()
    pool.syncShutdown()
  }

  @Test func shutdownDropsQueuedJobsWaitsForRunningOnesAndRefusesNewOnes() throws {
    let pool = WorkerPool()
    let gate = Gate()
    let started = Gate()
    let running = Completion<String>()
    let queued = Completion<String>()
    try pool.submit(id: "running", lane: "cpu", work: Self.blocker(gate, started: started), completion: running.fulfil)
    try pool.submit(id: "queued", lane: "cpu", work: Self.blocker(gate), completion: queued.fulfil)
    started.wait()
    DispatchQueue.global().asyncAfter(deadline: .now() + 0.05) { gate.open() }
    pool.syncShutdown()
    #expect(pool.state == .stopped)
    #expect(try running.current?.get() == "running")
    #expect(errorCode(queued.current) == .shuttingDown)
    let error = thrownError { try pool.submit(id: "late", lane: "cpu", work: { _ in 1 }, completion: { _ in }) }
    #expect((error as? ComputeError)?.code == .shuttingDown)
  }

  @Test func aCancellingShutdownStopsRunningJobs() throws {
    let pool = WorkerPool()
    let done = Completion<String>()
    try pool.submit(id: "long", lane: "cpu", work: Self.untilCancelled, completion: done.fulfil)
    #expect(eventually { pool.runningJobs == ["long"] })
    #expect(pool.state == .running)
    pool.syncShutdown(cancelRunning: true)
    #expect(pool.state == .stopped)
    #expect(errorCode(done.current) == .shuttingDown)
  }

  @Test func runBridgesToAsyncAndForwardsTaskCancellation() async throws {
    let pool = WorkerPool()
    let answer = try await pool.run(id: "answer", lane: "cpu") { _ in 42 }
    #expect(answer == 42)

    let task = Task { try await pool.run(id: "long", lane: "cpu", Self.untilCancelled) }
    #expect(await eventuallyAsync { pool.runningJobs == ["long"] })
    task.cancel()
    let result = await task.result
    #expect(errorCode(result) == .cancelled)
    await pool.shutdown()
    #expect(pool.state == .stopped)
  }

  @Test func aMatmulRunsAsAPoolJobWithProgress() async throws {
    let pool = WorkerPool()
    let spec = MatmulSpec(m: 30, k: 20, n: 10, backend: .cpuNaive, repeats: 2)
    let outcome = try await pool.run(id: "mm", lane: sharedRunner.lane(for: spec)) { context in
      try sharedRunner.run(spec, context: context)
    }
    #expect(outcome.summary.maxRelError < 1e-5)
    #expect(outcome.timings.concurrentJobs == [])
    await pool.shutdown()
  }

  /// Submits `spec` to a fresh pool, cancels it from this thread once it reports progress, and
  /// returns the job's result.
  func cancelMidway(_ spec: MatmulSpec, runner: MatmulRunner) throws -> Result<MatmulOutcome, any Error>? {
    let pool = WorkerPool()
    let done = Completion<MatmulOutcome>()
    try pool.submit(
      id: "mm", lane: runner.lane(for: spec), work: { try runner.run(spec, context: $0) }, completion: done.fulfil)
    let progressed = eventually {
      if case .running(_, let progress, _) = pool.status(of: "mm") { progress > 0 } else { false }
    }
    #expect(progressed)
    #expect(pool.cancel(id: "mm") == .signalledRunning)
    let result = done.wait()
    pool.syncShutdown()
    return result
  }

  @Test func aRunningNaiveMatmulIsCancelledFromAnotherThread() throws {
    let spec = MatmulSpec(m: 300, k: 300, n: 300, backend: .cpuNaive, repeats: 3)
    #expect(errorCode(try cancelMidway(spec, runner: sharedRunner)) == .cancelled)
  }

  @Test(.enabled(if: openCLAvailable))
  func aRunningOpenCLMatmulIsCancelledFromAnotherThread() throws {
    // 64-row bands of k = n = 256: 4 launches per run, 1 + 20 runs.
    let runner = MatmulRunner(configuration: .init(openCLBlockMultiplyAdds: 64 * 256 * 256), openCL: sharedRunner.openCL)
    let spec = MatmulSpec(m: 256, k: 256, n: 256, backend: .opencl, kernel: .naive, repeats: 20)
    #expect(errorCode(try cancelMidway(spec, runner: runner)) == .cancelled)
  }
}
