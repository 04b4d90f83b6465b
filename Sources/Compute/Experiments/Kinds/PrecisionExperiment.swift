/// `precision`: one n×n product through cuBLAS on a CUDA device in each precision, float32 on the
/// CUDA cores and tf32, float16, bfloat16 and float8 on the Tensor Cores (float64 too), with the
/// error of each against a float64 product of the same (float32) inputs: the speed and the price
/// in accuracy of each format side by side (question 7).
struct PrecisionExperiment: Experiment {
  static let kind = ExperimentKind.precision
  static let parameters: [JobParameter] = [
    .int("n", default: 4096, min: 16, max: 16384, unit: "elements", "side of the square product (float8 runs when n is a multiple of 16)"),
    .repeats(default: 5, max: 50),
    .int("device", default: 0, min: 0, max: 63, "CUDA device index"),
    .seed(default: 1),
  ]

  static func usesOpenCL(_ parameters: JobParameters) -> Bool { false }

  static func lane(_ parameters: JobParameters, environment: ExperimentEnvironment) -> String {
    "cuda:\(parameters.int("device"))"
  }

  static func unavailability(_ environment: ExperimentEnvironment) -> (blocked: String?, partly: String?) {
    guard case .unavailable(let why) = environment.cuda.availability else { return (nil, nil) }
    return ("needs CUDA, which is unavailable: \(why)", nil)
  }

  static func machineDefault(
    for name: String, environment: ExperimentEnvironment, values: [String: JobValue]
  ) -> JobValue? {
    name == "threads" ? .int(environment.host.cores) : nil
  }

  let n: Int
  let repeats: Int
  let device: Int
  let seed: UInt64
  let precisions: [MatmulPrecision]
  let skipped: [String]

  init(_ parameters: JobParameters, environment: ExperimentEnvironment) throws(ComputeError) {
    n = parameters.int("n")
    repeats = parameters.int("repeats")
    device = parameters.int("device")
    seed = UInt64(parameters.int("seed"))
    let cuda = environment.cuda
    if case .unavailable(let reason) = cuda.availability {
      throw ComputeError(
        .backendUnavailable, message: "precision runs on a CUDA device, and CUDA is unavailable: \(reason); GET /jobs/kinds lists what runs here")
    }
    guard cuda.devices.indices.contains(device) else {
      throw ComputeError(
        .unknownDevice, field: "device", message: "no CUDA device \(device); CUDA devices are numbered 0..<\(cuda.devices.count)",
        available: cuda.devices.map { "\($0.index)" })
    }
    var precisions: [MatmulPrecision] = [.float32, .tf32, .float16, .bfloat16]
    var skipped: [String] = []
    let info = cuda.devices[device]
    if info.capability < 8.9 {
      skipped.append("float8 (needs compute capability 8.9; this device is \(info.computeCapability))")
    } else if !cuda.hasCublasLt {
      skipped.append("float8 (needs cuBLASLt, not found)")
    } else if n % 16 != 0 {
      skipped.append("float8 (needs n a multiple of 16)")
    } else {
      precisions.append(.float8)
    }
    precisions.append(.float64)
    self.precisions = precisions
    self.skipped = skipped
  }

  var cost: ExperimentCost {
    let squares = n * n
    // float32 inputs, the float64 reference and its inputs, one converted copy, C.
    return ExperimentCost(
      memoryBytes: 8 * squares + 24 * squares + 8 * squares + 8 * squares,
      seconds: 2 * Double(squares) * Double(n) / ExperimentCost.Rates.blasFlopsPerSecond,
      progressUnits: 1 + precisions.count, sizeField: "n", deviceMemoryBytes: 24 * squares)
  }

  /// One precision's outcome.
  struct Row {
    var precision: MatmulPrecision
    var tflops: Double
    var error: Double
    var tolerance: Double
  }

  /// Unit roundoff of each precision's inputs (the accumulation is float32, or float64).
  static func unitRoundoff(_ precision: MatmulPrecision) -> Double {
    switch precision {
    case .float64: 0x1p-53
    case .float32: 0x1p-24
    case .tf32, .float16: 0x1p-11
    case .bfloat16: 0x1p-8
    case .float8: 0x1p-4
    }
  }

