import JSON

/// `matmul` as a job kind: C = A·B on OpenBLAS, an OpenCL kernel or a plain triple loop, timed
/// after a warm-up and verified against a float64 BLAS product; the result matrix is kept as
/// `.npy`. Its parameters are a list like every experiment's; ``prepare(_:)`` checks them once
/// and builds the ``MatmulSpec``.
public struct MatmulJob: JobKind {
  public let runner: MatmulRunner

  public init(runner: MatmulRunner) { self.runner = runner }

  public var name: String { "matmul" }

  /// A matmul names at least its size: an empty body is a client's mistake, not "every default".
  public var requiresBody: Bool { true }

  public var parameters: [JobParameter] {
    let limits = runner.configuration.limits
    let opencl = ["backend": Backend.opencl.rawValue]
    let size = JobParameter.BoundCodes(below: .invalidDimension, above: .dimensionTooLarge)
    return [
      JobParameter.int(
        "n", default: 256, min: 1, max: limits.maxDimension, unit: "elements",
        "columns of B and C; given alone, the size of a square n×n·n×n product"
      ).coded(size),
      JobParameter.int(
        "m", default: nil, min: 1, max: limits.maxDimension, unit: "elements",
        "rows of A and C, with k and n (or n alone: m = n; with a and b: a's rows)"
      ).coded(size),
      JobParameter.int(
        "k", default: nil, min: 1, max: limits.maxDimension, unit: "elements",
        "columns of A and rows of B, with m and n (or n alone: k = n; with a and b: a's columns)"
      ).coded(size),
      .choice(
        "dtype", default: DType.float32.rawValue, allowed: MatmulPrecision.allCases.map(\.rawValue),
        "element type; on backend cuda also the Tensor Core precisions tf32, float16, bfloat16 and float8 (e4m3, compute capability 8.9+), with float32 data and accumulation"
      ),
      .choice(
        "backend", default: Backend.blas.rawValue, allowed: Backend.allCases.map(\.rawValue),
        "where it runs: OpenBLAS, an OpenCL kernel, a plain triple loop, or cuBLAS on a CUDA device"),
      JobParameter.choice(
        "kernel", default: MatmulKernel.default.rawValue, allowed: MatmulKernel.allCases.map(\.rawValue),
        "the OpenCL kernel (opencl backend only)"
      ).applying(when: opencl),
      // Listed as applying to opencl (the forms send it only there); backend cuda takes it too.
      JobParameter.int(
        "device", default: nil, min: 0, max: 63,
        "OpenCL device index (backend opencl; default: the first GPU, else the first device) or CUDA device index (backend cuda; default 0)"
      ).applying(when: opencl),
      JobParameter.repeats(default: 3, max: limits.maxRepeats).coded(.init(below: .invalidRepeats, above: .invalidRepeats)),
      .int("seed", default: Int(MatmulSpec.defaultSeed), min: 0, max: Int.max, "seed of the generated inputs (ignored when a and b are given)"),
      .matrix("a", "A as rows of numbers (with b, instead of generated inputs)"),
      .matrix("b", "B as rows of numbers (with a)"),
    ]
  }

  public func info() -> JobKindInfo {
    var parameters = self.parameters
    if let index = parameters.firstIndex(where: { $0.name == "device" }), let device = runner.openCL.defaultDeviceIndex {
      parameters[index].defaultValue = .int(device)
    }
    var reasons: [String] = []
    if case .unavailable(let why) = runner.openCL.availability { reasons.append("the opencl backend is unavailable: \(why)") }
    if case .unavailable(let why) = runner.cuda.availability { reasons.append("the cuda backend is unavailable: \(why)") }
    let reason: String? =
      reasons.isEmpty ? nil : reasons.joined(separator: "; ") + "; \(runner.availableBackends.map(\.rawValue).joined(separator: ", ")) run"
    return JobKindInfo(
      kind: name, title: "Matrix multiply",
      description:
        "C = A·B on OpenBLAS, an OpenCL kernel, a plain triple loop or cuBLAS (CUDA cores and Tensor Cores), timed after a warm-up and verified against a float64 BLAS product.",
      openCL: .optional, available: true, reason: reason, parameters: parameters)
  }

