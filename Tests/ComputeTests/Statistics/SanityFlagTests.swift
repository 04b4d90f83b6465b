import Foundation
import Testing

@testable import Compute

@Suite("Sanity flags")
struct SanityFlagTests {
  static func figure(_ name: String, _ value: Double, _ unit: String) -> ExperimentFigure {
    ExperimentFigure(name: name, value: value, unit: unit, label: name)
  }

  @Test func aFigureAbovePeakIsFlaggedAsImpossible() {
    let context = SanityChecks.Context(peakGFLOPS: 100, peakFloat64GFLOPS: 50)
    let flags = SanityChecks.flags(
      measurements: [], figures: [Self.figure("float32_gflops", 150, "GFLOP/s"), Self.figure("float64_gflops", 60, "GFLOP/s"),
        Self.figure("float32_other", 90, "GFLOP/s")],
      workingSets: [], inputFlags: [], concurrentJobs: [], context: context)
    #expect(flags.filter { $0.code == .abovePeak }.compactMap(\.subject) == ["float32_gflops", "float64_gflops"])
    #expect(flags.first?.message.hasPrefix("Impossible") == true)
  }

  @Test func aZeroFilledOrConstantBufferIsFlagged() {
    let zeros = [Float](repeating: 0, count: 1024)
    let flag = zeros.withUnsafeBufferPointer { SanityChecks.inputFlag("a", $0) }
    #expect(flag?.code == .constantInput && flag?.message.contains("all zero") == true)
    let random = (0..<1024).map { Float($0 % 7) }
    #expect(random.withUnsafeBufferPointer { SanityChecks.inputFlag("b", $0) } == nil)
  }

  @Test func anL2SizedDRAMRunIsFlaggedAsCacheResident() {
    let caches: [(name: String, bytes: Int)] = [("L1d cache", 48 << 10), ("L2 cache", 1 << 20), ("L3 cache", 32 << 20)]
    let set = SanityChecks.WorkingSet(what: "the arrays", bytes: 768 << 10, meant: "DRAM", onDevice: false)
    let flag = SanityChecks.cacheResident(set, caches: caches)
    #expect(flag?.code == .cacheResident && flag?.message.contains("measured the L2 cache, not DRAM") == true)
    let partly = SanityChecks.WorkingSet(what: "the arrays", bytes: 64 << 20, meant: "DRAM", onDevice: false)
    #expect(SanityChecks.cacheResident(partly, caches: caches)?.message.contains("less than 4×") == true)
    let large = SanityChecks.WorkingSet(what: "the arrays", bytes: 256 << 20, meant: "DRAM", onDevice: false)
    #expect(SanityChecks.cacheResident(large, caches: caches) == nil)
  }

  @Test func aTimeNoLongerThanAnEmptyLaunchIsFlagged() {
    let tiny = ExperimentMeasurement(
      name: "k", clock: .device, includes: "", warmups: 1, samples: [2e-6, 3e-6, 2e-6], reported: .best)
    let context = SanityChecks.Context(emptyLaunchSeconds: 1.5e-6)
    #expect(SanityChecks.emptyTime(tiny, context: context)?.code == .emptyTime)
    let real = ExperimentMeasurement(name: "k", clock: .device, includes: "", warmups: 1, samples: [1e-3], reported: .best)
    #expect(SanityChecks.emptyTime(real, context: context) == nil)
  }

  @Test func aSmallSTREAMRunOnTheHostIsFlaggedAndSaysWhichCacheItMeasured() throws {
    let outcome = try ExperimentRunner().run(.bandwidth, parameters: ["target": .string("cpu"), "n": .int(20_000), "repeats": .int(2)])
    let flag = try #require(outcome.flags.first { $0.code == .cacheResident }, "\(outcome.flags)")
    #expect(flag.message.contains("not DRAM"), "\(flag.message)")
    let encoded = try JSONEncoder().encode(outcome)
    let decoded = try JSONDecoder().decode(ExperimentOutcome.self, from: encoded)
    #expect(decoded.flags == outcome.flags)
  }
}
