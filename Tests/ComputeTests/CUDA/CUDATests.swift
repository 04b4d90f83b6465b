import Foundation
import Testing

@testable import Compute

/// The CUDA backend where there is no CUDA (here and in CI): it loads nothing, says why, refuses
/// clearly, and every host-side piece that does not need a GPU is checked.
@Suite struct CUDATests {
  /// The real loader, searching the real paths (this machine has no libcuda.so.1).
  static let cuda = CUDABackend()
  static let runner = MatmulRunner(openCL: sharedRunner.openCL, cuda: cuda)
  static var available: Bool { cuda.availability == .available }

  @Test(.enabled(if: !available, "this machine has CUDA"))
  func withoutCUDATheBackendSaysWhatItLookedFor() {
    guard case .unavailable(let reason) = Self.cuda.availability else { return }
    #expect(reason.contains("libcuda.so.1"), "\(reason)")
    #expect(reason.contains("/usr/local/cuda/lib64"), "\(reason)")
    #expect(Self.cuda.devices.isEmpty)
    let catalog = Self.runner.deviceCatalog()
    #expect(!catalog.cuda.available && catalog.cuda.reason == reason)
    #expect(!catalog.backends.contains(.cuda))
  }

  @Test(.enabled(if: !available, "this machine has CUDA"))
  func matmulOnCUDAIsA422NamingTheBackendsThatRun() {
    let error = computeError { try Self.runner.validate(MatmulSpec(m: 8, k: 8, n: 8, backend: .cuda)) }
    #expect(error?.code == .backendUnavailable)
    #expect(error?.field == "backend")
    #expect(Set(error?.available ?? []) == Set(Self.runner.availableBackends.map(\.rawValue)))
    #expect(error?.available?.contains("cuda") == false)
    let job = MatmulJob(runner: Self.runner)
    for dtype in ["tf32", "float16", "bfloat16", "float8", "float32"] {
      let refused = computeError { try job.prepare(["n": .int(16), "backend": .string("cuda"), "dtype": .string(dtype)]) }
      #expect(refused?.code == .backendUnavailable, "\(dtype)")
    }
  }

  @Test func tensorCorePrecisionsRunOnlyOnCUDA() {
    let job = MatmulJob(runner: Self.runner)
    for dtype in ["tf32", "float16", "bfloat16", "float8"] {
      for backend in ["blas", "opencl", "cpu-naive"] {
        let error = computeError { try job.prepare(["n": .int(16), "backend": .string(backend), "dtype": .string(dtype)]) }
        #expect(error?.code == .invalidValue && error?.field == "dtype", "\(dtype) on \(backend): \(String(describing: error))")
        #expect(error?.available == ["float32", "float64"])
      }
    }
    let unknown = computeError { try job.prepare(["n": .int(16), "dtype": .string("float128")]) }
    #expect(unknown?.code == .unknownDType)
    #expect(unknown?.available == MatmulPrecision.allCases.map(\.rawValue))
  }

  @Test(.enabled(if: !available, "this machine has CUDA"))
  func peakAndPrecisionOnCUDAAreClearRefusals() {
    let experiments = ExperimentRunner(openCL: sharedRunner.openCL, cuda: Self.cuda)
    let peak = computeError { try experiments.validate(.peak, parameters: ["backend": .string("cuda")]) }
    #expect(peak?.code == .backendUnavailable && peak?.field == "backend")
    let precision = computeError { try experiments.validate(.precision, parameters: [:]) }
    #expect(precision?.code == .backendUnavailable)
    let info = experiments.info(.precision)
    #expect(!info.available && info.reason?.contains("CUDA") == true)
  }

