import JSON
import Foundation
import Testing
@testable import Compute

@Suite("MatmulSpec validation")
struct MatmulSpecTests {
  let limits = ComputeLimits()

  func code(_ spec: MatmulSpec, runner: MatmulRunner = sharedRunner) -> ComputeError? {
    thrownError { try runner.validate(spec) } as? ComputeError
  }

  @Test func rejectsNonPositiveDimension_NamingTheField() {
    for (field, spec) in [
      ("m", MatmulSpec(m: 0, k: 2, n: 2)), ("k", MatmulSpec(m: 2, k: -1, n: 2)), ("n", MatmulSpec(m: 2, k: 2, n: 0)),
    ] {
      let error = code(spec)
      #expect(error?.code == .invalidDimension)
      #expect(error?.field == field)
    }
  }

  @Test func rejectsDimensionOverTheLimit_StatingTheLimit() {
    let error = code(MatmulSpec(m: 2, k: 2, n: limits.maxDimension + 1))
    #expect(error?.code == .dimensionTooLarge)
    #expect(error?.field == "n")
    #expect(error?.limit == limits.maxDimension)
  }

  @Test(arguments: [0, -3, 51])
  func rejectsRepeatsOutOfRange(repeats: Int) {
    let error = code(MatmulSpec(m: 2, k: 2, n: 2, repeats: repeats))
    #expect(error?.code == .invalidRepeats)
    #expect(error?.field == "repeats")
    #expect(error?.limit == 50)
  }

  @Test func rejectsAKernelForAHostBackend() {
    let error = code(MatmulSpec(m: 2, k: 2, n: 2, backend: .blas, kernel: .tiled))
    #expect(error?.code == .unknownKernel)
    #expect(error?.field == "kernel")
  }

  @Test func rejectsRaggedExplicitMatrix() {
    let error = code(MatmulSpec(a: [[1, 2], [3]], b: [[1], [2]]))
    #expect(error?.code == .raggedMatrix)
    #expect(error?.field == "a")
  }

  @Test func rejectsEmptyExplicitMatrix() {
    let error = code(MatmulSpec(a: [[1, 2]], b: []))
    #expect(error?.code == .raggedMatrix)
    #expect(error?.field == "b")
  }

  @Test func rejectsMismatchedExplicitMatrices() {
    let error = code(MatmulSpec(a: [[1, 2, 3]], b: [[1], [2]]))
    #expect(error?.code == .shapeMismatch)
    #expect(error?.field == "b")
  }

  @Test func rejectsExplicitMatricesThatContradictTheStatedShape() {
    var spec = MatmulSpec(a: [[1, 2]], b: [[1], [2]])
    spec.m = 3
    let error = code(spec)
    #expect(error?.code == .shapeMismatch)
    #expect(error?.field == "a")
  }

  @Test func rejectsNonFiniteExplicitValues() {
    let error = code(MatmulSpec(a: [[1, .nan]], b: [[1], [2]]))
    #expect(error?.code == .invalidValue)
    #expect(error?.field == "a")
  }

  @Test func rejectsExplicitValuesBeyondFloat32ForAFloat32Job() throws {
    let error = code(MatmulSpec(a: [[1, 1e300]], b: [[1], [2]], dtype: .float32))
    #expect(error?.code == .invalidValue)
    #expect(error?.field == "a")
    try sharedRunner.validate(MatmulSpec(a: [[1, 1e300]], b: [[1], [2]], dtype: .float64))
  }

  @Test func rejectsAJobOverTheMemoryBudget_StatingTheLimit() {
    let runner = MatmulRunner(configuration: .init(limits: ComputeLimits(memoryBudgetBytes: 1 << 20)))
    let error = code(MatmulSpec(m: 256, k: 256, n: 256), runner: runner)
    #expect(error?.code == .memoryBudgetExceeded)
    #expect(error?.limit == 1 << 20)
    #expect(error?.message.contains("\(1 << 20)") == true)
  }

