#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `summation`: naive, Kahan and pairwise float32 sums and a naive float64 sum of the same
/// float32 data, against an exact reference, for n = 10³ … `max_n`.
///
/// The reference is a compensated (Neumaier) float64 sum; it is itself checked, at every n, against
/// an exact sum in 128-bit fixed point (each float32 scaled by 2⁹⁶, exact for these data).
struct SummationExperiment: Experiment {
  static let kind = ExperimentKind.summation
  static let parameters: [JobParameter] = [
    .int(
      "max_n", default: 10_000_000, min: 1000, max: 100_000_000, unit: "elements",
      "largest n of the sweep, which starts at 10^3"),
    .int("points_per_decade", default: 1, min: 1, max: 4, "sweep points per factor of 10 in n"),
    .choice(
      "distribution", default: "uniform", allowed: ["uniform", "tenth"],
      "the data: uniform random values in [0, 1) (24 random bits), or 0.1f repeated"),
    .repeats(default: 3, max: 20),
    .seed(default: 1),
  ]

  let maxN: Int
  let sweep: [Int]
  let distribution: String
  let repeats: Int
  let seed: UInt64

  init(_ parameters: JobParameters, environment: ExperimentEnvironment) throws(ComputeError) {
    maxN = parameters.int("max_n")
    distribution = parameters.string("distribution")
    repeats = parameters.int("repeats")
    seed = UInt64(parameters.int("seed"))
    sweep = Self.sweep(upTo: maxN, perDecade: parameters.int("points_per_decade"))
  }

  /// 10³, 10^(3 + 1/p), … up to `maxN`, which is always the last point.
  static func sweep(upTo maxN: Int, perDecade: Int) -> [Int] {
    var points: [Int] = []
    var step = 0
    while true {
      let n = Int((1000 * pow(10, Double(step) / Double(perDecade))).rounded())
      if n >= maxN { break }
      if points.last != n { points.append(n) }
      step += 1
    }
    return points + [maxN]
  }

  var cost: ExperimentCost {
    let n = Double(maxN)
    let sweepElements = Double(sweep.reduce(0, +))
    let timedElements = 4 * 4 * Double(repeats + 1) * n  // Kahan is about 4 operations per element
    return ExperimentCost(
      memoryBytes: maxN * 4, seconds: (n + 6 * sweepElements + timedElements) / ExperimentCost.Rates.scalarOpsPerSecond,
      progressUnits: 1 + sweep.count + 4 * (repeats + 1), sizeField: "max_n")
  }

  func run(_ session: ExperimentSession) throws -> ExperimentReport {
    let data = try session.setup { try makeData(session) }
    if distribution != "tenth" { session.inspect("data", data) }  // one value is that distribution's point
    session.advance()
    return try data.withUnsafeBufferPointer { data in try run(data, session: session) }
  }

  /// The data, generated in pieces of 2²² values with a cancellation check between them.
  private func makeData(_ session: ExperimentSession) throws -> [Float] {
    if distribution == "tenth" { return [Float](repeating: 0.1, count: maxN) }
    var generator = SplitMix64(seed: seed)
    var data: [Float] = []
    data.reserveCapacity(maxN)
    while data.count < maxN {
      try session.check()
      for _ in data.count..<min(data.count + (1 << 22), maxN) { data.append(Float(generator.next() >> 40) * 0x1p-24) }
    }
    return data
  }

