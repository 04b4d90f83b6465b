import COpenBLAS

/// Float or Double: what the runner needs to be generic over the dtype.
///
/// The loops live in the concrete conformances, so they are fast even in debug builds where
/// generic code is not specialised.
protocol MatmulScalar: BinaryFloatingPoint, Sendable, BitwiseCopyable {
  static var dtype: DType { get }
  /// The matrix's elements in this precision (the matrix must have this dtype).
  static func elements(of matrix: Matrix) -> [Self]
  /// Wraps row-major values in a ``Matrix``.
  static func matrix(rows: Int, columns: Int, _ values: [Self]) -> Matrix
  /// The block `rows`×`columns` of C = A·B with BLAS.
  static func blasBlock(
    rows: Range<Int>, columns: Range<Int>, k: Int, n: Int,
    a: UnsafePointer<Self>, b: UnsafePointer<Self>, c: UnsafeMutablePointer<Self>)
  /// The block `rows`×`columns` of C = A·B with a plain triple loop.
  static func naiveBlock(
    rows: Range<Int>, columns: Range<Int>, k: Int, n: Int,
    a: UnsafePointer<Self>, b: UnsafePointer<Self>, c: UnsafeMutablePointer<Self>)
  /// Appends this value's little-endian bytes to an FNV-1a hash.
  func hash(into hash: inout UInt64)
}

extension Float: MatmulScalar {
  static var dtype: DType { .float32 }

  static func elements(of matrix: Matrix) -> [Float] {
    guard case .float32(let values) = matrix.elements else { preconditionFailure("not a float32 matrix") }
    return values
  }

  static func matrix(rows: Int, columns: Int, _ values: [Float]) -> Matrix {
    Matrix(rows: rows, columns: columns, float32: values)
  }

  static func blasBlock(
    rows: Range<Int>, columns: Range<Int>, k: Int, n: Int,
    a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>
  ) {
    guard !rows.isEmpty, !columns.isEmpty else { return }
    cblas_sgemm(
      CblasRowMajor, CblasNoTrans, CblasNoTrans,
      blasint(rows.count), blasint(columns.count), blasint(k),
      1, a + rows.lowerBound * k, blasint(k),
      b + columns.lowerBound, blasint(n),
      0, c + rows.lowerBound * n + columns.lowerBound, blasint(n))
  }

  static func naiveBlock(
    rows: Range<Int>, columns: Range<Int>, k: Int, n: Int,
    a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>
  ) {
    for i in rows {
      for j in columns {
        var sum: Float = 0
        for p in 0..<k { sum += a[i * k + p] * b[p * n + j] }
        c[i * n + j] = sum
      }
    }
  }

  func hash(into hash: inout UInt64) { fnv1a(&hash, UInt64(bitPattern.littleEndian), bytes: 4) }
}

extension Double: MatmulScalar {
  static var dtype: DType { .float64 }

  static func elements(of matrix: Matrix) -> [Double] {
    guard case .float64(let values) = matrix.elements else { preconditionFailure("not a float64 matrix") }
    return values
  }

  static func matrix(rows: Int, columns: Int, _ values: [Double]) -> Matrix {
    Matrix(rows: rows, columns: columns, float64: values)
  }

  static func blasBlock(
    rows: Range<Int>, columns: Range<Int>, k: Int, n: Int,
    a: UnsafePointer<Double>, b: UnsafePointer<Double>, c: UnsafeMutablePointer<Double>
  ) {
    guard !rows.isEmpty, !columns.isEmpty else { return }
    cblas_dgemm(
      CblasRowMajor, CblasNoTrans, CblasNoTrans,
      blasint(rows.count), blasint(columns.count), blasint(k),
      1, a + rows.lowerBound * k, blasint(k),
      b + columns.lowerBound, blasint(n),
      0, c + rows.lowerBound * n + columns.lowerBound, blasint(n))
  }

  static func naiveBlock(
    rows: Range<Int>, columns: Range<Int>, k: Int, n: Int,
    a: UnsafePointer<Double>, b: UnsafePointer<Double>, c: UnsafeMutablePointer<Double>
  ) {
    for i in rows {
      for j in columns {
        var sum: Double = 0
        for p in 0..<k { sum += a[i * k + p] * b[p * n + j] }
        c[i * n + j] = sum
      }
    }
  }

  func hash(into hash: inout UInt64) { fnv1a(&hash, bitPattern.littleEndian, bytes: 8) }
}

/// FNV-1a 64: offset basis 0xcbf29ce484222325, prime 0x100000001b3, one byte at a time.
let fnv1aOffsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325

private func fnv1a(_ hash: inout UInt64, _ littleEndianBits: UInt64, bytes: Int) {
  // `littleEndianBits` holds the value's bytes in memory order; take them lowest first.
  let bits = UInt64(littleEndian: littleEndianBits)
  for byte in 0..<bytes {
    hash ^= (bits >> (8 * UInt64(byte))) & 0xff
    hash &*= 0x0000_0100_0000_01b3
  }
}
