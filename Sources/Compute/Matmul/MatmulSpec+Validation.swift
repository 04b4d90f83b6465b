extension MatmulSpec {
  /// Checks everything that needs no device: dimensions, repeats, kernel and device against the
  /// backend, and explicit matrices (rectangular, matching m, k, n, finite).
  ///
  /// ``MatmulRunner/validate(_:)`` runs this first, then checks the backend, the device and memory.
  public func validateShape(limits: ComputeLimits) throws(ComputeError) {
    if case .explicit(let a, let b) = inputs {
      try Self.checkRectangular(a, field: "a", dtype: dtype)
      try Self.checkRectangular(b, field: "b", dtype: dtype)
    }
    for (field, value) in [("m", m), ("k", k), ("n", n)] {
      guard value >= 1 else { throw .invalidDimension(field, value) }
      guard value <= limits.maxDimension else { throw .dimensionTooLarge(field, value, limit: limits.maxDimension) }
    }
    guard (1...max(limits.maxRepeats, 1)).contains(repeats) else {
      throw .invalidRepeats(repeats, limit: limits.maxRepeats)
    }
    if backend != .opencl, let kernel {
      throw ComputeError(
        .unknownKernel, field: "kernel",
        message: "kernel '\(kernel.rawValue)' applies to the opencl backend only; backend \(backend.rawValue) has no kernels")
    }
    if backend != .opencl, backend != .cuda, let device {
      throw ComputeError(
        .unknownDevice, field: "device",
        message: "device \(device) applies to the opencl and cuda backends only; backend \(backend.rawValue) runs on the host CPU")
    }
    if precision.cudaOnly, backend != .cuda {
      throw ComputeError(
        .invalidValue, field: "dtype",
        message:
          "dtype \(precision.rawValue) runs only on backend cuda (Tensor Cores through cuBLAS); backend \(backend.rawValue) takes float32 or float64",
        available: [MatmulPrecision.float32.rawValue, MatmulPrecision.float64.rawValue])
    }
    if precision.storage != dtype {
      throw ComputeError(.invalidValue, field: "dtype", message: "precision \(precision.rawValue) keeps its data in \(precision.storage.rawValue)")
    }
    if case .explicit(let a, let b) = inputs {
      try checkShapes(a: a, b: b)
    }
  }

  private static func checkRectangular(_ rows: [[Double]], field: String, dtype: DType) throws(ComputeError) {
    guard let width = rows.first?.count, width > 0 else {
      throw ComputeError(.raggedMatrix, field: field, message: "\(field) must have at least one row and one column")
    }
    if let bad = rows.firstIndex(where: { $0.count != width }) {
      throw ComputeError(
        .raggedMatrix, field: field,
        message: "\(field) is ragged: row 0 has \(width) values but row \(bad) has \(rows[bad].count)")
    }
    for (i, row) in rows.enumerated() {
      if let j = row.firstIndex(where: { !$0.isFinite }) {
        throw ComputeError(.invalidValue, field: field, message: "\(field)[\(i)][\(j)] is not a finite number")
      }
      if dtype == .float32, let j = row.firstIndex(where: { abs($0) > Double(Float.greatestFiniteMagnitude) }) {
        throw ComputeError(
          .invalidValue, field: field, message: "\(field)[\(i)][\(j)] = \(row[j]) does not fit in float32")
      }
    }
  }

  private func checkShapes(a: [[Double]], b: [[Double]]) throws(ComputeError) {
    let aColumns = a[0].count
    let bColumns = b[0].count
    guard a.count == m, aColumns == k else {
      throw ComputeError(
        .shapeMismatch, field: "a", message: "a is \(a.count)×\(aColumns) but m×k is \(m)×\(k)")
    }
    guard b.count == aColumns else {
      throw ComputeError(
        .shapeMismatch, field: "b",
        message: "b has \(b.count) rows but a has \(aColumns) columns; A·B needs them equal")
    }
    guard bColumns == n else {
      throw ComputeError(.shapeMismatch, field: "b", message: "b is \(b.count)×\(bColumns) but k×n is \(k)×\(n)")
    }
  }
}
