import Testing

@testable import Compute

@Suite("Experiment parameters")
struct ExperimentValidationTests {
  @Test(
    "defaults fill every parameter, and each default lies within its own limits", arguments: ExperimentKind.allCases)
  func defaultsFillEveryParameterWithinLimits(kind: ExperimentKind) throws {
    try #require(kind.openCL != .required || openCLAvailable)
    if kind.needsCUDA, experimentRunner.cuda.availability != .available { return }  // no CUDA here: checked in CUDATests
    let used = try experimentRunner.validate(kind, parameters: [:])
    #expect(Set(used.values.keys) == Set(kind.parameters.map(\.name)))
    for parameter in kind.parameters {
      let value = try #require(used[parameter.name])
      #expect(try parameter.validate(value) == value, "\(kind).\(parameter.name) = \(value)")
    }
  }

  @Test("a parameter the kind does not take is invalid_argument naming it", arguments: ExperimentKind.allCases)
  func unknownParameterIsNamed(kind: ExperimentKind) {
    let error = computeError { try experimentRunner.validate(kind, parameters: ["bogus": 1]) }
    #expect(error?.code == .invalidArgument)
    #expect(error?.field == "bogus")
    #expect(error?.available == kind.parameters.map(\.name))
  }

  @Test func wrongTypeIsInvalidValueNamingTheField() {
    let error = computeError { try experimentRunner.validate(.summation, parameters: ["max_n": "lots"]) }
    #expect(error?.code == .invalidValue)
    #expect(error?.field == "max_n")
    let choice = computeError { try experimentRunner.validate(.summation, parameters: ["distribution": 3]) }
    #expect(choice?.code == .invalidValue && choice?.field == "distribution")
    let fraction = computeError { try experimentRunner.validate(.access, parameters: ["n": 100.5]) }
    #expect(fraction?.code == .invalidValue && fraction?.field == "n")
  }

  @Test func valuesAboveTheMaximumNameTheFieldAndTheLimit() {
    let error = computeError { try experimentRunner.validate(.summation, parameters: ["max_n": 1_000_000_000]) }
    #expect(error?.code == .invalidValue)
    #expect(error?.field == "max_n")
    #expect(error?.limit == 100_000_000)
  }

  @Test func valuesBelowTheMinimumNameTheFieldAndTheLimit() {
    let error = computeError { try experimentRunner.validate(.vectorize, parameters: ["repeats": 0]) }
    #expect(error?.code == .invalidValue)
    #expect(error?.field == "repeats")
    #expect(error?.limit == 1)
  }

  @Test func aChoiceOutsideTheAllowedValuesListsThem() {
    let error = computeError { try experimentRunner.validate(.vectorize, parameters: ["operation": "gemm"]) }
    #expect(error?.code == .invalidValue)
    #expect(error?.field == "operation")
    #expect(error?.available == ["dot", "axpy"])
  }

  @Test func anIntegerParameterTakesOnlyItsAllowedValues() {
    let error = computeError { try experimentRunner.validate(.divergence, parameters: ["group_size": 48]) }
    #expect(error?.code == .invalidValue)
    #expect(error?.field == "group_size")
    #expect(error?.available?.contains("64") == true)
  }

  @Test func integralNumbersAreAcceptedForIntegersAndIntegersForNumbers() throws {
    let used = try experimentRunner.validate(.summation, parameters: ["max_n": 1e4])
    #expect(used["max_n"] == .int(10_000))
    let bandwidth = try experimentRunner.validate(.bandwidth, parameters: ["intensity": 2, "n": 4096])
    #expect(bandwidth["intensity"] == .number(2))
  }

  @Test func givenValuesAreKeptAndTheRestDefaulted() throws {
    let used = try experimentRunner.validate(.access, parameters: ["n": 64])
    #expect(used["n"] == .int(64))
    #expect(used["repeats"] == .int(3))
  }

  @Test func machineDependentDefaultsAreResolved() throws {
    let used = try experimentRunner.validate(.bandwidth, parameters: [:])
    let host = experimentRunner.host
    // STREAM's 4× the last-level cache, unless the memory budget caps it (a large L3 does).
    let fitted = BandwidthExperiment.defaultN([:], environment: experimentRunner.environment)
    #expect(used["n"] == .int(fitted.n))
    #expect(fitted.n == 4 * host.lastLevelCacheBytes / 8 || fitted.capped?.contains("memory budget") == true, "\(fitted)")
    #expect(used["threads"] == .int(host.cores))
    let listed = try #require(experimentRunner.kinds().first { $0.kind == "bandwidth" })
    #expect(listed.parameters.allSatisfy { $0.defaultValue != nil })
  }

