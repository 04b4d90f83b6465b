import Dispatch
import Synchronization

/// Runs blocking compute jobs on Dispatch threads, one at a time per lane by default.
///
/// A lane is a device ("cpu", "opencl:0"); jobs in a lane run in submission order, and
/// ``Configuration/jobsPerLane`` (default 1) of them at once, so their timings are not polluted.
/// The queue is bounded (`.queueFull`), each job has a timeout, ``cancel(id:)`` drops a queued job
/// at once and signals a running one through its ``CancellationToken``, and ``shutdown(cancelRunning:)``
/// refuses new jobs, drops queued ones and waits for running ones.
///
/// The hot path is plain Dispatch; ``run(id:lane:timeout:_:)`` is the one bridge to async.
///
/// ```swift
/// try pool.submit(id: "job-1", lane: runner.lane(for: spec), work: { context in
///   try runner.run(spec, context: context)
/// }, completion: { result in … })
/// ```
public final class WorkerPool: Sendable {
  /// A submitted job, type-erased.
  struct Job: Sendable {
    let id: String
    let lane: String
    let token: CancellationToken
    let timeout: Duration
    /// Runs the work and returns the delivery of its result, called after the pool's books are updated.
    let run: @Sendable (JobContext) -> @Sendable () -> Void
    /// Delivers an error without running (cancelled while queued, dropped at shutdown).
    let abandon: @Sendable (ComputeError) -> Void
  }

  struct Running: Sendable {
    let job: Job
    var progress: Double = 0
    var overlaps: [String] = []
  }

  struct Lane: Sendable {
    var queue: [Job] = []
    var running = 0
  }

  struct Books: Sendable {
    var state: State = .running
    var lanes: [String: Lane] = [:]
    var queued = 0
    var running: [String: Running] = [:]
    var shutdownWaiters: [@Sendable () -> Void] = []
    /// Called, and removed, when no job runs any more (see ``whenIdle(_:)``), by id.
    var idleWaiters: [Int: @Sendable () -> Void] = [:]
    var nextWaiter = 0
  }

  /// The configuration given at init.
  public let configuration: Configuration
  private let books = Mutex(Books())
  /// Timers for job timeouts (short closures only).
  private let timers = DispatchQueue.global(qos: .userInitiated)

  /// Makes a running pool.
  public init(configuration: Configuration = Configuration()) {
    self.configuration = configuration
  }

  /// The pool's lifecycle state.
  public var state: State { books.withLock { $0.state } }

  /// Jobs waiting, all lanes together.
  public var queuedCount: Int { books.withLock { $0.queued } }

  /// Ids of the running jobs, sorted.
  public var runningJobs: [String] { books.withLock { $0.running.keys.sorted() } }

  /// Queues `work` in `lane`, or starts it at once if the lane has room.
  ///
  /// `completion` is called exactly once, on a pool thread (or on the canceller's thread for a
  /// job cancelled while queued), with the work's result or a ``ComputeError``
  /// (`.cancelled`, `.timedOut`, `.shuttingDown`) for a job that did not run to the end.
  ///
  /// - Parameter timeout: overrides ``Configuration/jobTimeout`` for this job.
  /// - Throws: ``ComputeError`` `.queueFull`, `.duplicateJob` or `.shuttingDown`; the job is then not taken.
  public func submit<T: Sendable>(
    id: String, lane: String, timeout: Duration? = nil,
    work: @escaping @Sendable (JobContext) throws -> T,
    completion: @escaping @Sendable (Result<T, any Error>) -> Void
  ) throws(ComputeError) {
    let job = Job(
      id: id, lane: lane, token: CancellationToken(), timeout: timeout ?? configuration.jobTimeout,
      run: { context in
        let result = Result { try work(context) }
        return { completion(result) }
      },
      abandon: { error in completion(.failure(error)) })
    let start = try books.withLock { (books) throws(ComputeError) -> Job? in
      guard books.state == .running else {
        throw ComputeError(.shuttingDown, message: "the worker pool is \(books.state.rawValue) and takes no new jobs")
      }
      guard books.running[id] == nil, !books.lanes.values.contains(where: { $0.queue.contains { $0.id == id } })
      else {
        throw ComputeError(.duplicateJob, field: "id", message: "a job with id '\(id)' is already queued or running")
      }
      var laneBooks = books.lanes[lane, default: Lane()]
      if laneBooks.running < max(configuration.jobsPerLane, 1) && laneBooks.queue.isEmpty {
        laneBooks.running += 1
        books.lanes[lane] = laneBooks
        markRunning(job, in: &books)
        return job
      }
      guard books.queued < configuration.queueCapacity else {
        throw ComputeError(
          .queueFull, message: "the job queue is full (\(configuration.queueCapacity) jobs waiting); try again later",
          limit: configuration.queueCapacity)
      }
      laneBooks.queue.append(job)
      books.lanes[lane] = laneBooks
      books.queued += 1
      return nil
    }
    if let start { dispatch(start) }
  }

  /// Cancels a job: a queued one is removed and completed with `.cancelled` before this returns;
  /// a running one has its token cancelled and stops at its next check.
  @discardableResult
  public func cancel(id: String) -> CancelOutcome {
    let (outcome, removed) = books.withLock { books -> (CancelOutcome, Job?) in
      if let running = books.running[id] {
        running.job.token.cancel(.requested)
        return (.signalledRunning, nil)
      }
      for (name, var lane) in books.lanes {
        if let position = lane.queue.firstIndex(where: { $0.id == id }) {
          let job = lane.queue.remove(at: position)
          books.lanes[name] = lane
          books.queued -= 1
          return (.removedFromQueue, job)
        }
      }
      return (.notFound, nil)
    }
    removed?.abandon(.cancelled(.requested))
    return outcome
  }