  @Test func aLibraryPathWithoutTheLibrariesIsNamed() throws {
    let empty = NSTemporaryDirectory() + "hpclab-nocuda-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: empty) }
    let problems = CUDABackend.checkLibraryPaths([empty, "/no/such/folder"])
    #expect(problems.count == 2)
    #expect(problems[0].contains(empty) && problems[0].contains("libcublas"))
    #expect(problems[1].contains("no such directory"))
    // A folder holding something named like the driver that is not one: the path passes the
    // start check, the load fails cleanly and names the folder.
    #expect(FileManager.default.createFile(atPath: empty + "/libcuda.so.1", contents: Data("not a library".utf8)))
    #expect(CUDABackend.checkLibraryPaths([empty]).isEmpty)
    let fake = CUDABackend(libraryPaths: [empty])
    if case .unavailable(let reason) = fake.availability {
      #expect(reason.contains(empty), "\(reason)")
    }
  }

  @Test func bfloat16RoundsToNearestEven() {
    #expect(CUDAInputs.bfloat16(1) == 0x3F80)
    #expect(CUDAInputs.bfloat16(-2) == 0xC000)
    // 1 + 2⁻⁸ is halfway between bfloat16 1 and 1 + 2⁻⁷: ties to even (1).
    #expect(CUDAInputs.bfloat16(1 + 0x1p-8) == 0x3F80)
    #expect(CUDAInputs.bfloat16(1 + 0x1p-8 + 0x1p-12) == 0x3F81)
    #expect(CUDAInputs.bfloat16(1 + 3 * 0x1p-8) == 0x3F82)  // halfway from 0x3F81: to even 0x3F82
  }

  @Test func e4m3EncodesEveryValueItCanHoldExactlyAndSaturates() {
    for bits in 0...255 where bits & 0x7F != 0x7F {  // 0x7F and 0xFF are NaN
      let value = CUDAInputs.decodeE4M3(UInt8(bits))
      let again = CUDAInputs.e4m3(value)
      if value == 0 {
        #expect(again & 0x7F == 0)
      } else {
        #expect(again == UInt8(bits), "bits \(String(bits, radix: 16)) → \(value) → \(String(again, radix: 16))")
      }
    }
    #expect(CUDAInputs.decodeE4M3(0x7E) == 448)
    #expect(CUDAInputs.e4m3(1000) == 0x7E && CUDAInputs.e4m3(-1000) == 0xFE)
    #expect(CUDAInputs.decodeE4M3(0x01) == 0x1p-9)  // the smallest subnormal
    // Halfway between 1 and 1.125 rounds to even (1); just above rounds up.
    #expect(CUDAInputs.e4m3(1.0625) == CUDAInputs.e4m3(1))
    #expect(CUDAInputs.decodeE4M3(CUDAInputs.e4m3(1.07)) == 1.125)
  }

  @Test func theInputsAreConvertedToEachPrecisionsBytes() {
    let values: [Float] = [1, -0.5, 0.25]
    #expect(CUDAInputs.encode(values, as: .float32).count == 12)
    #expect(CUDAInputs.encode(values, as: .float64).count == 24)
    #expect(CUDAInputs.encode(values, as: .float16) == [0x00, 0x3C, 0x00, 0xB8, 0x00, 0x34])
    #expect(CUDAInputs.encode(values, as: .bfloat16) == [0x80, 0x3F, 0x00, 0xBF, 0x80, 0x3E])
    #expect(CUDAInputs.encode(values, as: .float8) == [0x38, 0xB0, 0x28])
    #expect(CUDAInputs.transposed([1, 2, 3, 4, 5, 6], rows: 2, columns: 3) == [1, 4, 2, 5, 3, 6])
  }

  /// The kernel question 7 prints is the kernel `peak` compiles.
  @Test func questionSevensWMMAKernelIsTheTextThatRuns() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
    let markdown = try String(
      contentsOf: root.appendingPathComponent("Sources/Content/Corpus/questions/07-cuda-cores-vs-tensor-cores.md"),
      encoding: .utf8)
    let start = try #require(markdown.range(of: "```cuda\n"))
    let end = try #require(markdown.range(of: "```", range: start.upperBound..<markdown.endIndex))
    let printed = String(markdown[start.upperBound..<end.lowerBound])
    #expect(printed.trimmingCharacters(in: .whitespacesAndNewlines) == CUDAKernelSource.wmmaGEMM)
  }
}
