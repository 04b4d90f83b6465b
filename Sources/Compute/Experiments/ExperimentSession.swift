/// The state of one running experiment: its token, progress, the timings collected so far and,
/// for OpenCL kinds, the device. Confined to the thread that runs the experiment.
final class ExperimentSession {
  let token: CancellationToken
  let environment: ExperimentEnvironment
  /// The OpenCL device's runtime, for kinds that use one.
  let runtime: OpenCLBackend.DeviceRuntime?
  private(set) var timings = ExperimentTimings()
  /// Flags about the inputs, from ``inspect(_:_:)``.
  private(set) var inputFlags: [SanityFlag] = []
  private var meter: ProgressMeter
  /// The clock the adaptive repeats read, in seconds (monotonic; a test may give its own).
  let now: () -> Double
  /// How a measurement of `repeats` samples may extend itself.
  let repeatPolicy: (Int) -> AdaptiveRepeats.Policy

  init(
    token: CancellationToken, environment: ExperimentEnvironment, runtime: OpenCLBackend.DeviceRuntime?,
    progressUnits: Int, progress: @escaping (Double) -> Void,
    now: @escaping () -> Double = Stopwatch.monotonicSeconds,
    repeatPolicy: @escaping (Int) -> AdaptiveRepeats.Policy = AdaptiveRepeats.Policy.experiment
  ) {
    self.now = now
    self.repeatPolicy = repeatPolicy
    self.token = token
    self.environment = environment
    self.runtime = runtime
    self.meter = ProgressMeter(totalUnits: Double(progressUnits), report: progress)
  }

  /// Throws the token's error once it is cancelled; called between pieces of work.
  func check() throws(ComputeError) { try token.check() }

  /// Records `units` of finished work for the progress callback.
  func advance(_ units: Int = 1) { meter.advance(by: Double(units)) }

  func finish() { meter.finish() }

  /// Runs `body` `warmups` times untimed, then timed at least `repeats` times and on (see
  /// ``AdaptiveRepeats/Policy/experiment(repeats:)``) until the median settles, checking the token
  /// before each run and advancing progress by one for each of the first `warmups + repeats`;
  /// records and returns the measurement.
  ///
  /// `body` returns the seconds of its run on the given clock: for `.host` it may return `nil`
  /// to have the host clock around the call used.
  @discardableResult
  func measure(
    _ name: String, clock: ExperimentMeasurement.Clock, includes: String, repeats: Int, warmups: Int = 1,
    reported: ExperimentMeasurement.Statistic = .best, _ body: () throws -> Double?
  ) throws -> ExperimentMeasurement {
    func timed() throws -> Double {
      try check()
      let watch = Stopwatch()
      let reportedSeconds = try body()
      return max(reportedSeconds ?? watch.seconds, 1e-9)
    }
    for _ in 0..<warmups {
      _ = try timed()
      advance()
    }
    var repeater = AdaptiveRepeats(policy: repeatPolicy(repeats), now: now())
    var stop = AdaptiveRepeats.Stop.fixed
    while true {
      let sample = try timed()
      if repeater.samples.count < repeats { advance() }
      if case .stop(let reason) = repeater.record(sample, now: now()) {
        stop = reason
        break
      }
    }
    let measurement = ExperimentMeasurement(
      name: name, clock: clock, includes: includes, warmups: warmups, samples: repeater.samples, reported: reported,
      targetSpread: repeater.policy.targetSpread, stopped: stop)
    timings.measurements.append(measurement)
    return measurement
  }

  /// Records a measurement whose samples the kind took itself (STREAM interleaves its kernels
  /// within each iteration, so it cannot time one kernel's runs back to back): a fixed count.
  @discardableResult
  func record(
    _ name: String, clock: ExperimentMeasurement.Clock, includes: String, warmups: Int, samples: [Double],
    reported: ExperimentMeasurement.Statistic = .best
  ) -> ExperimentMeasurement {
    let measurement = ExperimentMeasurement(
      name: name, clock: clock, includes: includes, warmups: warmups, samples: samples.map { max($0, 1e-9) },
      reported: reported, stopped: .fixed)
    timings.measurements.append(measurement)
    return measurement
  }

  /// Flags `values` when they are all zero or all one value (``SanityChecks/inputFlag(_:_:)``).
  func inspect<T: BinaryFloatingPoint>(_ name: String, _ values: UnsafeBufferPointer<T>) {
    if let flag = SanityChecks.inputFlag(name, values) { inputFlags.append(flag) }
  }

  /// Adds a flag the kind knows of by construction.
  func flag(_ flag: SanityFlag) { inputFlags.append(flag) }

  func inspect<T: BinaryFloatingPoint>(_ name: String, _ values: [T]) {
    values.withUnsafeBufferPointer { inspect(name, $0) }
  }