  public func prepare(_ values: [String: JobValue]) throws(ComputeError) -> PreparedJob {
    let spec = try spec(from: values)
    try runner.validate(spec)
    let runner = self.runner
    let resultBytes = spec.m.multipliedClamped(spec.n).multipliedClamped(spec.dtype.byteCount) + 128  // .npy header
    return PreparedJob(parameters: Self.parameters(of: spec), lane: runner.lane(for: spec), resultBytes: resultBytes) {
      context, progress in
      var outcome = try runner.run(spec, token: context.token) { fraction in
        context.reportProgress(fraction)
        progress(fraction)
      }
      outcome.timings.concurrentJobs = context.concurrentJobs()
      guard outcome.summary.checksum.isFinite, outcome.summary.maxAbsError.isFinite else {
        throw ComputeError(
          .invalidValue, field: "a",
          message: "the product has values beyond \(spec.dtype.rawValue)'s range (overflow); scale the inputs down")
      }
      var result = JSONValue(encoding: outcome.summary)
      if case .object(var members) = result {
        members["verified_against"] = .string(
          "a float64 BLAS (dgemm) product of the same inputs; max_abs_error and max_rel_error are the largest differences")
        members["shape"] = [.int(outcome.c.rows), .int(outcome.c.columns)]
        members["flags"] = JSONValue(encoding: Self.flags(spec, outcome: outcome, runner: runner))
        result = .object(members)
      }
      return JobOutput(result: result, timings: JSONValue(encoding: outcome.timings), payload: NPY.encode(outcome.c))
    }
  }

  /// The sanity checks of a product (see ``SanityChecks``): the repeats' spread, the rate against
  /// the device's peak, constant inline inputs, other jobs meanwhile, the machine's load.
  static func flags(_ spec: MatmulSpec, outcome: MatmulOutcome, runner: MatmulRunner) -> [SanityFlag] {
    let timings = outcome.timings
    let measurement = ExperimentMeasurement(
      name: "compute", clock: timings.kernelSeconds == nil ? .host : .device, includes: "one product",
      warmups: 1, samples: timings.computeSeconds, reported: .best)
    let figure = ExperimentFigure(
      name: "\(spec.dtype.rawValue)_gflops", value: outcome.summary.gflops, unit: "GFLOP/s",
      label: "the \(spec.dtype.rawValue) product's rate")
    var inputs: [SanityFlag] = []
    if case .explicit(let a, let b) = spec.inputs {
      for (name, rows) in [("a", a), ("b", b)] {
        let values = rows.flatMap { $0 }
        if let flag = values.withUnsafeBufferPointer({ SanityChecks.inputFlag(name, $0) }) { inputs.append(flag) }
      }
    }
    let device: OpenCL.DeviceInfo? =
      spec.backend == .opencl ? runner.openCL.devices.map(\.info).first { $0.index == outcome.summary.deviceIndex } : nil
    var context = SanityChecks.Context.machine(host: .current, device: device, emptyLaunchSeconds: nil)
    if spec.backend == .cuda { (context.peakGFLOPS, context.peakFloat64GFLOPS) = (nil, nil) }  // a CUDA device's peak is not known here
    return SanityChecks.flags(
      measurements: [measurement], figures: [figure], workingSets: [], inputFlags: inputs,
      concurrentJobs: timings.concurrentJobs, context: context)
  }

