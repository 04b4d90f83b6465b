import Foundation
import Testing

@testable import Compute

@Suite("Adaptive repeats and the median's interval")
struct AdaptiveRepeatsTests {
  /// Feeds `samples`, each ending `step` seconds after the last on a fake clock; returns how many
  /// were taken and why it stopped.
  static func drive(_ policy: AdaptiveRepeats.Policy, samples: [Double], step: Double) -> (Int, AdaptiveRepeats.Stop?) {
    var clock = 100.0
    var repeats = AdaptiveRepeats(policy: policy, now: clock)
    for sample in samples {
      clock += step
      if case .stop(let reason) = repeats.record(sample, now: clock) { return (repeats.samples.count, reason) }
    }
    return (repeats.samples.count, nil)
  }

  @Test func steadySamplesStopAtFiveOnceTheIntervalIsNarrow() {
    let policy = AdaptiveRepeats.Policy(minimum: 3, maximum: 20, targetSpread: 0.02, extraSeconds: 0.2)
    let (count, reason) = Self.drive(policy, samples: [Double](repeating: 1, count: 30), step: 0.01)
    #expect(count == 5 && reason == .converged)
  }

  @Test func noisySamplesStopWhenTheTimeBudgetEnds() {
    // The minimum (3) ends at t + 0.1875; the budget is max(0.25, 0.1875 / 2) = 0.25 s more:
    // four more samples of 0.0625 s, so 7 (times exact in binary, so no rounding decides it).
    let policy = AdaptiveRepeats.Policy(minimum: 3, maximum: 20, targetSpread: 0.02, extraSeconds: 0.25)
    let noisy = (0..<30).map { $0 % 2 == 0 ? 1.0 : 1.5 }
    let (count, reason) = Self.drive(policy, samples: noisy, step: 0.0625)
    #expect(count == 7 && reason == .timeBudget)
  }

  @Test func noisyFastSamplesStopAtTheMaximum() {
    let policy = AdaptiveRepeats.Policy(minimum: 3, maximum: 12, targetSpread: 0.02, extraSeconds: 0.2)
    let noisy = (0..<30).map { $0 % 2 == 0 ? 1.0 : 1.5 }
    let (count, reason) = Self.drive(policy, samples: noisy, step: 1e-4)
    #expect(count == 12 && reason == .maximumRepeats)
  }

  @Test func theMinimumIsAlwaysTaken() {
    let policy = AdaptiveRepeats.Policy(minimum: 8, maximum: 8, targetSpread: 0.5, extraSeconds: 0)
    let (count, reason) = Self.drive(policy, samples: [Double](repeating: 1, count: 30), step: 1)
    #expect(count == 8 && reason == .converged)
  }

  @Test func theMedianIntervalUsesOrderStatistics() {
    // n = 10: ranks 2 and 9 cover the median with 1 − 2·11/1024 ≈ 97.9%; ranks 3 and 8 only 89%.
    let interval = MedianInterval((1...10).map(Double.init).shuffled())
    #expect(interval.median == 5.5 && interval.lower == 2 && interval.upper == 9)
    #expect(abs(interval.coverage - (1 - 22.0 / 1024)) < 1e-12)
    #expect(abs(interval.relativeHalfWidth - 3.5 / 5.5) < 1e-12)
    // Below 6 samples the interval is the range, with its smaller coverage said.
    let five = MedianInterval([3, 1, 2, 5, 4])
    #expect(five.lower == 1 && five.upper == 5 && abs(five.coverage - 0.9375) < 1e-12)
    #expect(MedianInterval([2]).relativeHalfWidth == .infinity)
  }

  @Test func aSessionMeasurementReportsItsSpreadAndWhyItStopped() throws {
    var clock = 0.0
    let session = ExperimentSession(
      token: CancellationToken(), environment: ExperimentRunner().environment, runtime: nil, progressUnits: 10,
      progress: { _ in }, now: { clock }
    ) { repeats in .init(minimum: repeats, maximum: 6, targetSpread: 0.02, extraSeconds: 10) }
    var next = 0
    let measurement = try session.measure("fake", clock: .host, includes: "nothing", repeats: 3, warmups: 1) {
      clock += 1
      next += 1
      return next % 2 == 0 ? 0.001 : 0.002  // never settles
    }
    #expect(measurement.repeats == 6 && measurement.stopped == .maximumRepeats && !measurement.converged)
    #expect(measurement.samples.count == 6 && measurement.spread != nil)
  }
}

@Suite("Comparing timings: Mann–Whitney U")
struct TimingComparisonTests {
  @Test func theExactTestMatchesTheTables() throws {
    let separated = try #require(MannWhitney([1, 2, 3], [4, 5, 6]))
    #expect(separated.u == 0 && separated.method == "exact")
    #expect(abs(separated.pValue - 0.1) < 1e-12)  // 2 of the 20 arrangements are as extreme
    let five = try #require(MannWhitney([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]))
    #expect(abs(five.pValue - 2.0 / 252) < 1e-12)
    let same = try #require(MannWhitney([1, 3, 5], [2, 4, 6]))
    #expect(same.pValue > 0.5 && abs(same.probabilityAGreater - 1.0 / 3) < 1e-12)
  }

  @Test func tiesUseTheNormalApproximation() throws {
    let tied = try #require(MannWhitney([1, 1, 2, 2], [1, 2, 2, 3]))
    #expect(tied.method == "normal approximation" && tied.pValue > 0.2 && tied.pValue <= 1)
  }

  /// Lognormal timing noise around `median` with a relative spread `sigma`, seeded.
  static func samples(_ count: Int, median: Double, sigma: Double, generator: inout SplitMix64) -> [Double] {
    (0..<count).map { _ in
      let u1 = max(Double.random(in: 0..<1, using: &generator), 1e-12)
      let u2 = Double.random(in: 0..<1, using: &generator)
      let normal = (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
      return median * exp(sigma * normal)
    }
  }

  @Test func anAACompareSaysSameAndATenPercentSlowdownSaysSlower() {
    var generator = SplitMix64(seed: 2026)
    let trials = 2000
    var falseAlarms = 0
    var same = 0
    var detected = 0
    for _ in 0..<trials {
      let a = Self.samples(10, median: 1e-3, sigma: 0.03, generator: &generator)
      let b = Self.samples(10, median: 1e-3, sigma: 0.03, generator: &generator)
      let verdict = TimingComparison(a: a, b: b).verdict
      if verdict == .faster || verdict == .slower { falseAlarms += 1 }
      if verdict == .same { same += 1 }
      let slow = Self.samples(10, median: 1.1e-3, sigma: 0.03, generator: &generator)
      if TimingComparison(a: a, b: slow).verdict == .slower { detected += 1 }
    }
    let falseAlarmRate = Double(falseAlarms) / Double(trials)
    let power = Double(detected) / Double(trials)
    print("A/A over \(trials) trials (n = 10 a side, 3% lognormal noise): false-alarm rate \(falseAlarmRate), same \(Double(same) / Double(trials)); a 10% slowdown called slower in \(power)")
    #expect(falseAlarmRate <= 0.06, "the false-alarm rate stays near α = 0.05")
    #expect(Double(same) / Double(trials) >= 0.9)
    #expect(power >= 0.99)
  }

  @Test func tooFewRepeatsAreInconclusive() {
    #expect(TimingComparison(a: [1, 2], b: [3, 4]).verdict == .inconclusive)
  }
}