  /// The device time of an empty kernel launch (the least of five, after one warm-up), for the
  /// sanity checks; in no timing of the run. Nil off OpenCL or when it cannot be measured.
  func emptyLaunchSeconds() -> Double? {
    guard let runtime else { return nil }
    let source = "__kernel void hpclab_empty(__global float *unused) { }"
    guard let program = try? runtime.programs.program(for: runtime.context, source: source, options: "").program,
      let kernel = try? program.makeKernel(named: "hpclab_empty"),
      let buffer = try? OpenCL.Buffer(context: runtime.context, bytes: 4, access: .readWrite), (try? kernel.setArgument(0, buffer)) != nil
    else { return nil }
    let times = (0..<6).compactMap { _ in try? runtime.queue.run(kernel: kernel, global: (1, 1), local: nil) }
    return times.dropFirst().min()
  }

  /// Runs `body` and adds its host time to `setup_seconds`.
  func setup<T>(_ body: () throws -> T) rethrows -> T {
    let watch = Stopwatch()
    defer { timings.setupSeconds += watch.seconds }
    return try body()
  }

  /// Runs `body` and adds its host time to `verification_seconds`.
  func verifying<T>(_ body: () throws -> T) rethrows -> T {
    let watch = Stopwatch()
    defer { timings.verificationSeconds += watch.seconds }
    return try body()
  }

  // MARK: - OpenCL

  /// The device's runtime; only OpenCL kinds call this, and the runner gives them one.
  var device: OpenCLBackend.DeviceRuntime {
    guard let runtime else { preconditionFailure("an OpenCL experiment ran without a device runtime") }
    return runtime
  }

  /// `"<name> (OpenCL device <index>, <type>)"`.
  var deviceDescription: String {
    let info = device.device.info
    return "\(info.name) (OpenCL device \(info.index), \(info.type))"
  }

  /// `"<cpu name> (<cores> cores)"`.
  var hostDescription: String { "\(environment.host.cpuName) (host, \(environment.host.cores) cores)" }

  /// The kernel `function` of `source` built with `options`, from the device's program cache;
  /// the build time is added to `build_seconds`.
  func kernel(_ function: String, source: String, options: String = "") throws -> OpenCL.Kernel {
    let (program, build) = try device.programs.program(for: device.context, source: source, options: options)
    timings.buildSeconds = (timings.buildSeconds ?? 0) + build.seconds
    timings.buildCached = (timings.buildCached ?? true) && build.cached
    return try program.makeKernel(named: function)
  }

  /// Builds `function` for the largest work-group size in `sizes` (largest first) that the device
  /// and the built kernel accept; `options(size)` gives the build options for a size (for kernels
  /// whose local arrays or `reqd_work_group_size` depend on it). `localBytes(size)` is checked
  /// against the device's local memory.
  func kernel(
    _ function: String, source: String, sizes: [Int], items: (Int) -> Int = { $0 },
    localBytes: (Int) -> Int = { _ in 0 }, options: (Int) -> String
  ) throws -> (kernel: OpenCL.Kernel, size: Int) {
    let info = device.device.info
    for size in sizes {
      guard items(size) <= info.maxWorkGroupSize, size <= (info.maxWorkItemSizes.first ?? .max),
        localBytes(size) <= info.localMemoryBytes
      else { continue }
      let made = try kernel(function, source: source, options: options(size))
      if try made.maxWorkGroupSize >= items(size) { return (made, size) }
    }
    throw OpenCLError(status: -54, call: "no work-group size of \(function) fits \(info.name)")  // CL_INVALID_WORK_GROUP_SIZE
  }

  /// A device buffer of `bytes` bytes.
  func buffer(bytes: Int, access: OpenCL.Buffer.Access = .readWrite) throws -> OpenCL.Buffer {
    try OpenCL.Buffer(context: device.context, bytes: bytes, access: access)
  }

  /// Copies `values` into `buffer`; the copy's device time is added to `host_to_device_seconds`.
  func upload<T: BitwiseCopyable>(_ values: [T], to buffer: OpenCL.Buffer) throws {
    let event = try values.withUnsafeBytes { bytes throws(OpenCLError) in
      try device.queue.write(buffer, from: bytes.baseAddress!, bytes: bytes.count)
    }
    timings.hostToDeviceSeconds = (timings.hostToDeviceSeconds ?? 0) + (try event.durationSeconds())
  }

  /// `count` values copied back from `buffer`; the copy's device time is added to `device_to_host_seconds`.
  func download<T: BitwiseCopyable>(_ buffer: OpenCL.Buffer, count: Int, as _: T.Type = T.self) throws -> [T] {
    var values = [T](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    let event = try values.withUnsafeMutableBytes { bytes throws(OpenCLError) in
      try device.queue.read(buffer, into: bytes.baseAddress!, bytes: bytes.count)
    }
    timings.deviceToHostSeconds = (timings.deviceToHostSeconds ?? 0) + (try event.durationSeconds())
    return values
  }

  /// Launches `kernel` over `global` (2-D; use `(n, 1)` for 1-D) and waits; returns its device time.
  func launch(_ kernel: OpenCL.Kernel, global: (Int, Int), local: (Int, Int)?) throws -> Double {
    try device.queue.run(kernel: kernel, global: global, local: local)
  }
}

@available(*, unavailable)
extension ExperimentSession: Sendable {}
