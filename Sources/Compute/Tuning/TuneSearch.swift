#if canImport(Glibc)
  import Glibc
#endif
import JSON

/// One tuning search (see ``TuneJob``): inputs and the float64 reference made once, the inputs
/// copied to the device once, then candidates one after another until the budget ends.
struct TuneSearch: Sendable {
  let runner: MatmulRunner
  let device: Int
  let dtype: DType
  let n: Int
  let budgetSeconds: Double
  let seed: UInt64

  /// What a search leaves: the result and timings JSON, and the entry it recorded, if it found a
  /// better configuration than the one recorded before.
  struct Outcome {
    var result: JSONValue
    var timings: JSONValue
    var recordedEntry: TuningTable.Entry?
  }

  /// One candidate's fate.
  struct Trial {
    var config: XgemmConfig
    var gflops: Double?
    var maxRelativeError: Double?
    var verified: Bool
    var buildSeconds: Double
    var note: String?

    var json: JSONValue {
      .object([
        ("config", JSONValue(encoding: config)), ("label", .string(config.description)),
        ("gflops", gflops.map(JSONValue.double) ?? .null),
        ("max_rel_error", maxRelativeError.map(JSONValue.double) ?? .null), ("verified", .bool(verified)),
        ("build_seconds", .double(buildSeconds)), ("note", note.map(JSONValue.string) ?? .null),
      ])
    }
  }

  /// The landscape as curves: every verified configuration's GFLOP/s from fastest to slowest (how
  /// many come close to the best), and the best GFLOP/s per outputs per work-item (register
  /// blocking) and per work-group tile (reuse through local memory).
  static func landscape(_ trials: [Trial]) -> [ExperimentSeries] {
    let rated = trials.compactMap { trial in trial.gflops.map { (trial.config, $0) } }
    let ranked = rated.map(\.1).sorted(by: >).enumerated().map { ExperimentSeries.Point(x: Double($0.offset + 1), y: $0.element) }
    func bestBy(_ key: (XgemmConfig) -> Int) -> [ExperimentSeries.Point] {
      Dictionary(grouping: rated, by: { key($0.0) }).map { ExperimentSeries.Point(x: Double($0.key), y: $0.value.map(\.1).max() ?? 0) }
        .sorted { $0.x < $1.x }
    }
    return [
      ExperimentSeries(
        name: "configurations, fastest first", xLabel: "rank", xUnit: "configuration", yLabel: "GFLOP/s", yUnit: "GFLOP/s",
        points: ranked),
      ExperimentSeries(
        name: "best by outputs per work-item (MWI·NWI)", xLabel: "outputs per work-item", xUnit: "outputs",
        yLabel: "GFLOP/s", yUnit: "GFLOP/s", points: bestBy { $0.mwi * $0.nwi }),
      ExperimentSeries(
        name: "best by work-group tile (MWG·NWG)", xLabel: "outputs per work-group", xUnit: "outputs", yLabel: "GFLOP/s",
        yUnit: "GFLOP/s", points: bestBy { $0.mwg * $0.nwg }),
    ]
  }

  /// The configurations of the search space that fit the device.
  static func valid(on info: OpenCL.DeviceInfo, dtype: DType) -> [XgemmConfig] {
    XgemmConfig.searchSpace.filter { $0.isValid(on: info, dtype: dtype) }
  }

  /// The candidates in the order they are tried: the device type's starting points, then the rest
  /// of the valid search space in a seeded random order.
  static func candidates(for info: OpenCL.DeviceInfo, dtype: DType, seed: UInt64) -> [XgemmConfig] {
    let start = XgemmConfig.startingPoints(for: info, dtype: dtype)
    var rest = valid(on: info, dtype: dtype).filter { !start.contains($0) }
    var generator = SplitMix64(seed: seed)
    rest.shuffle(using: &generator)
    return start + rest
  }

