/// Runs experiment kinds: validates a parameter dictionary, decides the worker-pool lane, runs,
/// and returns an ``ExperimentOutcome``. The server drives every kind through this one seam:
///
/// ```swift
/// let used = try runner.validate(kind, parameters: body)          // 422s come from here
/// try pool.submit(id: id, lane: runner.lane(for: kind, parameters: used)) { context in
///   try runner.run(kind, parameters: used.values, context: context)
/// } completion: { … }
/// ```
///
/// One runner serves the process; share the ``OpenCLBackend`` with ``MatmulRunner`` so that both
/// use the same contexts and program caches. ``run(_:parameters:token:progress:)`` blocks its thread.
public final class ExperimentRunner: Sendable {
  /// The budgets every experiment's estimated cost must fit.
  public struct Configuration: Sendable {
    /// The most memory, host and device together, that one experiment may allocate by its
    /// estimate. Default 1 GiB, as for matmul (``ComputeLimits/memoryBudgetBytes``).
    public var memoryBudgetBytes: Int
    /// The longest an experiment may take by its estimate, which assumes a slow machine (see
    /// `ExperimentCost.Rates`), in seconds. Default 60; real runs here take a fraction of the estimate.
    /// Each parameter's own `max` bounds it too.
    public var timeBudgetSeconds: Double

    /// Makes a configuration; every argument has the default documented on its property.
    public init(memoryBudgetBytes: Int = 1 << 30, timeBudgetSeconds: Double = 60) {
      self.memoryBudgetBytes = memoryBudgetBytes
      self.timeBudgetSeconds = timeBudgetSeconds
    }
  }

  /// The configuration given at init.
  public let configuration: Configuration
  /// The OpenCL devices (discovered on first use).
  public let openCL: OpenCLBackend
  /// The host's name, cores and cache sizes.
  public let host: HostMachine
  /// CUDA devices (for `peak` with `backend: "cuda"`).
  public let cuda: CUDABackend

  /// Makes a runner. Pass the ``MatmulRunner``'s ``OpenCLBackend`` to share devices and program
  /// caches; `host` is injectable for tests.
  public init(
    configuration: Configuration = Configuration(), openCL: OpenCLBackend = OpenCLBackend(),
    host: HostMachine = .current, cuda: CUDABackend = CUDABackend()
  ) {
    self.configuration = configuration
    self.openCL = openCL
    self.host = host
    self.cuda = cuda
  }

  var environment: ExperimentEnvironment {
    ExperimentEnvironment(host: host, openCL: openCL, cuda: cuda, memoryBudgetBytes: configuration.memoryBudgetBytes)
  }

  /// Every kind with its parameters, this machine's defaults filled in, and whether it can run here.
  public func kinds() -> [JobKindInfo] {
    ExperimentKind.allCases.map(info)
  }

  /// One kind with its parameters, this machine's defaults filled in, and whether it can run here.
  public func info(_ kind: ExperimentKind) -> JobKindInfo {
    let implementation = kind.implementation
    var defaults = Dictionary(
      uniqueKeysWithValues: implementation.parameters.compactMap { parameter in
        parameter.defaultValue.map { (parameter.name, $0) }
      })
    implementation.fillMachineDefaults(&defaults, environment: environment)
    let parameters = implementation.parameters.map { parameter in
      var filled = parameter
      filled.defaultValue = defaults[parameter.name]
      return filled
    }
    let (blocked, partly) = implementation.unavailability(environment)
    return JobKindInfo(
      kind: kind.rawValue, title: kind.title, description: kind.description, openCL: kind.openCL,
      available: blocked == nil, reason: blocked ?? partly, parameters: parameters)
  }

  /// The worker-pool lane for validated parameters: `"cpu"` for host kinds, and for OpenCL kinds the
  /// device's lane (``OpenCLBackend/lane(device:)``): `"cpu"` for a CPU device such as PoCL, which
  /// shares the host's cores, `"opencl:<index>"` otherwise. `bandwidth` with `target` `both` runs
  /// on the host too and takes `"cpu"`.
  public func lane(for kind: ExperimentKind, parameters: JobParameters) -> String {
    kind.implementation.lane(parameters, environment: environment)
  }

  /// Runs `kind` to the end on the calling thread.
  ///
  /// - Parameters:
  ///   - parameters: the request's values by name; missing ones take their defaults.
  ///   - token: checked between pieces (each kernel launch, each sweep point, each repeat);
  ///     cancelling it stops the run within one piece.
  ///   - progress: called on this thread with a fraction in 0…1, non-decreasing, ending with 1.
  /// - Throws: ``ComputeError``: the validation codes of ``validate(_:parameters:)``,
  ///   `.cancelled`/`.timedOut`/`.shuttingDown` from the token, `.deviceFailure` for an OpenCL
  ///   failure, `.singularMatrix` if LAPACK meets one.
  public func run(
    _ kind: ExperimentKind, parameters: [String: JobValue], token: CancellationToken = CancellationToken(),
    progress: (Double) -> Void = { _ in }
  ) throws(ComputeError) -> ExperimentOutcome {
    let watch = Stopwatch()
    let environment = self.environment
    let (used, experiment, validationFlags) = try prepare(kind, parameters: parameters, environment: environment)
    try token.check()
    do {
      let runtime =
        kind.implementation.usesOpenCL(used) ? try openCL.runtime(device: used.int("device")) : nil
      return try withoutActuallyEscaping(progress) { progress in
        let session = ExperimentSession(
          token: token, environment: environment, runtime: runtime,
          progressUnits: experiment.cost.progressUnits, progress: progress)
        let report = try experiment.run(session)
        var timings = session.timings
        timings.totalSeconds = watch.seconds
        let flags = SanityChecks.flags(
          measurements: timings.measurements, figures: report.figures, workingSets: report.workingSets,
          inputFlags: session.inputFlags, concurrentJobs: [],
          context: .machine(host: host, device: runtime?.device.info, emptyLaunchSeconds: session.emptyLaunchSeconds()))
        session.finish()
        return ExperimentOutcome(
          kind: kind, parameters: used, figures: report.figures, series: report.series,
          verification: report.verification, timings: timings, device: report.device, summary: report.summary,
          flags: validationFlags + flags)
      }
    } catch let error as ComputeError {
      throw error
    } catch let error as OpenCLError {
      throw .openCL(error)
    } catch {
      throw ComputeError(.deviceFailure, message: "unexpected error: \(error)")
    }
  }

  /// Runs `kind` as a ``WorkerPool`` job: the job's token and progress, and the ids of jobs that
  /// overlapped it in `timings.concurrent_jobs`.
  public func run(
    _ kind: ExperimentKind, parameters: [String: JobValue], context: JobContext
  ) throws(ComputeError) -> ExperimentOutcome {
    var outcome = try run(kind, parameters: parameters, token: context.token, progress: context.reportProgress)
    outcome.noteConcurrentJobs(context.concurrentJobs())
    return outcome
  }
}

extension Experiment {
  static func lane(_ parameters: JobParameters, environment: ExperimentEnvironment) -> String {
    usesOpenCL(parameters) ? environment.openCL.lane(device: parameters.int("device")) : "cpu"
  }

  /// Kinds that need OpenCL are blocked without it; the others always run.
  static func unavailability(_ environment: ExperimentEnvironment) -> (blocked: String?, partly: String?) {
    guard kind.openCL == .required, case .unavailable(let why) = environment.openCL.availability else { return (nil, nil) }
    return ("needs OpenCL, which is unavailable: \(why)", nil)
  }
}
