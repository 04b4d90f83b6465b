import Foundation
import Testing
@testable import Compute

@Suite("MatmulRunner")
struct MatmulRunnerTests {
  static let hostBackends: [Backend] = [.blas, .cpuNaive]

  @Test("host backends match the float64 reference on edge shapes", arguments: hostBackends, DType.allCases)
  func hostBackendsMatchReference(backend: Backend, dtype: DType) throws {
    for shape in edgeShapes {
      let spec = MatmulSpec(m: shape.m, k: shape.k, n: shape.n, dtype: dtype, backend: backend, repeats: 1, seed: 7)
      let outcome = try sharedRunner.run(spec)
      #expect(outcome.c.rows == shape.m && outcome.c.columns == shape.n)
      #expect(outcome.c.dtype == dtype)
      #expect(outcome.summary.maxRelError <= tolerance(dtype), "\(backend) \(dtype) \(shape)")
    }
  }

  @Test(
    "every OpenCL kernel matches the float64 reference on edge shapes",
    .enabled(if: openCLAvailable), arguments: MatmulKernel.allCases, DType.allCases)
  func openCLKernelsMatchReference(kernel: MatmulKernel, dtype: DType) throws {
    for shape in edgeShapes {
      let spec = MatmulSpec(
        m: shape.m, k: shape.k, n: shape.n, dtype: dtype, backend: .opencl, kernel: kernel, repeats: 1, seed: 11)
      let outcome = try sharedRunner.run(spec)
      #expect(outcome.summary.kernel == kernel.rawValue)
      #expect(outcome.summary.maxRelError <= tolerance(dtype), "\(kernel) \(dtype) \(shape): \(outcome.summary)")
    }
  }

  @Test(
    "smaller work-group shapes, as on devices with tighter limits, are correct too",
    .enabled(if: openCLAvailable), arguments: [1, 16, 64], DType.allCases)
  func smallerWorkGroupShapesMatchReference(cap: Int, dtype: DType) throws {
    let runner = MatmulRunner(configuration: .init(maxWorkGroupSize: cap), openCL: sharedRunner.openCL)
    for kernel in [MatmulKernel.tiled, .blocked] {
      var configurations: Set<String> = []
      for shape in [(17, 33, 5), (129, 20, 70)] {
        let spec = MatmulSpec(
          m: shape.0, k: shape.1, n: shape.2, dtype: dtype, backend: .opencl, kernel: kernel, repeats: 1, seed: 13)
        let outcome = try runner.run(spec)
        #expect(outcome.summary.maxRelError <= tolerance(dtype), "\(kernel) cap \(cap) \(shape)")
        configurations.insert(outcome.summary.kernelConfig ?? "")
      }
      #expect(configurations.allSatisfy { $0.contains("local=") })
      let local = try #require(configurations.first?.split(separator: "=").last?.split(separator: "x").compactMap { Int($0) })
      #expect(local.reduce(1, *) <= cap, "\(configurations)")
    }
  }
}

@Suite("MatmulRunner results and timings")
struct MatmulRunnerResultTests {
  static var allBackendKernels: [(Backend, MatmulKernel?)] {
    var cases: [(Backend, MatmulKernel?)] = [(.blas, nil), (.cpuNaive, nil)]
    if openCLAvailable { cases += MatmulKernel.allCases.map { (.opencl, $0) } }
    return cases
  }

  @Test func explicitInputsGiveTheExactProduct() throws {
    for (backend, kernel) in Self.allBackendKernels {
      for dtype in DType.allCases {
        let spec = MatmulSpec(
          a: [[1, 2, 3], [4, 5, 6]], b: [[7, 8], [9, 10], [11, 12]], dtype: dtype, backend: backend, kernel: kernel,
          repeats: 1)
        let outcome = try sharedRunner.run(spec)
        #expect(outcome.c.doubles == [58, 64, 139, 154], "\(backend) \(kernel as Any) \(dtype)")
        #expect(outcome.summary.maxAbsError == 0)
        #expect(outcome.summary.checksum == 415)
        #expect(outcome.summary.seed == nil)
      }
    }
  }

  @Test func repeatsAndTimingsArePresentAndConsistent() throws {
    for (backend, kernel) in Self.allBackendKernels {
      let spec = MatmulSpec(m: 40, k: 30, n: 20, backend: backend, kernel: kernel, repeats: 4, seed: 5)
      let outcome = try sharedRunner.run(spec)
      let timings = outcome.timings
      #expect(timings.computeSeconds.count == 4)
      #expect(timings.wallSeconds.count == 4)
      #expect(timings.computeSeconds.allSatisfy { $0 >= 0 })
      #expect(timings.compute.min <= timings.compute.median && timings.compute.median <= timings.compute.max)
      #expect(timings.wall.min <= timings.wall.median && timings.wall.median <= timings.wall.max)
      #expect(timings.compute.min == timings.computeSeconds.min())
      #expect(timings.launchesPerRepeat >= 1)
      #expect(timings.totalSeconds >= timings.warmupSeconds)
      #expect(outcome.summary.gflops > 0)
      #expect(outcome.summary.repeats == 4)
      #expect(outcome.summary.seed == 5)
      if backend == .opencl {
        #expect(timings.kernelSeconds?.count == 4)
        #expect(timings.buildSeconds != nil && timings.buildCached != nil)
        #expect(timings.hostToDeviceSeconds != nil && timings.deviceToHostSeconds != nil)
        #expect(outcome.summary.deviceIndex != nil)
        #expect(outcome.summary.kernelConfig != nil)
      } else {
        #expect(timings.kernelSeconds == nil && timings.buildSeconds == nil && timings.hostToDeviceSeconds == nil)
        #expect(timings.computeSeconds == timings.wallSeconds)
      }
    }
  }

