import Foundation
import Testing

@testable import Compute

/// Every kind with small parameters (fast in a debug build): it runs and its own check passes.
@Suite("Experiment runs")
struct ExperimentRunTests {
  /// Small cases per kind, several where a parameter switches code paths. Sizes are not multiples
  /// of the work-group or tile sizes, to exercise the edges.
  static let hostCases: [(ExperimentKind, [String: JobValue])] = [
    (.solve, ["n": 50, "hilbert_max": 8, "repeats": 1]),
    (.solve, ["n": 7, "hilbert_max": 2, "repeats": 1, "naive": "no"]),
    (.bandwidth, ["n": 4099, "threads": 2, "repeats": 2]),
    (.bandwidth, ["n": 1024, "threads": 1, "repeats": 1, "peak_gflops": 50, "intensity": 0.25]),
    (.summation, ["max_n": 20_000, "points_per_decade": 2, "repeats": 1]),
    (.summation, ["max_n": 5000, "distribution": "tenth", "repeats": 1]),
    (.access, ["n": 66, "array_mib": 1, "max_stride": 8192, "repeats": 1]),
    (.vectorize, ["n": 5003, "repeats": 1]),
    (.vectorize, ["n": 5003, "repeats": 1, "operation": "axpy"]),
  ]

  static let openCLCases: [(ExperimentKind, [String: JobValue])] = [
    (.peak, ["work_items": 256, "iterations": 64, "chains": 2, "repeats": 1]),
    (.peak, ["work_items": 100, "iterations": 16, "chains": 3, "vector_width": 1, "dtype": "float32", "repeats": 1]),
    (.coalescing, ["n": 4099, "max_stride": 8, "transpose_n": 37, "repeats": 1]),
    (.divergence, ["n": 1000, "work": 8, "group_size": 64, "repeats": 1]),
    (.divergence, ["n": 1000, "work": 8, "group_size": 32, "pattern": "halves", "repeats": 1]),
    (.reduction, ["n": 100_003, "group_size": 64, "per_item": 4, "repeats": 1]),
    (.reduction, ["n": 1001, "group_size": 16, "per_item": 1, "atomic": "float-cas", "repeats": 1]),
    (.bandwidth, ["n": 5000, "target": "both", "repeats": 1, "peak_gflops": 10]),
  ]

  @Test("host kinds run and verify", arguments: hostCases)
  func hostKindRunsAndVerifies(kind: ExperimentKind, parameters: [String: JobValue]) throws {
    let outcome = try experimentRunner.run(kind, parameters: parameters)
    expectWellFormed(outcome, kind: kind)
    for (name, value) in parameters {
      #expect(try kind.parameters.first { $0.name == name }!.validate(value) == outcome.parameters[name])
    }
  }

  @Test("OpenCL kinds run and verify", .enabled(if: openCLAvailable), arguments: openCLCases)
  func openCLKindRunsAndVerifies(kind: ExperimentKind, parameters: [String: JobValue]) throws {
    let outcome = try experimentRunner.run(kind, parameters: parameters)
    expectWellFormed(outcome, kind: kind)
    #expect(outcome.timings.buildSeconds != nil)
    #expect(outcome.timings.measurements.contains { $0.clock == .device })
  }

  @Test func sweepsComeAsSeriesOnePointPerValue() throws {
    let access = try experimentRunner.run(
      .access, parameters: ["n": 16, "array_mib": 1, "max_stride": 256, "repeats": 1])
    #expect(access.series(named: "strided reads")?.points.map(\.x) == [8, 16, 32, 64, 128, 256])
    let summation = try experimentRunner.run(.summation, parameters: ["max_n": 100_000, "repeats": 1])
    let naive = try #require(summation.series(named: "naive float32"))
    #expect(naive.points.map(\.x) == [1000, 10_000, 100_000])
    #expect(summation.series.count == 4)
    let solve = try experimentRunner.run(.solve, parameters: ["n": 10, "hilbert_max": 6, "repeats": 1, "naive": "no"])
    #expect(solve.series(named: "forward error")?.points.map(\.x) == [2, 3, 4, 5, 6])
  }

  @Test func theHilbertErrorGrowsWithItsConditionNumber() throws {
    let outcome = try experimentRunner.run(
      .solve, parameters: ["n": 10, "hilbert_max": 12, "repeats": 1, "naive": "no"])
    let condition = try #require(outcome.series(named: "condition number κ₁")?.points.map(\.y))
    #expect(zip(condition, condition.dropFirst()).allSatisfy { $0 < $1 })
    let error = try #require(outcome.series(named: "forward error")?.points.map(\.y))
    #expect(error.last! > 1e3 * error.first!)
  }