  /// The spec the values describe: each value checked against its parameter, names checked with
  /// their own error codes, sizes taken from `n` or from the inline matrices.
  func spec(from values: [String: JobValue]) throws(ComputeError) -> MatmulSpec {
    var checked: [String: JobValue] = [:]
    for parameter in parameters {
      guard let value = values[parameter.name] else { continue }
      if case .string(let raw) = value {  // the named codes clients match on (unknown_dtype, …)
        switch parameter.name {
        case "dtype": _ = try MatmulPrecision(validating: raw)
        case "backend": _ = try Backend(validating: raw)
        case "kernel": _ = try MatmulKernel(validating: raw)
        default: break
        }
      }
      checked[parameter.name] = try parameter.validate(value)  // in declaration order: n before m and k
    }
    if let unknown = values.keys.sorted().first(where: { name in !parameters.contains { $0.name == name } }) {
      throw ComputeError(.invalidArgument, field: unknown, message: "matmul takes no parameter '\(unknown)'")
    }
    func int(_ name: String) -> Int? { if case .int(let value)? = checked[name] { value } else { nil } }
    func string(_ name: String) -> String? { if case .string(let value)? = checked[name] { value } else { nil } }
    let precision = MatmulPrecision(rawValue: string("dtype") ?? "") ?? .float32
    let dtype = precision.storage
    let backend = Backend(rawValue: string("backend") ?? "") ?? .blas
    let kernel = string("kernel").flatMap(MatmulKernel.init(rawValue:))
    let repeats = int("repeats") ?? 3
    var spec: MatmulSpec
    switch (checked["a"], checked["b"]) {
    case (.matrix(let a)?, .matrix(let b)?):
      spec = MatmulSpec(a: a, b: b, dtype: dtype, backend: backend, kernel: kernel, device: int("device"), repeats: repeats)
      spec.m = int("m") ?? spec.m
      spec.k = int("k") ?? spec.k
      spec.n = int("n") ?? spec.n
    case (nil, nil):
      if int("m") != nil || int("k") != nil {  // a rectangular product names all three sizes
        for name in ["m", "k", "n"] where int(name) == nil {
          throw ComputeError(
            .missingInput, field: name, message: "\(name) is required with m and k (or give n alone for a square product)")
        }
      }
      let n = int("n") ?? 256
      spec = MatmulSpec(
        m: int("m") ?? n, k: int("k") ?? n, n: n, dtype: dtype, backend: backend, kernel: kernel, device: int("device"),
        repeats: repeats, seed: UInt64(int("seed") ?? Int(MatmulSpec.defaultSeed)))
    case (nil, _):
      throw ComputeError(.missingInput, field: "a", message: "b was given without a; give both a and b, or a seed")
    case (_, _):
      throw ComputeError(.missingInput, field: "b", message: "a was given without b; give both a and b, or a seed")
    }
    spec = spec.with(precision: precision)
    if spec.backend == .opencl {
      spec.kernel = spec.kernel ?? .default
      spec.device = spec.device ?? runner.openCL.defaultDeviceIndex
    }
    if spec.backend == .cuda { spec.device = spec.device ?? 0 }
    return spec
  }

  /// The parameters as used, in the parameter list's order: what the job stores and shows.
  static func parameters(of spec: MatmulSpec) -> JobParameters {
    var values: [String: JobValue] = [
      "m": .int(spec.m), "k": .int(spec.k), "n": .int(spec.n), "dtype": .string(spec.precision.rawValue),
      "backend": .string(spec.backend.rawValue), "repeats": .int(spec.repeats),
    ]
    if let kernel = spec.kernel { values["kernel"] = .string(kernel.rawValue) }
    if let device = spec.device { values["device"] = .int(device) }
    switch spec.inputs {
    case .seeded(let seed): values["seed"] = .int(Int(truncatingIfNeeded: seed))
    case .explicit(let a, let b):
      values["a"] = .matrix(a)
      values["b"] = .matrix(b)
    }
    return JobParameters(values)
  }
}

extension JobParameter {
  /// This parameter, applying only when the other parameters have the given values.
  func applying(when conditions: [String: String]) -> JobParameter {
    var copy = self
    copy.appliesWhen = conditions
    return copy
  }

  /// This parameter, with its own error codes for values out of bounds.
  func coded(_ codes: BoundCodes) -> JobParameter {
    var copy = self
    copy.boundCodes = codes
    return copy
  }

  /// A matrix parameter (a list of rows of numbers), absent by default.
  static func matrix(_ name: String, _ description: String) -> JobParameter {
    JobParameter(
      name: name, type: .matrix, defaultValue: nil, minimum: nil, maximum: nil, allowed: nil, unit: nil,
      description: description)
  }
}
