/// A dense row-major matrix of float32 or float64 elements.
public struct Matrix: Sendable, Equatable {
  /// The elements, row-major, in their own precision.
  public enum Elements: Sendable, Equatable {
    case float32([Float])
    case float64([Double])
  }

  /// Number of rows.
  public let rows: Int
  /// Number of columns.
  public let columns: Int
  /// The `rows * columns` elements, row-major.
  public let elements: Elements

  /// Makes a matrix; the element count must be `rows * columns`.
  public init(rows: Int, columns: Int, elements: Elements) {
    precondition(rows >= 0 && columns >= 0, "negative matrix shape")
    self.rows = rows
    self.columns = columns
    self.elements = elements
    precondition(count == rows * columns, "Matrix: \(count) elements for a \(rows)×\(columns) shape")
  }

  /// Makes a float32 matrix from row-major elements.
  public init(rows: Int, columns: Int, float32 values: [Float]) {
    self.init(rows: rows, columns: columns, elements: .float32(values))
  }

  /// Makes a float64 matrix from row-major elements.
  public init(rows: Int, columns: Int, float64 values: [Double]) {
    self.init(rows: rows, columns: columns, elements: .float64(values))
  }

  /// The element type.
  public var dtype: DType {
    switch elements {
    case .float32: .float32
    case .float64: .float64
    }
  }

  /// The number of elements.
  public var count: Int {
    switch elements {
    case .float32(let values): values.count
    case .float64(let values): values.count
    }
  }

  /// The element at (`row`, `column`), widened to Double.
  public subscript(row: Int, column: Int) -> Double {
    let index = row * columns + column
    switch elements {
    case .float32(let values): return Double(values[index])
    case .float64(let values): return values[index]
    }
  }

  /// All elements widened to Double, row-major.
  public var doubles: [Double] {
    switch elements {
    case .float32(let values): values.map(Double.init)
    case .float64(let values): values
    }
  }

  /// The float32 elements, or `nil` for a float64 matrix.
  public var floats: [Float]? {
    if case .float32(let values) = elements { values } else { nil }
  }
}