  @Test func naiveFloat32SummationIsWorseThanKahanOnTenths() throws {
    let outcome = try experimentRunner.run(
      .summation, parameters: ["max_n": 100_000, "distribution": "tenth", "repeats": 1])
    let naive = try #require(outcome.figure(named: "naive_float32_error")?.value)
    let kahan = try #require(outcome.figure(named: "kahan_float32_error")?.value)
    #expect(naive > 100 * kahan)
  }

  @Test func theSummationReferenceIsExactInFixedPoint() {
    let values: [Float] = [0.1, 1e-7, 3, 0.5, 1e-30, 2.5e-3]
    values.withUnsafeBufferPointer { buffer in
      let (exact, isExact) = SummationExperiment.exactSum(buffer)
      #expect(isExact == false)  // 1e-30 is below 2⁻⁹⁶
      let (small, smallExact) = SummationExperiment.exactSum(UnsafeBufferPointer(rebasing: buffer[0..<4]))
      #expect(smallExact)
      #expect(small == (Double(Float(0.1)) + Double(Float(1e-7))) + 3.5)
      #expect(abs(exact - SummationExperiment.compensated64(buffer)) <= 1e-15)
    }
  }

  @Test func theHilbertConditionNumberMatchesKnownValues() {
    // κ₁(H₃) = 748 exactly; κ₁(H₄) = 28375 (‖H‖₁ = 25/12, ‖H⁻¹‖₁ = 13620).
    #expect(abs(SolveExperiment.hilbertConditionNumber(3) - 748) < 1e-9)
    #expect(abs(SolveExperiment.hilbertConditionNumber(4) - 28375) < 1e-7)
  }

  @Test func theOutcomeEncodesWithSnakeCaseKeys() throws {
    let outcome = try experimentRunner.run(.summation, parameters: ["max_n": 2000, "repeats": 1])
    let data = try JSONEncoder().encode(outcome)
    let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    #expect(
      Set(json.keys) == ["kind", "parameters", "figures", "series", "verification", "timings", "device", "summary", "flags"])
    #expect(json["kind"] as? String == "summation")
    let parameters = try #require(json["parameters"] as? [String: Any])
    #expect(parameters["max_n"] as? Int == 2000)
    let figure = try #require((json["figures"] as? [[String: Any]])?.first)
    #expect(Set(figure.keys) == ["name", "value", "unit", "label"])
    let series = try #require((json["series"] as? [[String: Any]])?.first)
    #expect(Set(series.keys) == ["name", "x_label", "x_unit", "y_label", "y_unit", "points"])
    let verification = try #require(json["verification"] as? [String: Any])
    #expect(Set(verification.keys) == ["method", "passed", "max_error", "tolerance", "detail"])
    let timings = try #require(json["timings"] as? [String: Any])
    #expect(timings["total_seconds"] != nil && timings["measurements"] != nil && timings["concurrent_jobs"] != nil)
    let measurement = try #require((timings["measurements"] as? [[String: Any]])?.first)
    #expect(
      Set(measurement.keys)
        == [
          "name", "clock", "includes", "warmups", "repeats", "samples", "seconds", "reported", "spread", "spread_coverage",
          "target_spread", "converged", "stopped",
        ])
    #expect(try JSONDecoder().decode(ExperimentOutcome.self, from: data) == outcome)
  }

  @Test func nonFiniteFiguresEncodeAsNull() throws {
    let figure = ExperimentFigure(name: "ratio", value: .infinity, unit: "×", label: "a ratio over nothing")
    let json = String(decoding: try JSONEncoder().encode(figure), as: UTF8.self)
    #expect(json.contains("\"value\":null"))
    let series = ExperimentSeries(
      name: "s", xLabel: "x", xUnit: "u", yLabel: "y", yUnit: "u", points: [.init(x: 1, y: .nan), .init(x: 2, y: 3)])
    #expect(series.points == [.init(x: 2, y: 3)])
  }

  @Test func theKindListingEncodesParametersWithTheirLimits() throws {
    let data = try JSONEncoder().encode(experimentRunner.kinds())
    let kinds = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
    #expect(kinds.count == ExperimentKind.allCases.count)
    let parameter = try #require((kinds.first?["parameters"] as? [[String: Any]])?.first)
    #expect(Set(parameter.keys) == ["name", "type", "default", "min", "max", "allowed", "unit", "description", "applies_when"])
  }
}

extension JobValue: CustomTestStringConvertible {
  public var testDescription: String { description }
}
