import Foundation
import Testing

@testable import Compute

@Suite("Roofline and the figure catalog")
struct RooflineTests {
  @Test func theHostRooflineMeasuresEachLevelAndVerifiesTheReads() throws {
    let outcome = try ExperimentRunner().run(.roofline, parameters: [
      "target": .string("host"), "repeats": .int(1), "memory_mib": .int(64), "gemm_n": .int(256),
    ])
    #expect(outcome.verification.passed, "\(outcome.verification)")
    let names = Set(outcome.figures.map(\.name))
    #expect(names.isSuperset(of: ["float32_peak_gflops", "float64_peak_gflops", "dram_gb_s", "float64_ridge_intensity"]))
    #expect(outcome.figures.filter { $0.unit == "GB/s" }.allSatisfy { $0.value > 0 })
    #expect(names.isSubset(of: ExperimentKind.roofline.figureNames), "\(names.subtracting(ExperimentKind.roofline.figureNames))")
    #expect(outcome.series.contains { $0.name.hasPrefix("float64 roofline") })
  }

  @Test(.enabled(if: openCLAvailable)) func theDeviceRooflineReadsLocalL2AndGlobalMemory() throws {
    let outcome = try ExperimentRunner(openCL: sharedRunner.openCL).run(
      .roofline, parameters: ["target": .string("opencl"), "repeats": .int(1), "memory_mib": .int(64)])
    #expect(outcome.verification.passed, "\(outcome.verification)")
    for name in ["local_gb_s", "l2_gb_s", "global_gb_s", "float32_peak_gflops"] {
      #expect((outcome.figure(named: name)?.value ?? 0) > 0, "\(name)")
    }
  }

  /// Cheap parameters for every kind that runs here; each run's figures must be declared.
  static let cheap: [ExperimentKind: [String: JobValue]] = [
    .peak: ["iterations": .int(16), "work_items": .int(64), "repeats": .int(1)],
    .coalescing: ["n": .int(4096), "max_stride": .int(2), "transpose_n": .int(32), "repeats": .int(1)],
    .divergence: ["n": .int(256), "work": .int(1), "repeats": .int(1)],
    .reduction: ["n": .int(4096), "repeats": .int(1)],
    .solve: ["n": .int(20), "hilbert_max": .int(4), "repeats": .int(1)],
    .bandwidth: ["n": .int(4096), "repeats": .int(1), "target": .string(openCLAvailable ? "both" : "cpu")],
    .summation: ["max_n": .int(1000), "repeats": .int(1)],
    .access: ["n": .int(64), "array_mib": .int(1), "max_stride": .int(8), "repeats": .int(1)],
    .vectorize: ["n": .int(1000), "repeats": .int(1)],
  ]

  @Test func everyFigureARunReportsIsInItsKindsCatalog() throws {
    let runner = ExperimentRunner(openCL: sharedRunner.openCL)
    for (kind, parameters) in Self.cheap where kind.openCL != .required || openCLAvailable {
      let outcome = try runner.run(kind, parameters: parameters)
      let undeclared = Set(outcome.figures.map(\.name)).subtracting(kind.figureNames)
      #expect(undeclared.isEmpty, "\(kind): \(undeclared)")
    }
  }
}
