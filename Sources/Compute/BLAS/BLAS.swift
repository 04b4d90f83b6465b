import COpenBLAS

/// OpenBLAS through its CBLAS interface, row-major.
public enum BLAS {
  /// C = A·B in float32 for A m×k and B k×n, row-major (`cblas_sgemm`).
  public static func gemm(m: Int, k: Int, n: Int, a: [Float], b: [Float]) -> [Float] {
    precondition(a.count == m * k && b.count == k * n, "BLAS.gemm: inputs do not match m, k, n")
    var c = [Float](repeating: 0, count: m * n)
    a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        c.withUnsafeMutableBufferPointer { c in
          sgemm(rows: 0..<m, k: k, n: n, a: a.baseAddress!, b: b.baseAddress!, c: c.baseAddress!)
        }
      }
    }
    return c
  }

  /// C = A·B in float64 for A m×k and B k×n, row-major (`cblas_dgemm`).
  public static func gemm(m: Int, k: Int, n: Int, a: [Double], b: [Double]) -> [Double] {
    precondition(a.count == m * k && b.count == k * n, "BLAS.gemm: inputs do not match m, k, n")
    var c = [Double](repeating: 0, count: m * n)
    a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        c.withUnsafeMutableBufferPointer { c in
          dgemm(rows: 0..<m, k: k, n: n, a: a.baseAddress!, b: b.baseAddress!, c: c.baseAddress!)
        }
      }
    }
    return c
  }

  /// Rows `rows` of C = A·B, float32: the whole of B times a band of A's rows.
  ///
  /// `a`, `b` and `c` point at the full row-major matrices; only the band is written.
  static func sgemm(
    rows: Range<Int>, k: Int, n: Int,
    a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>
  ) {
    guard !rows.isEmpty, n > 0 else { return }
    cblas_sgemm(
      CblasRowMajor, CblasNoTrans, CblasNoTrans,
      blasint(rows.count), blasint(n), blasint(k),
      1, a + rows.lowerBound * k, blasint(max(k, 1)),
      b, blasint(max(n, 1)),
      0, c + rows.lowerBound * n, blasint(max(n, 1)))
  }

  /// Rows `rows` of C = A·B, float64; see ``sgemm(rows:k:n:a:b:c:)``.
  static func dgemm(
    rows: Range<Int>, k: Int, n: Int,
    a: UnsafePointer<Double>, b: UnsafePointer<Double>, c: UnsafeMutablePointer<Double>
  ) {
    guard !rows.isEmpty, n > 0 else { return }
    cblas_dgemm(
      CblasRowMajor, CblasNoTrans, CblasNoTrans,
      blasint(rows.count), blasint(n), blasint(k),
      1, a + rows.lowerBound * k, blasint(max(k, 1)),
      b, blasint(max(n, 1)),
      0, c + rows.lowerBound * n, blasint(max(n, 1)))
  }
}