  func run(_ session: ExperimentSession) throws -> ExperimentReport {
    let cuda = session.environment.cuda
    let runner = MatmulRunner(openCL: session.environment.openCL, cuda: cuda)
    let (a, b) = session.setup { Matrix.seededInputs(m: n, k: n, n: n, dtype: .float32, seed: seed) }
    var ignored = ProgressMeter(totalUnits: 1, report: { _ in })
    let reference = try session.verifying {
      try runner.referenceProduct(
        MatmulSpec(m: n, k: n, n: n, dtype: .float32), a: a.doubles, b: b.doubles, token: session.token, meter: &ignored)
    }
    let largest = reference.reduce(0) { max($0, abs($1)) }
    session.advance()
    var rows: [Row] = []
    for precision in precisions {
      try session.check()
      let spec = MatmulSpec(m: n, k: n, n: n, dtype: precision.storage, backend: .cuda, device: device, repeats: repeats)
        .with(precision: precision)
      let kernelSeconds: [Double]
      let worst: Double
      if precision == .float64 {
        let run = try runner.runCUDA(spec, a: a.doubles, b: b.doubles, token: session.token, meter: &ignored)
        kernelSeconds = run.timings.kernelSeconds ?? []
        worst = zip(run.c, reference).reduce(0.0) { max($0, abs($1.0 - $1.1)) }
      } else {
        let run = try runner.runCUDA(
          spec, a: Float.elements(of: a), b: Float.elements(of: b), token: session.token, meter: &ignored)
        kernelSeconds = run.timings.kernelSeconds ?? []
        worst = zip(run.c, reference).reduce(0.0) { max($0, abs(Double($1.0) - $1.1)) }
      }
      session.record(
        "\(precision.rawValue) cuBLAS \(n)×\(n)×\(n)", clock: .device,
        includes: "the library call only (CUDA events), after one untimed warm-up; conversions and copies not timed",
        warmups: 1, samples: kernelSeconds)
      let best = kernelSeconds.min() ?? 0
      // Rounding both inputs costs about 2u each product; float32 accumulation of n terms adds n·2⁻²⁴.
      let accumulation = precision == .float64 ? Double(n) * 0x1p-53 : Double(n) * 0x1p-24
      rows.append(
        Row(
          precision: precision, tflops: best > 0 ? 2 * Double(n) * Double(n) * Double(n) / best / 1e12 : 0,
          error: largest > 0 ? worst / largest : worst, tolerance: 8 * Self.unitRoundoff(precision) + accumulation))
      session.advance()
    }
    return report(rows, device: cuda.devices[device])
  }

  func report(_ rows: [Row], device: CUDADeviceInfo) -> ExperimentReport {
    var figures: [ExperimentFigure] = []
    let base = rows.first { $0.precision == .float32 }
    for row in rows {
      figures.append(
        ExperimentFigure(
          name: "\(row.precision.rawValue)_tflops", value: row.tflops, unit: "TFLOP/s",
          label: "\(row.precision.rawValue): \(CUDAInputs.describe(row.precision))"))
      figures.append(
        ExperimentFigure(
          name: "\(row.precision.rawValue)_max_rel_error", value: row.error, unit: "relative error",
          label: "\(row.precision.rawValue) against float64 of the float32 inputs (max-norm)"))
      if let base, row.precision != .float32, base.tflops > 0 {
        figures.append(
          ExperimentFigure(
            name: "\(row.precision.rawValue)_over_float32", value: row.tflops / base.tflops, unit: "×",
            label: "\(row.precision.rawValue) TFLOP/s over float32 on the CUDA cores"))
      }
    }
    // Ordered by the inputs' mantissa bits, coarsest first: the curves of speed and of error.
    let order: [MatmulPrecision] = [.float8, .bfloat16, .float16, .tf32, .float32]
    let ranked = order.compactMap { precision in rows.first { $0.precision == precision } }
    let series = [
      ExperimentSeries(
        name: "TFLOP/s", xLabel: "precision (1 float8, 2 bfloat16, 3 float16, 4 tf32, 5 float32)", xUnit: "rank",
        yLabel: "TFLOP/s", yUnit: "TFLOP/s",
        points: ranked.map { row in .init(x: Double(order.firstIndex(of: row.precision)! + 1), y: row.tflops) }),
      ExperimentSeries(
        name: "max-norm relative error", xLabel: "precision (1 float8, 2 bfloat16, 3 float16, 4 tf32, 5 float32)",
        xUnit: "rank", yLabel: "error", yUnit: "relative error",
        points: ranked.map { row in .init(x: Double(order.firstIndex(of: row.precision)! + 1), y: row.error) }),
    ]
    var summary = "An \(n)×\(n) product through cuBLAS on \(device.name): "
    summary += rows.map { "\($0.precision.rawValue) \(Format.number($0.tflops)) TFLOP/s (error \(Format.number($0.error)))" }
      .joined(separator: ", ")
    summary += ". "
    if let base, let fastest = rows.filter({ $0.precision.cudaOnly }).max(by: { $0.tflops < $1.tflops }), base.tflops > 0 {
      summary +=
        "The Tensor Cores in \(fastest.precision.rawValue) ran \(Format.number(fastest.tflops / base.tflops))× float32 on the CUDA cores, at an error \(Format.number(fastest.error / max(base.error, 1e-30)))× larger: the inputs keep fewer mantissa bits, while the float32 accumulation keeps long sums from drifting. "
    }
    if !skipped.isEmpty { summary += "Not run: \(skipped.joined(separator: "; ")). " }
    let passed = rows.allSatisfy { $0.error <= $0.tolerance }
    return ExperimentReport(
      figures: figures, series: series,
      verification: ExperimentVerification(
        method:
          "each precision's C against one float64 BLAS product of the float32 inputs (max-norm relative error), within 8 units of the input format's roundoff plus n·2⁻²⁴ for the float32 accumulation",
        passed: passed, maxError: rows.map(\.error).max(), tolerance: rows.map(\.tolerance).max(),
        detail: rows.map { "\($0.precision.rawValue): \(Format.number($0.error)) (allowed \(Format.number($0.tolerance)))" }
          .joined(separator: "; ") + "."),
      device: "\(device.name) (CUDA device \(device.index), compute capability \(device.computeCapability))", summary: summary)
  }
}
