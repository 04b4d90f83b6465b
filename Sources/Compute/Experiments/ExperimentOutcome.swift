/// What a finished experiment returns. Codable with snake_case keys:
/// `kind`, `parameters`, `figures`, `series`, `verification`, `timings`, `device`, `summary`.
///
/// ```json
/// {"kind": "coalescing", "parameters": {"n": 8388608, …},
///  "figures": [{"name": "unit_stride_gb_s", "value": 10.2, "unit": "GB/s", "label": "…"}],
///  "series": [{"name": "strided copy", "x_label": "stride", "x_unit": "elements", "y_label": "…",
///              "y_unit": "GB/s", "points": [{"x": 1, "y": 10.2}, …]}],
///  "verification": {"method": "…", "passed": true, "max_error": 0, "tolerance": 0, "detail": "…"},
///  "timings": {…}, "device": "…", "summary": "Strided access at stride 16 reached …"}
/// ```
public struct ExperimentOutcome: Sendable, Codable, Equatable {
  /// The kind that ran.
  public var kind: ExperimentKind
  /// Every parameter it ran with, defaults filled in.
  public var parameters: ExperimentParameters
  /// Named scalar results, in the order a page should show them.
  public var figures: [ExperimentFigure]
  /// Curves for plots (a sweep over stride, n, …); empty for kinds without a sweep.
  public var series: [ExperimentSeries]
  /// How the result was checked, and whether it passed.
  public var verification: ExperimentVerification
  /// What was timed, and what each time includes.
  public var timings: ExperimentTimings
  /// Where it ran: the host CPU and/or the OpenCL device, by name.
  public var device: String
  /// Two or three plain sentences saying what the numbers show on this device.
  public var summary: String

  /// The figure called `name`, if there is one.
  public func figure(named name: String) -> ExperimentFigure? { figures.first { $0.name == name } }

  /// The series called `name`, if there is one.
  public func series(named name: String) -> ExperimentSeries? { series.first { $0.name == name } }
}

/// A named scalar result. JSON: `{"name", "value", "unit", "label"}`; `value` is `null` when it is
/// not finite (a ratio over a zero time, say), since JSON has no infinities.
public struct ExperimentFigure: Sendable, Codable, Equatable {
  /// A stable snake_case key, e.g. `"fp32_gflops"`.
  public var name: String
  /// The value, in `unit`.
  public var value: Double
  /// `"GB/s"`, `"GFLOP/s"`, `"ns/element"`, `"×"`, `"relative error"`, …
  public var unit: String
  /// A short phrase for people, e.g. `"float32 FMA throughput"`.
  public var label: String

  public init(name: String, value: Double, unit: String, label: String) {
    self.name = name
    self.value = value
    self.unit = unit
    self.label = label
  }

  enum CodingKeys: String, CodingKey { case name, value, unit, label }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    name = try container.decode(String.self, forKey: .name)
    value = try container.decodeIfPresent(Double.self, forKey: .value) ?? .nan
    unit = try container.decode(String.self, forKey: .unit)
    label = try container.decode(String.self, forKey: .label)
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(name, forKey: .name)
    try container.encode(value.isFinite ? value : nil, forKey: .value)
    try container.encode(unit, forKey: .unit)
    try container.encode(label, forKey: .label)
  }

  public static func == (lhs: Self, rhs: Self) -> Bool {
    lhs.name == rhs.name && lhs.unit == rhs.unit && lhs.label == rhs.label
      && (lhs.value == rhs.value || (lhs.value.isNaN && rhs.value.isNaN))
  }
}

/// A curve for a plot. JSON: `{"name", "x_label", "x_unit", "y_label", "y_unit", "points": [{"x", "y"}]}`.
/// Points whose `y` is not finite are left out.
public struct ExperimentSeries: Sendable, Codable, Equatable {
  /// One point.
  public struct Point: Sendable, Codable, Equatable {
    public var x: Double
    public var y: Double

    public init(x: Double, y: Double) {
      self.x = x
      self.y = y
    }
  }

  /// What the curve is, e.g. `"naive float32"`; several series of one outcome share their axes.
  public var name: String
  public var xLabel: String
  public var xUnit: String
  public var yLabel: String
  public var yUnit: String
  public var points: [Point]

  public init(name: String, xLabel: String, xUnit: String, yLabel: String, yUnit: String, points: [Point]) {
    self.name = name
    self.xLabel = xLabel
    self.xUnit = xUnit
    self.yLabel = yLabel
    self.yUnit = yUnit
    self.points = points.filter { $0.x.isFinite && $0.y.isFinite }
  }

  enum CodingKeys: String, CodingKey {
    case name
    case xLabel = "x_label"
    case xUnit = "x_unit"
    case yLabel = "y_label"
    case yUnit = "y_unit"
    case points
  }
}

/// How an experiment checked its own result. JSON: `{"method", "passed", "max_error", "tolerance", "detail"}`.
public struct ExperimentVerification: Sendable, Codable, Equatable {
  /// What was compared with what, e.g. `"output compared element by element with a host transpose"`.
  public var method: String
  /// Whether every check passed.
  public var passed: Bool
  /// The largest error found, in the check's own measure (relative unless `detail` says otherwise);
  /// `nil` for a check that is exact or yes/no.
  public var maxError: Double?
  /// The largest error accepted; `nil` when there is none.
  public var tolerance: Double?
  /// What each check found, in a sentence or two.
  public var detail: String

  public init(method: String, passed: Bool, maxError: Double? = nil, tolerance: Double? = nil, detail: String) {
    self.method = method
    self.passed = passed
    self.maxError = maxError
    self.tolerance = tolerance
    self.detail = detail
  }

  enum CodingKeys: String, CodingKey {
    case method, passed
    case maxError = "max_error"
    case tolerance, detail
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(method, forKey: .method)
    try container.encode(passed, forKey: .passed)
    try container.encode(maxError.flatMap { $0.isFinite ? $0 : nil }, forKey: .maxError)
    try container.encode(tolerance, forKey: .tolerance)
    try container.encode(detail, forKey: .detail)
  }
}
