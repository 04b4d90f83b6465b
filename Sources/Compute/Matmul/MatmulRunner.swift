/// Runs matmul specs: validates, makes the inputs, runs a warm-up and the timed repeats on the
/// chosen backend, checks the result against a float64 BLAS reference, and summarises.
///
/// One runner serves the whole process (it holds the OpenCL devices and their program caches).
/// ``run(_:token:progress:)`` blocks its thread; call it from a ``WorkerPool`` job.
public final class MatmulRunner: Sendable {
  /// Limits and how finely long work is split.
  public struct Configuration: Sendable {
    /// Spec limits. Default ``ComputeLimits/init(maxDimension:maxRepeats:memoryBudgetBytes:)`` defaults.
    public var limits: ComputeLimits
    /// Multiply-adds per OpenCL kernel launch, at most (rounded to whole 64×64 blocks).
    /// Default 2²⁷ (0.27 GFLOP: about 10 ms for the blocked kernel on PoCL's CPU device here); the
    /// naive kernel, far slower, gets a quarter. Launches run one at a time with a cancellation
    /// check between them, so cancellation takes effect well within a second, and no launch trips
    /// a GPU watchdog.
    public var openCLBlockMultiplyAdds: Int
    /// Multiply-adds per BLAS call, at most. Default 2³⁰ (2 GFLOP: a few tens of milliseconds).
    public var blasBlockMultiplyAdds: Int
    /// Multiply-adds per block of the cpu-naive loop between cancellation checks. Default 2²² (4 M).
    public var naiveBlockMultiplyAdds: Int
    /// A cap on the work-group size chosen for the tiled and blocked kernels, below the device's
    /// own limits; `nil` (the default) uses the device's. Smaller caps select smaller tiles, as a
    /// device with tighter limits would.
    public var maxWorkGroupSize: Int?
    /// Seconds one OpenCL launch should take at most, about, once the warm-up has measured the
    /// device's speed (see ``LaunchSizer``). Default 0.05.
    public var openCLLaunchSeconds: Double = 0.05

    /// Makes a configuration; every argument has the default documented on its property.
    public init(
      limits: ComputeLimits = ComputeLimits(), openCLBlockMultiplyAdds: Int = 1 << 27,
      blasBlockMultiplyAdds: Int = 1 << 30, naiveBlockMultiplyAdds: Int = 1 << 22, maxWorkGroupSize: Int? = nil
    ) {
      self.limits = limits
      self.openCLBlockMultiplyAdds = openCLBlockMultiplyAdds
      self.blasBlockMultiplyAdds = blasBlockMultiplyAdds
      self.naiveBlockMultiplyAdds = naiveBlockMultiplyAdds
      self.maxWorkGroupSize = maxWorkGroupSize
    }
  }

  /// The configuration given at init.
  public let configuration: Configuration
  /// The OpenCL devices (discovered on first use).
  public let openCL: OpenCLBackend
  /// Tuned configurations of the `auto` kernel, per device, dtype and size class.
  public let tuning: TuningTable
  /// CUDA devices (libraries opened on first use).
  public let cuda: CUDABackend

  /// Makes a runner. Pass an ``OpenCLBackend`` to share one, or to inject discovery in tests.
  public init(
    configuration: Configuration = Configuration(), openCL: OpenCLBackend = OpenCLBackend(),
    tuning: TuningTable = TuningTable(), cuda: CUDABackend = CUDABackend()
  ) {
    self.configuration = configuration
    self.openCL = openCL
    self.tuning = tuning
    self.cuda = cuda
  }

  /// Backends that can run here: `blas` and `cpu-naive` always, `opencl` when a device was found.
  public var availableBackends: [Backend] {
    (openCL.availability == .available ? [.blas, .opencl, .cpuNaive] : [.blas, .cpuNaive])
      + (cuda.availability == .available ? [.cuda] : [])
  }

  /// The worker-pool lane for a spec: `"cpu"` for blas and cpu-naive, and for OpenCL the lane of
  /// the resolved device (``OpenCLBackend/lane(device:)``): `"cpu"` again for a CPU device such as
  /// PoCL, which shares the host's cores, `"opencl:<device>"` for a GPU. One job per lane at a time
  /// keeps timings clean; the `concurrent_jobs` note in the timings shows when jobs overlapped.
  public func lane(for spec: MatmulSpec) -> String {
    if spec.backend == .cuda { return "cuda:\(spec.device ?? 0)" }
    guard spec.backend == .opencl else { return "cpu" }
    return openCL.lane(device: spec.device ?? openCL.defaultDeviceIndex ?? 0)
  }

  /// Runs a spec to the end, on the calling thread.
  ///
  /// - Parameters:
  ///   - token: checked between pieces of work (BLAS calls, OpenCL launches, loop blocks, repeats);
  ///     cancelling it stops the job within one piece.
  ///   - progress: called on this thread with a fraction in 0…1, non-decreasing, ending with 1.
  ///     Warm-up, each repeat and the reference product each count as one m·n·k share.
  /// - Throws: ``ComputeError``: validation codes, `.cancelled`/`.timedOut`/`.shuttingDown` from the
  ///   token, `.deviceFailure` for an OpenCL failure.
  public func run(
    _ spec: MatmulSpec, token: CancellationToken = CancellationToken(), progress: (Double) -> Void = { _ in }
  ) throws(ComputeError) -> MatmulOutcome {
    let watch = Stopwatch()
    try validate(spec)
    try token.check()
    do {
      var outcome = try withoutActuallyEscaping(progress) { progress in
        var meter = ProgressMeter(totalUnits: Double(spec.repeats + 2) * Double(spec.multiplyAdds), report: progress)
        let outcome: MatmulOutcome
        switch spec.dtype {
        case .float32: outcome = try execute(spec, as: Float.self, token: token, meter: &meter)
        case .float64: outcome = try execute(spec, as: Double.self, token: token, meter: &meter)
        }
        meter.finish()
        return outcome
      }
      outcome.timings.totalSeconds = watch.seconds
      return outcome
    } catch let error as ComputeError {
      throw error
    } catch let error as OpenCLError {
      throw .openCL(error)
    } catch {
      throw ComputeError(.deviceFailure, message: "unexpected error: \(error)")
    }
  }

  /// Runs a spec as a ``WorkerPool`` job: the job's token and progress, and the ids of jobs that
  /// overlapped it in `timings.concurrentJobs`.
  public func run(_ spec: MatmulSpec, context: JobContext) throws(ComputeError) -> MatmulOutcome {
    var outcome = try run(spec, token: context.token, progress: context.reportProgress)
    outcome.timings.concurrentJobs = context.concurrentJobs()
    return outcome
  }

  /// The device catalog: BLAS, and each OpenCL platform and device.
  public func deviceCatalog() -> DeviceCatalog {
    DeviceCatalog(blas: BLAS.info, openCL: openCL, cuda: cuda, backends: availableBackends)
  }
}
