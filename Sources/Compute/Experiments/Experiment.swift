/// What each experiment kind implements; ``ExperimentRunner`` drives them all the same way:
/// parameters validated and defaults filled, `init` checks the rules between parameters,
/// ``cost`` is checked against the budgets, then ``run(_:)`` measures and verifies.
protocol Experiment {
  /// The kind this type implements.
  static var kind: ExperimentKind { get }
  /// The parameters, in the order a form should show them.
  static var parameters: [ExperimentParameter] { get }
  /// The value of a parameter whose static default is `nil`, on this machine; `device` and
  /// `threads` have shared answers (see the default implementation).
  static func machineDefault(for name: String, environment: ExperimentEnvironment) -> ExperimentValue?
  /// Whether a run with these parameters needs an OpenCL device (and so its `device` checked).
  static func usesOpenCL(_ parameters: ExperimentParameters) -> Bool
  /// The parameter to name if a run with these parameters asks float64 of an OpenCL device without
  /// `cl_khr_fp64`; `nil` when it does not need float64.
  static func fp64Field(_ parameters: ExperimentParameters) -> String?

  /// Reads validated parameters (every one present); throws for combinations that do not fit together.
  init(_ parameters: ExperimentParameters, environment: ExperimentEnvironment) throws(ComputeError)
  /// Memory, time and progress the run will take.
  var cost: ExperimentCost { get }
  /// Runs, checking `session`'s token between pieces and advancing its progress.
  func run(_ session: ExperimentSession) throws -> ExperimentReport
}

extension Experiment {
  static func machineDefault(for name: String, environment: ExperimentEnvironment) -> ExperimentValue? {
    switch name {
    case "device": environment.defaultDeviceIndex.map(ExperimentValue.int) ?? .int(0)
    case "threads": .int(environment.host.cores)
    default: nil
    }
  }

  static func usesOpenCL(_ parameters: ExperimentParameters) -> Bool { kind.openCL == .required }
  static func fp64Field(_ parameters: ExperimentParameters) -> String? { nil }
}

/// What one kind's run produced, before the runner adds the kind, parameters and timings.
struct ExperimentReport {
  var figures: [ExperimentFigure]
  var series: [ExperimentSeries]
  var verification: ExperimentVerification
  var device: String
  var summary: String
}

/// What a run will take, estimated before it starts from its parameters.
struct ExperimentCost {
  /// Host and device bytes allocated at once, at most (a CPU OpenCL device's buffers are host memory too).
  var memoryBytes: Int
  /// Seconds the run may take on a slow machine (see ``Rates``), checked against the time budget.
  var seconds: Double
  /// The progress units the run will advance through (each warm-up or timed run is one, unless the kind says).
  var progressUnits: Int
  /// The parameter to name when a budget is exceeded, usually the size.
  var sizeField: String
  /// The largest single OpenCL buffer, checked against the device's largest allocation; 0 off OpenCL.
  var largestDeviceBufferBytes: Int = 0

  /// Deliberately slow throughputs (a loaded 2-core CPU, PoCL) for the time estimates, so that the
  /// budget errs on the side of refusing; real runs here are several times faster.
  enum Rates {
    /// Bytes per second a memory-bound host or CPU-device loop streams.
    static let memoryBytesPerSecond = 2e9
    /// Floating-point operations per second of an OpenCL kernel on a CPU device.
    static let deviceFlopsPerSecond = 5e9
    /// Scattered memory accesses per second (one cache or TLB miss each).
    static let scatteredAccessesPerSecond = 5e7
    /// Plain scalar loop iterations per second.
    static let scalarOpsPerSecond = 3e8
    /// Boxed, dynamically dispatched operations per second (the interpreter model).
    static let boxedOpsPerSecond = 5e6
    /// float64 LAPACK / BLAS floating-point operations per second.
    static let blasFlopsPerSecond = 5e9
  }
}

/// The machine an experiment runs on: the host, and the OpenCL devices if any.
struct ExperimentEnvironment {
  var host: HostMachine
  var openCL: OpenCLBackend
  /// The devices found (empty when OpenCL is unavailable).
  var devices: [OpenCL.DeviceInfo]
  /// The device used when `device` is not given.
  var defaultDeviceIndex: Int?

  init(host: HostMachine, openCL: OpenCLBackend) {
    self.host = host
    self.openCL = openCL
    devices = openCL.devices.map(\.info)
    defaultDeviceIndex = openCL.defaultDeviceIndex
  }

  /// The device `index`, if it exists.
  func device(_ index: Int) -> OpenCL.DeviceInfo? { devices.indices.contains(index) ? devices[index] : nil }

  /// A deliberately low estimate of an OpenCL device's floating-point rate for time budgets: one
  /// scalar FMA per cycle per compute unit, and at least ``ExperimentCost/Rates/deviceFlopsPerSecond``.
  func deviceFlopsPerSecond(_ index: Int) -> Double {
    guard let info = device(index) else { return ExperimentCost.Rates.deviceFlopsPerSecond }
    return max(ExperimentCost.Rates.deviceFlopsPerSecond, 2 * Double(info.computeUnits) * Double(info.maxClockMHz) * 1e6)
  }

  /// A deliberately low estimate of an OpenCL device's memory bandwidth for time budgets: one byte
  /// per cycle per compute unit, and at least ``ExperimentCost/Rates/memoryBytesPerSecond``.
  func deviceBytesPerSecond(_ index: Int) -> Double {
    guard let info = device(index) else { return ExperimentCost.Rates.memoryBytesPerSecond }
    return max(ExperimentCost.Rates.memoryBytesPerSecond, Double(info.computeUnits) * Double(info.maxClockMHz) * 1e6)
  }
}