  @Test func anUnknownKindListsTheKnownOnes() {
    let error = computeError { try ExperimentKind(validating: "matmul") }
    #expect(error?.code == .invalidArgument)
    #expect(error?.field == "kind")
    #expect(error?.available?.count == ExperimentKind.allCases.count)
  }

  @Test func theMemoryBudgetRefusesLargeRunsWithTheLimit() {
    let small = ExperimentRunner(configuration: .init(memoryBudgetBytes: 1 << 20), openCL: sharedRunner.openCL)
    let error = computeError { try small.validate(.access, parameters: ["n": 1024, "array_mib": 1]) }
    #expect(error?.code == .memoryBudgetExceeded)
    #expect(error?.limit == 1 << 20)
    #expect(error?.field == "n")
  }

  @Test func theTimeBudgetRefusesLongRunsWithTheLimit() {
    let error = computeError {
      try experimentRunner.validate(.summation, parameters: ["max_n": 100_000_000, "repeats": 20])
    }
    #expect(error?.code == .memoryBudgetExceeded)
    #expect(error?.limit == 60)
    #expect(error?.message.contains("time budget") == true)
  }

  @Test func withoutOpenCLTheOpenCLKindsAreBackendUnavailableListingWhatRuns() throws {
    let none = ExperimentRunner(
      openCL: OpenCLBackend(discover: { () throws(OpenCLError) in
        throw OpenCLError(status: OpenCL.platformNotFoundKHR, call: "clGetPlatformIDs")
      }))
    for kind in ExperimentKind.allCases where kind.openCL == .required {
      let error = computeError { try none.validate(kind, parameters: [:]) }
      #expect(error?.code == .backendUnavailable, "\(kind)")
      #expect(error?.available?.contains("summation") == true)
      #expect(error?.available?.contains(kind.rawValue) == false)
    }
    let bandwidth = computeError { try none.validate(.bandwidth, parameters: ["target": "opencl"]) }
    #expect(bandwidth?.code == .backendUnavailable && bandwidth?.field == "target" && bandwidth?.available == ["cpu"])
    // Host kinds still validate, and the listing says which kinds cannot run.
    _ = try none.validate(.bandwidth, parameters: ["n": 4096])
    let listed = none.kinds()
    let cudaless = none.cuda.availability != .available
    #expect(
      listed.filter { !$0.available }.map(\.kind)
        == ExperimentKind.allCases.filter { $0.openCL == .required || ($0.needsCUDA && cudaless) }.map(\.rawValue))
    #expect(listed.allSatisfy { $0.available || $0.reason != nil })
  }

  @Test(.enabled(if: openCLAvailable)) func aDeviceThatDoesNotExistIsUnknownDevice() {
    let error = computeError { try experimentRunner.validate(.peak, parameters: ["device": 63]) }
    #expect(error?.code == .unknownDevice)
    #expect(error?.field == "device")
  }

  @Test func hostKindsRunInTheCPULane() throws {
    for kind in ExperimentKind.allCases where kind.openCL == .none && !kind.needsCUDA {
      #expect(
        experimentRunner.lane(for: kind, parameters: try experimentRunner.validate(kind, parameters: [:])) == "cpu")
    }
  }

  @Test(.enabled(if: openCLAvailable)) func openCLKindsTakeTheDevicesLaneAsMatmulDoes() throws {
    let used = try experimentRunner.validate(.coalescing, parameters: ["device": 0])
    let device = sharedRunner.openCL.devices[0].info
    let expected = device.type.contains("cpu") ? "cpu" : "opencl:0"
    #expect(experimentRunner.lane(for: .coalescing, parameters: used) == expected)
    let matmul = MatmulSpec(m: 8, k: 8, n: 8, dtype: .float32, backend: .opencl, device: 0, repeats: 1, seed: 1)
    #expect(sharedRunner.lane(for: matmul) == expected)
  }

  @Test func theKindListingDescribesEveryKind() {
    let listed = experimentRunner.kinds()
    #expect(listed.map(\.kind) == ExperimentKind.allCases.map(\.rawValue))
    for info in listed {
      #expect(!info.title.isEmpty && !info.description.isEmpty)
      #expect(!info.parameters.isEmpty)
      for parameter in info.parameters {
        #expect(!parameter.description.isEmpty)
        switch parameter.type {
        case .choice: #expect(parameter.allowed?.isEmpty == false)
        case .int, .number: #expect(parameter.minimum != nil && parameter.maximum != nil)
        case .matrix: Issue.record("no experiment takes a matrix")
        }
      }
    }
  }
}