  @Test(.enabled(if: openCLAvailable))
  func rejectsAnUnknownOpenCLDevice() {
    let error = code(MatmulSpec(m: 2, k: 2, n: 2, backend: .opencl, device: 99))
    #expect(error?.code == .unknownDevice)
    #expect(error?.field == "device")
  }

  @Test(.enabled(if: openCLAvailable))
  func rejectsFloat64OnADeviceWithoutFP64() throws {
    var info = try #require(sharedRunner.openCL.devices.first?.info)
    info.fp64 = false
    let spec = MatmulSpec(m: 2, k: 2, n: 2, dtype: .float64, backend: .opencl)
    let error = thrownError { try MatmulRunner.checkDevice(for: spec, devices: [info], defaultIndex: 0) } as? ComputeError
    #expect(error?.code == .fp64Unsupported)
    #expect(error?.field == "dtype")
    var single = spec
    single.dtype = .float32
    try MatmulRunner.checkDevice(for: single, devices: [info], defaultIndex: 0)
  }

  @Test(.enabled(if: openCLAvailable))
  func rejectsAMatrixLargerThanTheDevicesLargestAllocation() throws {
    var info = try #require(sharedRunner.openCL.devices.first?.info)
    info.maxAllocationBytes = 1_000
    let error = thrownError {
      try MatmulRunner.checkDevice(for: MatmulSpec(m: 20, k: 20, n: 20, backend: .opencl), devices: [info], defaultIndex: 0)
    } as? ComputeError
    #expect(error?.code == .memoryBudgetExceeded)
    #expect(error?.limit == 1_000)
  }

  @Test func acceptsAGoodSpec() throws {
    try sharedRunner.validate(MatmulSpec(m: 3, k: 4, n: 5, dtype: .float64, backend: .cpuNaive, repeats: 50))
  }

  @Test func estimatesMemoryFromTheShapeDTypeAndBackend() {
    // 2×3·3×4: 6 + 12 + 8 = 26 elements.
    let host = MatmulSpec(m: 2, k: 3, n: 4, dtype: .float32, backend: .blas).estimatedMemory()
    #expect(host.hostBytes == 26 * 4 + 26 * 8)
    #expect(host.deviceBytes == 0)
    let device = MatmulSpec(m: 2, k: 3, n: 4, dtype: .float64, backend: .opencl, kernel: .blocked).estimatedMemory()
    #expect(device.hostBytes == 26 * 8 + 8 * 8)
    #expect(device.deviceBytes == 26 * 8)
    #expect(
      device.totalBytes
        == MatmulSpec(m: 2, k: 3, n: 4, dtype: .float64, backend: .opencl, kernel: .blocked).estimatedMemoryBytes())
    // auto (the default) pads to the tile: At 32×128, B 32×128, C 128×128, on the device and as host copies.
    let padded = (32 * 128 + 32 * 128 + 128 * 128) * 8
    let auto = MatmulSpec(m: 2, k: 3, n: 4, dtype: .float64, backend: .opencl).estimatedMemory()
    #expect(auto.deviceBytes == padded)
    #expect(auto.hostBytes == 26 * 8 + 8 * 8 + padded)
  }

  @Test func memoryEstimateSaturatesInsteadOfOverflowing() {
    #expect(MatmulSpec(m: .max, k: .max, n: .max).estimatedMemoryBytes() == .max)
  }

  @Test func errorsMatchByCodeInACatchClause() {
    var matched = false
    do {
      try sharedRunner.validate(MatmulSpec(m: 0, k: 1, n: 1))
    } catch where error.code == .invalidDimension {
      matched = true
    } catch {}
    #expect(matched)
  }
}

/// matmul's parameters decoded through its schema, as a request body or a stored spec is.
@Suite("matmul parameters")
struct MatmulJobSchemaTests {
  let job = MatmulJob(runner: sharedRunner)

  func decode(_ json: String) throws -> MatmulSpec {
    try job.spec(from: JobSchema(kind: "matmul", parameters: job.parameters).decode(JSONValue(parsing: json)))
  }