  @Test(.enabled(if: openCLAvailable))
  func aSecondRunOfAKernelUsesTheCachedProgram() throws {
    let spec = MatmulSpec(m: 9, k: 9, n: 9, backend: .opencl, kernel: .naive, repeats: 1)
    _ = try sharedRunner.run(spec)
    let again = try sharedRunner.run(spec)
    #expect(again.timings.buildCached == true)
  }

  @Test func theSameSeedGivesTheSameResult() throws {
    let spec = MatmulSpec(m: 33, k: 17, n: 9, dtype: .float64, backend: .cpuNaive, repeats: 1, seed: 42)
    let first = try sharedRunner.run(spec)
    let second = try sharedRunner.run(spec)
    #expect(first.summary.hash == second.summary.hash)
    #expect(first.c == second.c)
    var other = spec
    other.inputs = .seeded(43)
    #expect(try sharedRunner.run(other).summary.hash != first.summary.hash)
  }

  @Test func progressRisesMonotonicallyToOne() throws {
    for (backend, kernel) in Self.allBackendKernels {
      var reports: [Double] = []
      _ = try sharedRunner.run(MatmulSpec(m: 64, k: 64, n: 64, backend: backend, kernel: kernel, repeats: 2)) {
        reports.append($0)
      }
      #expect(reports.last == 1)
      #expect(zip(reports, reports.dropFirst()).allSatisfy { $0 <= $1 })
      #expect(reports.allSatisfy { (0...1).contains($0) })
    }
  }

  @Test func theSummaryAndTimingsEncodeWithSnakeCaseKeys() throws {
    let outcome = try sharedRunner.run(MatmulSpec(m: 4, k: 4, n: 4, repeats: 1))
    let summary = try JSONSerialization.jsonObject(with: JSONEncoder().encode(outcome.summary)) as? [String: Any]
    let timings = try JSONSerialization.jsonObject(with: JSONEncoder().encode(outcome.timings)) as? [String: Any]
    for key in ["gflops", "max_abs_error", "max_rel_error", "checksum", "hash", "device", "kernel", "backend", "dtype"] {
      #expect(summary?[key] != nil, "summary.\(key)")
    }
    for key in ["compute_seconds", "wall_seconds", "compute", "wall", "warmup_seconds", "reference_seconds"] {
      #expect(timings?[key] != nil, "timings.\(key)")
    }
  }
}

@Suite("MatmulRunner cancellation")
struct MatmulRunnerCancellationTests {
  @Test func aCancelledTokenStopsARunningNaiveJobMidway() {
    // 1 row of 160·160 multiply-adds per block: 160 blocks per run, 1 + 2 runs.
    let runner = MatmulRunner(configuration: .init(naiveBlockMultiplyAdds: 160 * 160))
    let token = CancellationToken()
    var last = 0.0
    let error = thrownError {
      try runner.run(MatmulSpec(m: 160, k: 160, n: 160, backend: .cpuNaive, repeats: 2), token: token) { fraction in
        last = fraction
        if fraction > 0.1 { token.cancel() }
      }
    }
    #expect((error as? ComputeError)?.code == .cancelled)
    #expect(last > 0.1 && last < 0.2)
  }

  @Test(.enabled(if: openCLAvailable))
  func aCancelledTokenStopsARunningOpenCLJobBetweenLaunches() {
    // 64×64 output blocks of k = 192: 9 launches per run.
    let runner = MatmulRunner(configuration: .init(openCLBlockMultiplyAdds: 64 * 64 * 192), openCL: sharedRunner.openCL)
    let token = CancellationToken()
    var last = 0.0
    let error = thrownError {
      try runner.run(MatmulSpec(m: 192, k: 192, n: 192, backend: .opencl, repeats: 3), token: token) { fraction in
        last = fraction
        if fraction > 0.25 { token.cancel() }
      }
    }
    #expect((error as? ComputeError)?.code == .cancelled)
    #expect(last > 0.25 && last < 0.5)
  }

  @Test func aTokenCancelledForATimeoutReportsTimedOut() {
    let token = CancellationToken()
    token.cancel(.timedOut(seconds: 2))
    let error = thrownError { try sharedRunner.run(MatmulSpec(m: 8, k: 8, n: 8), token: token) } as? ComputeError
    #expect(error?.code == .timedOut)
    #expect(error?.message.contains("2 s") == true)
  }

  @Test func aCancelledBLASJobStopsBetweenBands() {
    let runner = MatmulRunner(configuration: .init(blasBlockMultiplyAdds: 100 * 100))
    let token = CancellationToken()
    var last = 0.0
    let error = thrownError {
      try runner.run(MatmulSpec(m: 100, k: 100, n: 100, dtype: .float64, repeats: 3), token: token) { fraction in
        last = fraction
        if fraction > 0.3 { token.cancel() }
      }
    }
    #expect((error as? ComputeError)?.code == .cancelled)
    #expect(last < 0.5)
  }
}