  func run(token: CancellationToken, jobID: String, progress: @escaping (Double) -> Void) throws -> Outcome {
    do {
      switch dtype {
      case .float32: return try run(Float.self, token: token, jobID: jobID, progress: progress)
      case .float64: return try run(Double.self, token: token, jobID: jobID, progress: progress)
      }
    } catch let error as OpenCLError {
      throw ComputeError.openCL(error)
    }
  }

  private func run<T: MatmulScalar>(
    _: T.Type, token: CancellationToken, jobID: String, progress: @escaping (Double) -> Void
  ) throws -> Outcome {
    let total = Stopwatch()
    let runtime = try runner.openCL.runtime(device: device)
    let info = runtime.device.info
    let spec = MatmulSpec(m: n, k: n, n: n, dtype: dtype, backend: .opencl, kernel: .auto, device: device)
    let (aMatrix, bMatrix) = Matrix.seededInputs(m: n, k: n, n: n, dtype: dtype, seed: 1)
    var ignored = ProgressMeter(totalUnits: 1, report: { _ in })
    let referenceWatch = Stopwatch()
    let reference = try runner.referenceProduct(
      spec, a: aMatrix.doubles, b: bMatrix.doubles, token: token, meter: &ignored)
    let referenceSeconds = referenceWatch.seconds
    let largest = reference.reduce(0) { max($0, abs($1)) }
    let unitRoundoff = dtype == .float32 ? 0x1p-24 : 0x1p-53
    let tolerance = 2 * Double(n) * unitRoundoff

    let executor = try XgemmExecutor<T>(
      runtime: runtime, m: n, n: n, k: n, a: T.elements(of: aMatrix), b: T.elements(of: bMatrix))
    let searchWatch = Stopwatch()
    var trials: [Trial] = []
    var buildSeconds = 0.0
    let candidates = Self.candidates(for: info, dtype: dtype, seed: seed)  // every valid configuration, ordered
    for config in candidates {
      if searchWatch.seconds >= budgetSeconds, !trials.isEmpty { break }
      try token.check()
      var trial = Trial(config: config, verified: false, buildSeconds: 0)
      do {
        let buildWatch = Stopwatch()
        let plan = try executor.plan(config)
        trial.buildSeconds = buildWatch.seconds
        buildSeconds += trial.buildSeconds
        if let plan {
          var meter = ProgressMeter(totalUnits: 1, report: { _ in })
          let layout = executor.layout
          let products = try runner.timedProducts(
            m: layout.mp, n: layout.np, k: layout.kp, align: XgemmLayout.rowAlignment, repeats: 2,
            initialBudget: runner.configuration.openCLBlockMultiplyAdds, token: token, meter: &meter
          ) { block throws(OpenCLError) in try executor.launch(plan, block: block) }
          let best = products.kernelSeconds.min() ?? 0
          trial.gflops = best > 0 ? 2 * Double(n) * Double(n) * Double(n) / best / 1e9 : nil
          let (c, _) = try executor.result()
          var worst = 0.0
          for (value, expected) in zip(c, reference) { worst = max(worst, abs(Double(value) - expected)) }
          trial.maxRelativeError = largest > 0 ? worst / largest : worst
          trial.verified = worst <= tolerance * largest && worst.isFinite
          if !trial.verified { trial.note = "wrong result: rejected" }
        } else {
          trial.note = "the built kernel cannot run \(config.threads) work-items per group (registers)"
        }
      } catch let error as OpenCLError {
        trial.note = "failed: \(error)"
      }
      trials.append(trial)
      progress(min(searchWatch.seconds / budgetSeconds, 0.99))
    }

    let verified = trials.filter { $0.verified && $0.gflops != nil }
    let best = verified.max { ($0.gflops ?? 0) < ($1.gflops ?? 0) }
    let untuned = XgemmConfig.untunedDefault(for: info, dtype: dtype)
    let baseline = trials.first { $0.config == untuned }
    let sizeClass = TuningTable.SizeClass(m: n, n: n, k: n)
    let previous = runner.tuning.best(for: info, dtype: dtype, sizeClass: sizeClass).flatMap {
      $0.sizeClass == sizeClass ? $0 : nil
    }
    var entry: TuningTable.Entry?
    var kept: String
    if let best, let gflops = best.gflops {
      if let previous, previous.n == n, previous.gflops >= gflops {
        kept = "kept the configuration recorded earlier (\(previous.config), \(Format.number(previous.gflops)) GFLOP/s at n=\(previous.n)), which was faster"
      } else {
        let made = TuningTable.Entry(
          deviceKey: TuningTable.deviceKey(info), dtype: dtype, sizeClass: sizeClass, config: best.config,
          gflops: gflops, n: n, candidates: trials.count, tunedAt: Double(time(nil)), jobID: jobID)
        runner.tuning.record(made)
        entry = made
        kept = "recorded as kernel auto's configuration for \(dtype.rawValue) \(sizeClass.rawValue) products on this device"
      }
    } else {
      kept = "no candidate verified; nothing recorded"
    }
    let speedup = best.flatMap { b in baseline?.gflops.map { (b.gflops ?? 0) / $0 } }
    var summary = "\(trials.count) configurations tried in \(Format.number(searchWatch.seconds)) s on \(info.name), \(verified.count) verified"
    if let best, let gflops = best.gflops {
      summary += "; the best, \(best.config), reached \(Format.number(gflops)) GFLOP/s at n=\(n)"
      if let speedup, let baseGflops = baseline?.gflops {
        summary += " (\(Format.number(speedup))× the untuned default's \(Format.number(baseGflops)))"
      }
    }
    summary += "; \(kept)."
    var figures: [ExperimentFigure] = []
    if let gflops = best?.gflops {
      figures.append(ExperimentFigure(name: "best_gflops", value: gflops, unit: "GFLOP/s", label: "best configuration"))
    }
    if let gflops = baseline?.gflops {
      figures.append(ExperimentFigure(name: "untuned_gflops", value: gflops, unit: "GFLOP/s", label: "untuned default"))
    }
    if let speedup { figures.append(ExperimentFigure(name: "speedup", value: speedup, unit: "×", label: "best / untuned")) }
    let result = JSONValue.object([
      ("device", .string(info.name)), ("device_index", .int(info.index)),
      ("device_key", .string(TuningTable.deviceKey(info))), ("dtype", .string(dtype.rawValue)), ("n", .int(n)),
      ("size_class", .string(sizeClass.rawValue)), ("budget_seconds", .double(budgetSeconds)),
      ("candidates_tried", .int(trials.count)), ("verified", .int(verified.count)),
      ("search_space", .int(candidates.count)),
      ("best", best.map(\.json) ?? .null), ("untuned_default", baseline.map(\.json) ?? .null),
      ("speedup_over_default", speedup.map(JSONValue.double) ?? .null), ("recorded", .bool(entry != nil)),
      (
        "verification",
        .string(
          "each candidate's C against a float64 BLAS (dgemm) product of the same inputs; verified when max|C − R| ≤ 2·k·u·max|R| (u = \(dtype == .float32 ? "2⁻²⁴" : "2⁻⁵³"), k = \(n)); only verified candidates can win")
      ),
      (
        "timing",
        .string(
          "GFLOP/s = 2·n³ over the best of 2 timed products after a warm-up, kernel time from profiling events; no copies, no build")
      ),
      ("figures", JSONValue(encoding: figures)), ("series", JSONValue(encoding: Self.landscape(verified))),
      ("landscape", .array(trials.map(\.json))), ("summary", .string(summary)),
    ])
    let timings = JSONValue.object([
      (
        "note",
        .string(
          "seconds, host clock: the float64 reference, the input copies (profiling events), every candidate's program build, the search, and the whole job; each candidate's GFLOP/s comes from kernel time (profiling events)")
      ),
      ("reference_seconds", .double(referenceSeconds)), ("host_to_device_seconds", .double(executor.hostToDeviceSeconds)),
      ("build_seconds", .double(buildSeconds)), ("search_seconds", .double(searchWatch.seconds)),
      ("total_seconds", .double(total.seconds)),
    ])
    progress(1)
    return Outcome(result: result, timings: timings, recordedEntry: entry)
  }
}
