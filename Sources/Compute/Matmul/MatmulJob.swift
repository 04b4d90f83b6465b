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
      .choice("dtype", default: DType.float32.rawValue, allowed: DType.allCases.map(\.rawValue), "element type"),
      .choice(
        "backend", default: Backend.blas.rawValue, allowed: Backend.allCases.map(\.rawValue),
        "where it runs: OpenBLAS, an OpenCL kernel, or a plain triple loop"),
      JobParameter.choice(
        "kernel", default: MatmulKernel.default.rawValue, allowed: MatmulKernel.allCases.map(\.rawValue),
        "the OpenCL kernel (opencl backend only)"
      ).applying(when: opencl),
      JobParameter.device.applying(when: opencl),
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
    let reason: String? =
      if case .unavailable(let why) = runner.openCL.availability {
        "the opencl backend is unavailable: \(why); blas and cpu-naive run"
      } else { nil }
    return JobKindInfo(
      kind: name, title: "Matrix multiply",
      description:
        "C = A·B on OpenBLAS, an OpenCL kernel or a plain triple loop, timed after a warm-up and verified against a float64 BLAS product.",
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
        result = .object(members)
      }
      return JobOutput(result: result, timings: JSONValue(encoding: outcome.timings), payload: NPY.encode(outcome.c))
    }
  }

  /// The spec the values describe: each value checked against its parameter, names checked with
  /// their own error codes, sizes taken from `n` or from the inline matrices.
  func spec(from values: [String: JobValue]) throws(ComputeError) -> MatmulSpec {
    var checked: [String: JobValue] = [:]
    for parameter in parameters {
      guard let value = values[parameter.name] else { continue }
      if case .string(let raw) = value {  // the named codes clients match on (unknown_dtype, …)
        switch parameter.name {
        case "dtype": _ = try DType(validating: raw)
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
    let dtype = DType(rawValue: string("dtype") ?? "") ?? .float32
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
    if spec.backend == .opencl {
      spec.kernel = spec.kernel ?? .default
      spec.device = spec.device ?? runner.openCL.defaultDeviceIndex
    }
    return spec
  }

  /// The parameters as used, in the parameter list's order: what the job stores and shows.
  static func parameters(of spec: MatmulSpec) -> JobParameters {
    var values: [String: JobValue] = [
      "m": .int(spec.m), "k": .int(spec.k), "n": .int(spec.n), "dtype": .string(spec.dtype.rawValue),
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
