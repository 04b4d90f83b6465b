extension ExperimentRunner {
  /// Checks `parameters` for `kind` completely and returns every parameter it will run with.
  ///
  /// Missing parameters take their defaults (machine-dependent ones resolved here: the default
  /// OpenCL device, the core count, sizes from the cache size).
  ///
  /// - Throws: ``ComputeError`` with `field` naming the parameter:
  ///   - `.invalidArgument`: a parameter the kind does not take (`available` lists those it does);
  ///   - `.invalidValue`: a wrong type, a value outside `min`…`max` (`limit` is the bound), or not
  ///     one of the allowed values (`available`), or parameters that do not fit together;
  ///   - `.backendUnavailable`: the kind needs OpenCL and there is none (`available` lists the kinds
  ///     that can run here, or for `bandwidth`'s `target` the targets);
  ///   - `.unknownDevice`, `.fp64Unsupported`: the OpenCL device does not exist, or lacks float64;
  ///   - `.memoryBudgetExceeded`: the estimated memory or time exceeds the budget (`limit` in bytes
  ///     or seconds), or a buffer exceeds the device's largest allocation.
  public func validate(
    _ kind: ExperimentKind, parameters: [String: JobValue]
  ) throws(ComputeError) -> JobParameters {
    try prepare(kind, parameters: parameters, environment: environment).parameters
  }

  /// When the size parameter was left to its default and the run would exceed the time budget,
  /// lowers it (by the ratio of the budget to the estimate, five times at most) until it fits, and
  /// says so in a ``SanityFlag/Code/defaultCapped`` flag. A size a client gave is never changed:
  /// it is refused by the budget check instead.
  private func fittingTheTimeBudget(
    _ experiment: any Experiment, values: inout [String: JobValue], raw: [String: JobValue],
    implementation: any Experiment.Type, environment: ExperimentEnvironment
  ) throws(ComputeError) -> (experiment: any Experiment, flag: SanityFlag?) {
    let budget = configuration.timeBudgetSeconds
    let field = experiment.cost.sizeField
    guard experiment.cost.seconds > budget, raw[field] == nil, case .int(let original)? = values[field],
      let parameter = implementation.parameters.first(where: { $0.name == field })
    else { return (experiment, nil) }
    let lowest: Int = if case .int(let minimum)? = parameter.minimum { minimum } else { 1 }
    var current = experiment
    var value = original
    for _ in 0..<5 where current.cost.seconds > budget && value > lowest {
      let scaled = Int(Double(value) * 0.8 * budget / current.cost.seconds)
      value = max(scaled >= 4096 ? scaled / 1024 * 1024 : scaled, lowest)
      values[field] = .int(value)
      current = try implementation.init(JobParameters(values), environment: environment)
    }
    let flag = SanityFlag(
      .defaultCapped, .info, subject: field,
      "The default \(field) (\(original)) was lowered to \(value) so that the run fits the server's time budget of \(Format.number(budget)) s at a conservative estimate of this machine's speed; give \(field) to run another size.")
    return (current, flag)
  }

  /// Validation that also returns the experiment, ready to run.
  func prepare(
    _ kind: ExperimentKind, parameters raw: [String: JobValue], environment: ExperimentEnvironment
  ) throws(ComputeError) -> (parameters: JobParameters, experiment: any Experiment, flags: [SanityFlag]) {
    let implementation = kind.implementation
    let declared = implementation.parameters
    let names = declared.map(\.name)
    if let unknown = raw.keys.sorted().first(where: { !names.contains($0) }) {
      throw ComputeError(
        .invalidArgument, field: unknown,
        message:
          "\(kind.rawValue) takes no parameter '\(unknown)'; its parameters are \(names.joined(separator: ", "))",
        available: names)
    }
    var values = try declared.validated(raw)
    implementation.fillMachineDefaults(&values, environment: environment)
    let used = JobParameters(values)
    if implementation.usesOpenCL(used) {
      try checkOpenCL(kind, used, implementation: implementation, environment: environment)
    }
    let (experiment, capped) = try fittingTheTimeBudget(
      try implementation.init(used, environment: environment), values: &values, raw: raw,
      implementation: implementation, environment: environment)
    let final = JobParameters(values)
    try checkBudgets(experiment.cost, final, environment: environment, usesOpenCL: implementation.usesOpenCL(final))
    return (final, experiment, capped.map { [$0] } ?? [])
  }

  private func checkOpenCL(
    _ kind: ExperimentKind, _ parameters: JobParameters, implementation: any Experiment.Type,
    environment: ExperimentEnvironment
  ) throws(ComputeError) {
    if case .unavailable(let reason) = openCL.availability {
      if kind.openCL == .optional {
        throw ComputeError(
          .backendUnavailable, field: "target",
          message: "\(kind.rawValue) on OpenCL is unavailable: \(reason); use target cpu", available: ["cpu"])
      }
      let runnable = ExperimentKind.allCases.filter { $0.openCL != .required }.map(\.rawValue)
      throw ComputeError(
        .backendUnavailable,
        message:
          "\(kind.rawValue) needs OpenCL, which is unavailable: \(reason); kinds that run here: \(runnable.joined(separator: ", ")) and matmul on blas or cpu-naive",
        available: runnable)
    }
    let devices = environment.devices
    let index = parameters.int("device")
    guard devices.indices.contains(index) else {
      throw ComputeError(
        .unknownDevice, field: "device",
        message: "no OpenCL device \(index); devices are numbered 0..<\(devices.count)",
        available: devices.map { "\($0.index)" })
    }
    if let field = implementation.fp64Field(parameters), !devices[index].fp64 {
      throw ComputeError(
        .fp64Unsupported, field: field,
        message: "OpenCL device \(index) (\(devices[index].name)) has no float64 support (no cl_khr_fp64)")
    }
  }

  private func checkBudgets(
    _ cost: ExperimentCost, _ parameters: JobParameters, environment: ExperimentEnvironment, usesOpenCL: Bool
  ) throws(ComputeError) {
    let budget = configuration.memoryBudgetBytes
    let gpu = usesOpenCL && environment.profile(parameters.int("device"))?.isGPU == true
    let hostBytes = cost.memoryBytes + (usesOpenCL && !gpu ? cost.deviceMemoryBytes : 0)
    if hostBytes > budget {
      throw ComputeError(
        .memoryBudgetExceeded, field: cost.sizeField,
        message:
          "with \(cost.sizeField) = \(parameters[cost.sizeField]?.plainDescription ?? "?") the experiment needs about \(Format.bytes(hostBytes)) (\(hostBytes) bytes); the memory budget is \(budget) bytes",
        limit: budget)
    }
    if gpu, let info = environment.device(parameters.int("device")), info.globalMemoryBytes > 0,
      cost.deviceMemoryBytes > info.globalMemoryBytes * 9 / 10
    {
      throw ComputeError(
        .memoryBudgetExceeded, field: cost.sizeField,
        message:
          "with \(cost.sizeField) = \(parameters[cost.sizeField]?.plainDescription ?? "?") the device buffers need \(Format.bytes(cost.deviceMemoryBytes)); device \(info.index) has \(Format.bytes(info.globalMemoryBytes))",
        limit: info.globalMemoryBytes * 9 / 10)
    }
    if usesOpenCL, cost.largestDeviceBufferBytes > 0 {
      let info = environment.devices[parameters.int("device")]
      if info.maxAllocationBytes > 0, cost.largestDeviceBufferBytes > info.maxAllocationBytes {
        throw ComputeError(
          .memoryBudgetExceeded, field: cost.sizeField,
          message:
            "a \(cost.largestDeviceBufferBytes)-byte buffer exceeds device \(info.index)'s largest allocation of \(info.maxAllocationBytes) bytes",
          limit: info.maxAllocationBytes)
      }
    }
    let seconds = configuration.timeBudgetSeconds
    if cost.seconds > seconds {
      throw ComputeError(
        .memoryBudgetExceeded, field: cost.sizeField,
        message:
          "with these parameters the experiment could take about \(Format.number(cost.seconds)) s at a conservative estimate of this device's speed; the time budget is \(Format.number(seconds)) s (limit in seconds); lower \(cost.sizeField) or repeats",
        limit: Int(seconds))
    }
  }
}
