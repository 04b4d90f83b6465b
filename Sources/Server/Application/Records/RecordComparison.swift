import Compute
import JSON

/// Two run records of one kind, side by side: each measurement both have (by name) tested with
/// ``TimingComparison`` (Mann–Whitney U on the repeats), each figure both have as a ratio. The
/// JSON `GET /compare` returns and its page draws.
struct RecordComparison {
  struct Side {
    var id: String
    var record: JSONValue
    var href: String
  }

  struct Row {
    var name: String
    var a: [Double]
    var b: [Double]
    var comparison: TimingComparison
  }

  var a: Side
  var b: Side
  var rows: [Row]
  var figures: [(name: String, unit: String, a: Double?, b: Double?)]
  /// Measurements only one side has (by name): not compared.
  var onlyA: [String]
  var onlyB: [String]
  /// Parameters whose values differ between the two runs.
  var parametersDiffer: [String]

  /// Compares; nil when the records are of different kinds.
  init?(a: Side, b: Side) {
    guard a.record["kind"]?.stringValue == b.record["kind"]?.stringValue else { return nil }
    self.a = a
    self.b = b
    func samples(_ record: JSONValue) -> [(String, [Double])] {
      (record["measurements"]?.arrayValue ?? []).compactMap { measurement in
        guard let name = measurement["name"]?.stringValue else { return nil }
        return (name, measurement["samples"]?.arrayValue?.compactMap(\.doubleValue) ?? [])
      }
    }
    let right = Dictionary(samples(b.record), uniquingKeysWith: { first, _ in first })
    let leftNames = Set(samples(a.record).map(\.0))
    onlyA = samples(a.record).map(\.0).filter { right[$0] == nil }
    onlyB = samples(b.record).map(\.0).filter { !leftNames.contains($0) }
    let parametersA = a.record["parameters"]?.objectValue
    let parametersB = b.record["parameters"]?.objectValue
    parametersDiffer = Set((parametersA?.keys ?? []) + (parametersB?.keys ?? [])).sorted().filter {
      parametersA?[$0] != parametersB?[$0]
    }
    rows = samples(a.record).compactMap { name, left in
      guard let other = right[name] else { return nil }
      return Row(name: name, a: left, b: other, comparison: TimingComparison(a: left, b: other))
    }
    func figureValues(_ record: JSONValue) -> [(String, String, Double?)] {
      (record["figures"]?.arrayValue ?? []).compactMap { figure in
        guard let name = figure["name"]?.stringValue else { return nil }
        return (name, figure["unit"]?.stringValue ?? "", figure["value"]?.doubleValue)
      }
    }
    let rightFigures = Dictionary(figureValues(b.record).map { ($0.0, $0.2) }, uniquingKeysWith: { first, _ in first })
    figures = figureValues(a.record).compactMap { name, unit, value in
      guard let other = rightFigures[name] else { return nil }
      return (name, unit, value, other)
    }
  }

  static let testDescription =
    "Mann–Whitney U on the repeats, two-sided (exact below 21 repeats a side without ties, else the normal approximation with tie correction), α = \(TimingComparison.alpha): faster or slower when significant and the medians differ by at least \(Int(TimingComparison.practical * 100))%; same when significant but smaller, or not significant with the medians within \(Int(TimingComparison.equivalence * 100))%; otherwise inconclusive."

  var json: JSONValue {
    func side(_ side: Side) -> JSONValue {
      .object([
        ("id", .string(side.id)), ("href", .string(side.href)), ("kind", side.record["kind"] ?? .null),
        ("device", side.record["device"] ?? .null), ("finished_at", side.record["finished_at"] ?? .null),
        ("parameters", side.record["parameters"] ?? .null),
      ])
    }
    var counts: [String: Int] = ["same": 0, "faster": 0, "slower": 0, "inconclusive": 0]
    for row in rows { counts[row.comparison.verdict.rawValue, default: 0] += 1 }
    return .object([
      ("a", side(a)), ("b", side(b)), ("test", .string(Self.testDescription)),
      (
        "measurements",
        .array(
          rows.map { row in
            let test = row.comparison.test
            return .object([
              ("name", .string(row.name)), ("a", Self.summary(row.a)), ("b", Self.summary(row.b)),
              ("verdict", .string(row.comparison.verdict.rawValue)), ("change", .double(row.comparison.change)),
              ("p_value", test.map { .double($0.pValue) } ?? .null),
              ("effect_size", test.map { .double(1 - $0.probabilityAGreater) } ?? .null),
              ("test_method", test.map { .string($0.method) } ?? .null), ("reason", .string(row.comparison.reason)),
            ])
          })
      ),
      (
        "figures",
        .array(
          figures.map { figure in
            let ratio = figure.a.flatMap { a in figure.b.map { b in a != 0 ? b / a : .nan } }
            return .object([
              ("name", .string(figure.name)), ("unit", .string(figure.unit)), ("a", figure.a.map(JSONValue.double) ?? .null),
              ("b", figure.b.map(JSONValue.double) ?? .null),
              ("ratio", ratio.flatMap { $0.isFinite ? JSONValue.double($0) : nil } ?? .null),
            ])
          })
      ),
      ("verdicts", .object(counts.keys.sorted().map { ($0, .int(counts[$0]!)) })),
      ("parameters_differ", .array(parametersDiffer.map(JSONValue.string))),
      ("unmatched", .object([("a", .array(onlyA.map(JSONValue.string))), ("b", .array(onlyB.map(JSONValue.string)))])),
      ("figures_note", "Figures are each run's reported values (most use the best repeat); the verdicts test the repeats' medians, so a figure's ratio and a verdict can point different ways on noisy runs."),
      ("effect_size_meaning", "P(a repeat of B takes longer than one of A), ties counted half: 0.5 is no tendency, 1 is B always slower"),
    ])
  }

  static func summary(_ samples: [Double]) -> JSONValue {
    let interval = MedianInterval(samples)
    let spread = interval.relativeHalfWidth
    return .object([
      ("repeats", .int(samples.count)), ("median", .double(interval.median)), ("min", samples.min().map(JSONValue.double) ?? .null),
      ("spread", spread.isFinite ? .double(spread) : .null),
    ])
  }
}
