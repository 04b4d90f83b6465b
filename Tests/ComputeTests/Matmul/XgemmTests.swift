import JSON
import Testing

@testable import Compute

/// The tunable kernel behind `kernel: "auto"`, and its tuner, on PoCL's CPU device.
// Serialized: each case compiles a PoCL program (seconds of LLVM on one thread); run side by
// side they would hold every cooperative thread of a 2-core machine at once.
@Suite(.serialized, .enabled(if: openCLAvailable, "needs an OpenCL device (PoCL here)"))
struct XgemmTests {
  static var device: OpenCL.DeviceInfo { sharedRunner.openCL.devices[sharedRunner.openCL.defaultDeviceIndex ?? 0].info }

  /// The configurations checked: every starting point of both device types (what `auto` runs
  /// untuned, and what the tuner tries first), and for each pair of vector widths, K slice and
  /// padding one configuration of the search space valid here, so that every value of every
  /// parameter the tuner can pick runs.
  static let configurations: [XgemmConfig] = {
    let info = device
    var gpuLike = info
    gpuLike.type = "gpu"
    var chosen: [XgemmConfig] = []
    for dtype in DType.allCases {
      chosen += XgemmConfig.startingPoints(for: info, dtype: dtype)
      chosen += XgemmConfig.startingPoints(for: gpuLike, dtype: dtype)
    }
    let valid = XgemmConfig.searchSpace.filter { config in DType.allCases.allSatisfy { config.isValid(on: info, dtype: $0) } }
    for vwm in [1, 2, 4, 8] {
      for vwn in [1, 2, 4, 8] {
        if let config = valid.first(where: { $0.vwm == vwm && $0.vwn == vwn && !chosen.contains($0) }) { chosen.append(config) }
      }
    }
    for kwg in [8, 16, 32] {
      for pad in [0, 1] {
        if let config = valid.first(where: { $0.kwg == kwg && $0.pad == pad && $0.mwg != $0.nwg && !chosen.contains($0) }) {
          chosen.append(config)
        }
      }
    }
    var unique: [XgemmConfig] = []
    for config in chosen where !unique.contains(config) && DType.allCases.allSatisfy({ config.isValid(on: info, dtype: $0) }) {
      unique.append(config)
    }
    return unique
  }()

  func product<T: MatmulScalar>(
    _ config: XgemmConfig, m: Int, k: Int, n: Int, as _: T.Type
  ) throws -> (c: [T], reference: [Double]) {
    let (a, b) = Matrix.seededInputs(m: m, k: k, n: n, dtype: T.dtype, seed: 5)
    let runtime = try sharedRunner.openCL.runtime(device: Self.device.index)
    let executor = try XgemmExecutor<T>(runtime: runtime, m: m, n: n, k: k, a: T.elements(of: a), b: T.elements(of: b))
    let plan = try #require(try executor.plan(config), "\(config) does not fit")
    let layout = executor.layout
    for block in WorkSplit.blocks(m: layout.mp, n: layout.np, k: layout.kp, budget: 1 << 20, align: XgemmLayout.rowAlignment) {
      _ = try executor.launch(plan, block: block)
    }
    var meter = ProgressMeter(totalUnits: 1, report: { _ in })
    let reference = try sharedRunner.referenceProduct(
      MatmulSpec(m: m, k: k, n: n, dtype: T.dtype), a: a.doubles, b: b.doubles, token: CancellationToken(), meter: &meter)
    return (try executor.result().c, reference)
  }

  func maxRelativeError<T: MatmulScalar>(_ c: [T], _ reference: [Double]) -> Double {
    let largest = reference.reduce(0) { max($0, abs($1)) }
    let worst = zip(c, reference).reduce(0.0) { max($0, abs(Double($1.0) - $1.1)) }
    return largest > 0 ? worst / largest : worst
  }

  @Test(arguments: configurations)
  func everyConfigurationTheTunerCanPickIsRightAtOddSizes(config: XgemmConfig) throws {
    #expect(Self.configurations.count >= 20)
    for (m, k, n) in [(1, 1, 1), (17, 17, 17), (129, 129, 129), (33, 65, 17)] {
      let single = try product(config, m: m, k: k, n: n, as: Float.self)
      #expect(single.c.count == m * n)
      #expect(maxRelativeError(single.c, single.reference) <= tolerance(.float32), "\(config) float32 \(m)×\(k)×\(n)")
      let double = try product(config, m: m, k: k, n: n, as: Double.self)
      #expect(maxRelativeError(double.c, double.reference) <= tolerance(.float64), "\(config) float64 \(m)×\(k)×\(n)")
    }
  }

