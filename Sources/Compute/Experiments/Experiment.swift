/// What each experiment kind implements; ``ExperimentRunner`` drives them all the same way:
/// parameters validated and defaults filled, `init` checks the rules between parameters,
/// ``cost`` is checked against the budgets, then ``run(_:)`` measures and verifies.
protocol Experiment {
  /// The kind this type implements.
  static var kind: ExperimentKind { get }
  /// The parameters, in the order a form should show them.
  static var parameters: [JobParameter] { get }
  /// The value of a parameter whose static default is `nil`, on this machine, given the values
  /// settled so far (`device` is always settled first); `device` and `threads` have shared answers
  /// (see the default implementation).
  static func machineDefault(
    for name: String, environment: ExperimentEnvironment, values: [String: JobValue]
  ) -> JobValue?
  /// Whether a run with these parameters needs an OpenCL device (and so its `device` checked).
  static func usesOpenCL(_ parameters: JobParameters) -> Bool
  /// The parameter to name if a run with these parameters asks float64 of an OpenCL device without
  /// `cl_khr_fp64`; `nil` when it does not need float64.
  static func fp64Field(_ parameters: JobParameters) -> String?
  /// The worker-pool lane of a run with these parameters (see ``ExperimentRunner/lane(for:parameters:)``).
  static func lane(_ parameters: JobParameters, environment: ExperimentEnvironment) -> String
  /// Why the kind cannot run here (`blocked`), or why part of it cannot (`partly`); nil when it all runs.
  static func unavailability(_ environment: ExperimentEnvironment) -> (blocked: String?, partly: String?)

  /// Reads validated parameters (every one present); throws for combinations that do not fit together.
  init(_ parameters: JobParameters, environment: ExperimentEnvironment) throws(ComputeError)
  /// Memory, time and progress the run will take.
  var cost: ExperimentCost { get }
  /// Runs, checking `session`'s token between pieces and advancing its progress.
  func run(_ session: ExperimentSession) throws -> ExperimentReport
}

extension Experiment {
  static func machineDefault(
    for name: String, environment: ExperimentEnvironment, values: [String: JobValue]
  ) -> JobValue? {
    sharedMachineDefault(for: name, environment: environment)
  }

  /// The answers every kind shares: the default OpenCL device, and the core count for `threads`.
  static func sharedMachineDefault(for name: String, environment: ExperimentEnvironment) -> JobValue? {
    switch name {
    case "device": environment.defaultDeviceIndex.map(JobValue.int) ?? .int(0)
    case "threads": .int(environment.host.cores)
    default: nil
    }
  }

  /// Fills in `values` every parameter missing from it: machine-dependent defaults, `device` first.
  static func fillMachineDefaults(_ values: inout [String: JobValue], environment: ExperimentEnvironment) {
    let missing = parameters.map(\.name).filter { values[$0] == nil }
    for name in missing.filter({ $0 == "device" }) + missing.filter({ $0 != "device" }) {
      values[name] = machineDefault(for: name, environment: environment, values: values)
    }
  }

  static func usesOpenCL(_ parameters: JobParameters) -> Bool { kind.openCL == .required }
  static func fp64Field(_ parameters: JobParameters) -> String? { nil }
}