  /// Where job `id` is, or `nil` if it is neither queued nor running.
  public func status(of id: String) -> JobStatus? {
    books.withLock { books in
      if let running = books.running[id] {
        return .running(lane: running.job.lane, progress: running.progress, cancelling: running.job.token.isCancelled)
      }
      for (name, lane) in books.lanes {
        if let position = lane.queue.firstIndex(where: { $0.id == id }) { return .queued(lane: name, position: position) }
      }
      return nil
    }
  }

  // MARK: - Running jobs

  /// Books `job` as running and records overlaps both ways. Call with the lock held.
  private func markRunning(_ job: Job, in books: inout Books) {
    var record = Running(job: job)
    for id in books.running.keys.sorted() {
      books.running[id]?.overlaps.append(job.id)
      record.overlaps.append(id)
    }
    books.running[job.id] = record
  }

  /// Arms the job's timeout and runs it on a pool thread.
  private func dispatch(_ job: Job) {
    // The timer holds only the token. It is not disarmed when the job ends early (DispatchWorkItem
    // is not Sendable on Linux); firing on a finished job's token is harmless, and the closure is
    // freed when it fires.
    let token = job.token
    let seconds = job.timeout.seconds
    timers.asyncAfter(deadline: .now() + seconds) { token.cancel(.timedOut(seconds: seconds)) }
    // A serial queue per job runs on libdispatch's overcommitting root queue: the job gets a
    // thread of its own even when the width-limited global queue (where the HTTP connection
    // loops run) is busy, and a CPU-bound job never holds a thread the loops need.
    DispatchQueue(label: "hpclab.job.\(job.lane)", qos: .userInitiated).async { self.execute(job) }
  }

  private func execute(_ job: Job) {
    let deliver = job.run(JobContext(id: job.id, lane: job.lane, token: job.token, pool: self))
    let (next, waiters) = books.withLock { books -> ([Job], [@Sendable () -> Void]) in
      books.running.removeValue(forKey: job.id)
      var next: [Job] = []
      if var lane = books.lanes[job.lane] {
        lane.running -= 1
        while lane.running < max(configuration.jobsPerLane, 1), !lane.queue.isEmpty {
          let queued = lane.queue.removeFirst()
          books.queued -= 1
          lane.running += 1
          markRunning(queued, in: &books)
          next.append(queued)
        }
        books.lanes[job.lane] = lane.running == 0 && lane.queue.isEmpty ? nil : lane
      }
      var waiters: [@Sendable () -> Void] = []
      if books.state == .shuttingDown, books.running.isEmpty {
        books.state = .stopped
        waiters = books.shutdownWaiters
        books.shutdownWaiters = []
      }
      if books.running.isEmpty {
        waiters += books.idleWaiters.values
        books.idleWaiters = [:]
      }
      return (next, waiters)
    }
    next.forEach(dispatch)
    deliver()
    waiters.forEach { $0() }
  }

  func recordProgress(of id: String, _ fraction: Double) {
    books.withLock { books in
      if let old = books.running[id]?.progress, fraction > old { books.running[id]?.progress = fraction }
    }
  }

  func overlaps(of id: String) -> [String] {
    books.withLock { $0.running[id]?.overlaps ?? [] }
  }

  // MARK: - Idle and shutdown

  /// Calls `action` once no job runs (at once when none does); returns an id for
  /// ``cancelIdleWaiter(_:)``, or `nil` when it was called at once.
  func whenIdle(_ action: @escaping @Sendable () -> Void) -> Int? {
    let id: Int? = books.withLock { books in
      guard !books.running.isEmpty else { return nil }
      books.nextWaiter += 1
      books.idleWaiters[books.nextWaiter] = action
      return books.nextWaiter
    }
    if id == nil { action() }
    return id
  }

  /// Removes a waiter set by ``whenIdle(_:)``; returns it when it had not been called yet.
  func cancelIdleWaiter(_ id: Int) -> (@Sendable () -> Void)? {
    books.withLock { $0.idleWaiters.removeValue(forKey: id) }
  }

  /// Starts shutting down and calls `whenStopped` once no job runs (at once if none does).
  func beginShutdownForAsync(cancelRunning: Bool, whenStopped: @escaping @Sendable () -> Void) {
    beginShutdown(cancelRunning: cancelRunning, whenStopped: whenStopped)
  }

  private func beginShutdown(cancelRunning: Bool, whenStopped: @escaping @Sendable () -> Void) {
    let (dropped, stoppedNow) = books.withLock { books -> ([Job], Bool) in
      if books.state == .stopped { return ([], true) }
      books.state = .shuttingDown
      let dropped = books.lanes.keys.sorted().flatMap { books.lanes[$0]?.queue ?? [] }
      for name in Array(books.lanes.keys) { books.lanes[name]?.queue = [] }
      books.queued = 0
      if cancelRunning { books.running.values.forEach { $0.job.token.cancel(.shutdown) } }
      if books.running.isEmpty {
        books.state = .stopped
        return (dropped, true)
      }
      books.shutdownWaiters.append(whenStopped)
      return (dropped, false)
    }
    for job in dropped {
      job.abandon(ComputeError(.shuttingDown, message: "the job was dropped from the queue because the worker pool is shutting down"))
    }
    if stoppedNow { whenStopped() }
  }

  /// Refuses new jobs, completes queued ones with `.shuttingDown`, and blocks until running jobs
  /// have finished (cancelling them first when `cancelRunning`); the state is then `.stopped`.
  public func syncShutdown(cancelRunning: Bool = false) {
    let stopped = DispatchSemaphore(value: 0)
    beginShutdown(cancelRunning: cancelRunning) { stopped.signal() }
    stopped.wait()
  }
}
