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