  func decodeError(_ json: String) -> ComputeError? {
    thrownError { try decode(json) } as? ComputeError
  }

  @Test func decodesASeededSpecWithDefaults() throws {
    let spec = try decode(#"{"m": 3, "k": 4, "n": 5}"#)
    #expect(spec == MatmulSpec(m: 3, k: 4, n: 5, dtype: .float32, backend: .blas, repeats: 3, seed: 1))
  }

  @Test func decodesAnExplicitSpecReadingTheShape() throws {
    let spec = try decode(#"{"a": [[1, 2]], "b": [[3], [4]], "dtype": "float64", "backend": "cpu-naive"}"#)
    #expect(spec.m == 1 && spec.k == 2 && spec.n == 1)
    #expect(spec.inputs == .explicit(a: [[1, 2]], b: [[3], [4]]))
    #expect(spec.backend == .cpuNaive)
  }

  @Test func rejectsUnknownNames_NamingTheField() {
    #expect(decodeError(#"{"m": 1, "k": 1, "n": 1, "dtype": "float128"}"#)?.field == "dtype")
    #expect(decodeError(#"{"m": 1, "k": 1, "n": 1, "dtype": "float128"}"#)?.code == .unknownDType)
    #expect(decodeError(#"{"m": 1, "k": 1, "n": 1, "backend": "tpu"}"#)?.code == .unknownBackend)
    let kernel = decodeError(#"{"m": 1, "k": 1, "n": 1, "backend": "opencl", "kernel": "strassen"}"#)
    #expect(kernel?.code == .unknownKernel)
    #expect(kernel?.available == ["auto", "naive", "tiled", "blocked"])
  }

  @Test func rejectsOneExplicitMatrixWithoutTheOther() {
    let error = decodeError(#"{"a": [[1]]}"#)
    #expect(error?.code == .missingInput)
    #expect(error?.field == "b")
  }

  @Test func roundTripsThroughItsStoredParameters() throws {
    for spec in [
      MatmulSpec(m: 3, k: 4, n: 5, dtype: .float64, backend: .opencl, kernel: .tiled, device: 0, repeats: 7, seed: 99),
      MatmulSpec(a: [[1, 2]], b: [[3], [4]], backend: .cpuNaive),
    ] {
      let stored = MatmulJob.parameters(of: spec).json.text
      #expect(try decode(stored) == spec)
    }
  }

  @Test func nAloneIsASquareProduct_AndErrorsNameN() throws {
    let spec = try decode(#"{"n": 7}"#)
    #expect(spec.m == 7 && spec.k == 7 && spec.n == 7)
    func prepareError(_ json: String) -> ComputeError? {
      thrownError { try job.prepare(json: JSONValue(parsing: json)) } as? ComputeError
    }
    #expect(prepareError(#"{"n": 100000}"#)?.field == "n")
    #expect(prepareError(#"{"n": 100000}"#)?.code == .dimensionTooLarge)
    #expect(prepareError(#"{"n": 0}"#)?.code == .invalidDimension)
  }

  @Test func wrongTypesAndUnknownFieldsNameTheField() {
    #expect(decodeError(#"{"n": "big"}"#)?.field == "n")
    #expect(decodeError(#"{"n": 4, "nope": 1}"#)?.field == "nope")
    #expect(decodeError(#"{"a": [[1, "x"]], "b": [[1]]}"#)?.field == "a")
    #expect(decodeError(#"{"seed": -1}"#)?.field == "seed")
    #expect(decodeError(#"[1, 2]"#)?.code == .invalidArgument)
  }

  @Test func kernelAppliesToOpenCLOnly() {
    let error = thrownError { try job.prepare(json: JSONValue(parsing: #"{"n": 4, "kernel": "tiled"}"#)) } as? ComputeError
    #expect(error?.field == "kernel")
    let listed = job.info().parameters.first { $0.name == "kernel" }
    #expect(listed?.appliesWhen == ["backend": "opencl"])
  }
}
