import JSON

/// `tune`: an online search over the tunable kernel's configurations (``XgemmConfig``) on one
/// OpenCL device, as CLBlast's tuners do offline. It tries the device type's starting points, then
/// configurations drawn at random from the valid search space, until its time budget ends; every
/// candidate's product is checked against a float64 BLAS product before it can win. The best one is
/// recorded for the device, dtype and size class (``TuningTable``), where `kernel: "auto"` finds it;
/// `recorded` lets the server keep it across restarts.
public struct TuneJob: JobKind {
  public let runner: MatmulRunner
  /// Called with each new best entry after it is put in ``MatmulRunner/tuning``.
  let recorded: @Sendable (TuningTable.Entry) -> Void

  public init(runner: MatmulRunner, recorded: @escaping @Sendable (TuningTable.Entry) -> Void = { _ in }) {
    self.runner = runner
    self.recorded = recorded
  }

  public var name: String { "tune" }

  public var parameters: [JobParameter] {
    [
      .device,
      .choice("dtype", default: DType.float32.rawValue, allowed: DType.allCases.map(\.rawValue), "element type"),
      .int(
        "n", default: nil, min: 64, max: max(64, min(8192, runner.configuration.limits.maxDimension)), unit: "elements",
        "square size each candidate multiplies; its size class (small ≤ 512, medium ≤ 2048, large) is what gets tuned; default: 2048 on a GPU, 512 otherwise"
      ),
      .number(
        "budget_seconds", default: 20, min: 1, max: 240, unit: "s",
        "time for the search; the candidate running when it ends finishes, then the best verified one wins (at most 240 s, inside the default 300 s job timeout)"),
      .int("seed", default: 1, min: 0, max: Int(Int32.max), "seed of the random order of candidates after the starting points"),
    ]
  }

  public func info() -> JobKindInfo {
    var parameters = self.parameters
    let device = runner.openCL.defaultDeviceIndex
    if let index = parameters.firstIndex(where: { $0.name == "device" }), let device {
      parameters[index].defaultValue = .int(device)
    }
    if let index = parameters.firstIndex(where: { $0.name == "n" }) {
      parameters[index].defaultValue = .int(defaultN(device: device))
    }
    let reason: String? =
      if case .unavailable(let why) = runner.openCL.availability { "tuning needs OpenCL, which is unavailable: \(why)" }
      else { nil }
    return JobKindInfo(
      kind: name, title: "Tune the OpenCL matrix multiply",
      description:
        "Searches tile sizes, work-group shapes and vector widths of the tunable OpenCL GEMM on one device within a time budget; every candidate is verified against float64; the best becomes kernel auto's configuration for that device, dtype and size class.",
      openCL: .required, available: reason == nil, reason: reason, parameters: parameters)
  }

  func defaultN(device: Int?) -> Int {
    guard let device, runner.openCL.devices.indices.contains(device) else { return 512 }
    return runner.openCL.devices[device].info.type.contains("gpu") ? 2048 : 512
  }

  public func prepare(_ values: [String: JobValue]) throws(ComputeError) -> PreparedJob {
    var used = try parameters.validated(values)
    if case .unavailable(let reason) = runner.openCL.availability {
      throw ComputeError(
        .backendUnavailable, message: "tune needs OpenCL, which is unavailable: \(reason)", available: [])
    }
    let device = used["device"].flatMap { if case .int(let v) = $0 { v } else { nil } }
      ?? runner.openCL.defaultDeviceIndex ?? 0
    used["device"] = .int(device)
    if used["n"] == nil { used["n"] = .int(defaultN(device: device)) }
    let parameters = JobParameters(used)
    let dtype = DType(rawValue: parameters.string("dtype")) ?? .float32
    let n = parameters.int("n")
    // The device, float64 and memory checks of a matmul of this size on the auto kernel.
    let spec = MatmulSpec(m: n, k: n, n: n, dtype: dtype, backend: .opencl, kernel: .auto, device: device)
    try runner.validate(spec)
    let search = TuneSearch(
      runner: runner, device: device, dtype: dtype, n: n, budgetSeconds: parameters.number("budget_seconds"),
      seed: UInt64(parameters.int("seed")))
    let recorded = self.recorded
    return PreparedJob(parameters: parameters, lane: runner.openCL.lane(device: device)) { context, progress in
      let outcome = try search.run(token: context.token, jobID: context.id) { fraction in
        context.reportProgress(fraction)
        progress(fraction)
      }
      if let entry = outcome.recordedEntry { recorded(entry) }
      return JobOutput(result: outcome.result, timings: outcome.timings)
    }
  }
}