  private func run(_ data: UnsafeBufferPointer<Float>, session: ExperimentSession) throws -> ExperimentReport {
    struct Point {
      var n: Int
      var naive, kahan, pairwise, naive64, reference, exact: Double
      var exactlyKnown: Bool
    }
    var points: [Point] = []
    for n in sweep {
      try session.check()
      let prefix = UnsafeBufferPointer(rebasing: data[0..<n])
      // Six passes over the prefix: a cancellation check before each, so a large n stops promptly.
      let (exact, exactlyKnown) = session.verifying { Self.exactSum(prefix) }
      try session.check()
      let naive = Double(Self.naive(prefix))
      try session.check()
      let kahan = Double(Self.kahan(prefix))
      try session.check()
      let pairwise = Double(Self.pairwise(prefix))
      try session.check()
      let naive64 = Self.naive64(prefix)
      try session.check()
      let reference = session.verifying { Self.compensated64(prefix) }
      points.append(
        Point(
          n: n, naive: naive, kahan: kahan, pairwise: pairwise, naive64: naive64, reference: reference, exact: exact,
          exactlyKnown: exactlyKnown))
      session.advance()
    }

    // Times at the largest n; each timed result must equal the sweep's (the methods are deterministic).
    let last = points[points.count - 1]
    var mismatches: [String] = []
    func time(_ name: String, _ expected: Double, _ sum: () -> Double) throws -> Double {
      let measurement = try session.measure(
        "\(name) sum of n = \(maxN)", clock: .host, includes: "the summation loop only; data already in memory",
        repeats: repeats
      ) {
        if sum() != expected { mismatches.append(name) }
        return nil
      }
      return measurement.reportedSeconds / Double(maxN) * 1e9
    }
    let naiveNs = try time("naive float32", last.naive) { Double(Self.naive(data)) }
    let kahanNs = try time("Kahan float32", last.kahan) { Double(Self.kahan(data)) }
    let pairwiseNs = try time("pairwise float32", last.pairwise) { Double(Self.pairwise(data)) }
    let naive64Ns = try time("naive float64", last.naive64) { Self.naive64(data) }

    func relative(_ value: Double, _ point: Point) -> Double {
      point.reference == 0 ? abs(value) : abs(value - point.reference) / abs(point.reference)
    }
    func curve(_ name: String, _ value: (Point) -> Double) -> ExperimentSeries {
      ExperimentSeries(
        name: name, xLabel: "n", xUnit: "elements", yLabel: "relative error", yUnit: "relative error",
        points: points.map { .init(x: Double($0.n), y: relative(value($0), $0)) })
    }
    let series = [
      curve("naive float32", \.naive), curve("Kahan float32", \.kahan), curve("pairwise float32", \.pairwise),
      curve("naive float64", \.naive64),
    ]

    // The reference against the exact fixed-point sum, at every n.
    let referenceErrors = points.map { point in
      point.exact == 0 ? abs(point.reference) : abs(point.reference - point.exact) / abs(point.exact)
    }
    let worstReference = referenceErrors.max() ?? 0
    let tolerance = 2 * Double.ulpOfOne
    let allExact = points.allSatisfy(\.exactlyKnown)
    let passed = worstReference <= tolerance && allExact && mismatches.isEmpty
    var detail =
      "The compensated float64 reference matched the exact 128-bit fixed-point sum to within \(Format.number(worstReference)) (relative) at all \(points.count) values of n."
    if !allExact { detail += " Some values were too small for the fixed-point scale, so the exact sum is not exact." }
    if !mismatches.isEmpty {
      detail += " Timed runs gave a different sum than the sweep for: \(mismatches.joined(separator: ", "))."
    }

    let errors = (
      naive: relative(last.naive, last), kahan: relative(last.kahan, last), pairwise: relative(last.pairwise, last),
      naive64: relative(last.naive64, last)
    )
    let first = points[0]
    let figures = [
      ExperimentFigure(
        name: "naive_float32_error", value: errors.naive, unit: "relative error",
        label: "naive float32 sum at the largest n"),
      ExperimentFigure(
        name: "kahan_float32_error", value: errors.kahan, unit: "relative error",
        label: "Kahan float32 sum at the largest n"),
      ExperimentFigure(
        name: "pairwise_float32_error", value: errors.pairwise, unit: "relative error",
        label: "pairwise float32 sum at the largest n"),
      ExperimentFigure(
        name: "naive_float64_error", value: errors.naive64, unit: "relative error",
        label: "naive float64 sum at the largest n"),
      ExperimentFigure(
        name: "float32_rounding_error", value: relative(Double(Float(last.reference)), last), unit: "relative error",
        label: "the reference rounded to float32: the best any float32 result can do"),
      ExperimentFigure(name: "naive_float32_ns", value: naiveNs, unit: "ns/element", label: "naive float32 loop time"),
      ExperimentFigure(name: "kahan_float32_ns", value: kahanNs, unit: "ns/element", label: "Kahan float32 loop time"),
      ExperimentFigure(
        name: "pairwise_float32_ns", value: pairwiseNs, unit: "ns/element", label: "pairwise float32 time"),
      ExperimentFigure(
        name: "naive_float64_ns", value: naive64Ns, unit: "ns/element", label: "naive float64 loop time"),
      ExperimentFigure(
        name: "reference_sum", value: last.reference, unit: "sum", label: "reference sum at the largest n"),
    ]
    let data = distribution == "tenth" ? "0.1f repeated" : "uniform values in [0, 1)"
    let summary =
      "Summing n = \(Format.count(maxN)) \(data), naive float32 accumulation is off by \(Format.number(errors.naive)) (relative; \(Format.number(relative(first.naive, first))) at n = \(Format.count(first.n))), "
      + "Kahan by \(Format.number(errors.kahan)), pairwise by \(Format.number(errors.pairwise)) and a float64 accumulator by \(Format.number(errors.naive64)); "
      + "merely rounding the exact sum to float32 costs \(Format.number(relative(Double(Float(last.reference)), last))). "
      + "The naive error grows with n because every addition rounds to the precision of an ever larger running sum; Kahan carries the lost low bits along, and pairwise adds numbers of similar size. "
      + "Kahan costs \(Format.ratio(kahanNs / naiveNs)) the time of the naive loop (\(Format.number(kahanNs)) vs \(Format.number(naiveNs)) ns per element)."
    return ExperimentReport(
      figures: figures, series: series,
      verification: ExperimentVerification(
        method:
          "compensated float64 reference checked against an exact 128-bit fixed-point sum at every n; timed runs reproduce the sweep's sums",
        passed: passed, maxError: worstReference, tolerance: tolerance, detail: detail),
      device: session.hostDescription, summary: summary)
  }
}
