extension Matrix {
  /// The inputs A (m×k) and B (k×n) made from `seed`.
  ///
  /// One ``SplitMix64`` stream seeded with `seed` fills A row-major, then continues into B
  /// row-major; each element is ``SplitMix64/nextUnit()``, in [-1, 1).
  public static func seededInputs(m: Int, k: Int, n: Int, dtype: DType, seed: UInt64) -> (a: Matrix, b: Matrix) {
    var generator = SplitMix64(seed: seed)
    switch dtype {
    case .float32:
      let a = (0..<(m * k)).map { _ in Float(generator.nextUnit()) }
      let b = (0..<(k * n)).map { _ in Float(generator.nextUnit()) }
      return (Matrix(rows: m, columns: k, float32: a), Matrix(rows: k, columns: n, float32: b))
    case .float64:
      let a = (0..<(m * k)).map { _ in generator.nextUnit() }
      let b = (0..<(k * n)).map { _ in generator.nextUnit() }
      return (Matrix(rows: m, columns: k, float64: a), Matrix(rows: k, columns: n, float64: b))
    }
  }

  /// A matrix from nested rows (already checked rectangular), rounded to `dtype`.
  init(nestedRows: [[Double]], dtype: DType) {
    let rows = nestedRows.count
    let columns = nestedRows.first?.count ?? 0
    let flat = nestedRows.flatMap { $0 }
    switch dtype {
    case .float32: self.init(rows: rows, columns: columns, float32: flat.map { Float($0) })
    case .float64: self.init(rows: rows, columns: columns, float64: flat)
    }
  }
}