  @Test func autoIsTheDefaultKernelAndSaysWhichConfigurationRan() throws {
    for (m, k, n) in edgeShapes {
      for dtype in DType.allCases {
        let outcome = try sharedRunner.run(MatmulSpec(m: m, k: k, n: n, dtype: dtype, backend: .opencl))
        #expect(outcome.summary.kernel == "auto")
        let config = try #require(outcome.summary.kernelConfig)
        #expect(config.hasPrefix("xgemm MWG="), "\(config)")
        #expect(outcome.summary.maxRelError <= tolerance(dtype), "\(dtype) \(m)×\(k)×\(n): \(outcome.summary.maxRelError)")
        #expect(outcome.timings.layout?.contains("transposed") == true)
      }
    }
  }

  @Test func theTunerVerifiesEveryCandidateAndRecordsTheBestForAuto() throws {
    let runner = MatmulRunner(openCL: sharedRunner.openCL)
    let recorded = Completion<TuningTable.Entry>()
    let job = TuneJob(runner: runner) { recorded.fulfil(.success($0)) }
    let prepared = try job.prepare(["n": .int(96), "budget_seconds": .number(2), "dtype": .string("float64")])
    #expect(prepared.parameters.int("n") == 96)
    let search = TuneSearch(
      runner: runner, device: Self.device.index, dtype: .float64, n: 96, budgetSeconds: 2, seed: 1)
    let outcome = try search.run(token: CancellationToken(), jobID: "tune-test") { _ in }
    let result = outcome.result
    let landscape = try #require(result["landscape"]?.arrayValue)
    #expect(!landscape.isEmpty)
    #expect(result["candidates_tried"]?.intValue == landscape.count)
    // Every candidate carries its verification; the winner is a verified one.
    for trial in landscape { #expect(trial["verified"]?.boolValue != nil) }
    #expect(result["best"]?["verified"]?.boolValue == true)
    let entry = try #require(outcome.recordedEntry)
    #expect(entry.sizeClass == .small && entry.dtype == .float64 && entry.jobID == "tune-test")
    // auto now runs the tuned configuration, and says so.
    let run = try runner.run(MatmulSpec(m: 40, k: 40, n: 40, dtype: .float64, backend: .opencl))
    #expect(run.summary.kernelConfig == "xgemm \(entry.config) (tuned on this device at n=96: \(Format.number(entry.gflops)) GFLOP/s)")
    // A second search that finds nothing faster keeps the first entry.
    #expect(runner.tuning.best(for: Self.device, dtype: .float64, sizeClass: .small) == entry)
  }

  @Test func tuneNeedsOpenCLAndAFittingSize() {
    let limited = MatmulRunner(configuration: .init(limits: .init(maxDimension: 100)), openCL: sharedRunner.openCL)
    let error = computeError { try TuneJob(runner: limited).prepare(["n": .int(128)]) }
    #expect(error?.field == "n")
    let none = MatmulRunner(openCL: OpenCLBackend { () throws(OpenCLError) in [] })
    #expect(computeError { try TuneJob(runner: none).prepare([:]) }?.code == .backendUnavailable)
  }

  @Test func launchSizesGrowWithTheMeasuredSpeedAndBlocksCoverEveryOutputOnce() {
    var sizer = LaunchSizer(initial: 1000, target: 0.05)
    sizer.observe(multiplyAdds: 1000, seconds: 0.0001)  // 10⁷ per second: 5·10⁵ fit 50 ms, at most 8× a step
    #expect(sizer.budget == 8000)
    for _ in 0..<10 { sizer.observe(multiplyAdds: 1000, seconds: 0.0001) }
    #expect(sizer.budget == 500_000)
    sizer.observe(multiplyAdds: 1000, seconds: 10)  // a slow launch: back to the floor
    #expect(sizer.budget == 1000)
    for budget in [1, 5_000, 1 << 40] {
      var cursor = BlockCursor(m: 300, n: 200, k: 7, align: 64)
      var covered = [Int](repeating: 0, count: 300 * 200)
      while let block = cursor.next(budget: budget) {
        for row in block.rows { for column in block.columns { covered[row * 200 + column] += 1 } }
      }
      #expect(covered.allSatisfy { $0 == 1 }, "budget \(budget)")
    }
  }
}
