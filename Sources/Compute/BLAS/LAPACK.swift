import COpenBLAS

// lapacke_config.h defines lapack_int as a macro (int32_t without ILP64), which Swift does not
// import as a type; Debian's liblapacke is the LP64 build, so Int32 it is.

/// LAPACK through LAPACKE, row-major.
public enum LAPACK {
  /// Solves A·X = B for X with LU factorisation and partial pivoting (`LAPACKE_dgesv`).
  ///
  /// - Parameters:
  ///   - a: the n×n matrix A, row-major.
  ///   - b: the n×nrhs right-hand sides B, row-major.
  ///   - n: the order of A.
  ///   - nrhs: the number of right-hand sides; default 1.
  /// - Returns: X, n×nrhs, row-major.
  /// - Throws: ``ComputeError`` `.invalidArgument` when the shapes do not match,
  ///   `.singularMatrix` when U(i,i) is exactly zero (`info` = i).
  public static func solve(a: [Double], b: [Double], n: Int, nrhs: Int = 1) throws(ComputeError) -> [Double] {
    guard n >= 1 else { throw .invalidDimension("n", n) }
    guard nrhs >= 1 else { throw .invalidDimension("nrhs", nrhs) }
    guard a.count == n * n else {
      throw ComputeError(.invalidArgument, field: "a", message: "a has \(a.count) elements; expected n·n = \(n * n)")
    }
    guard b.count == n * nrhs else {
      throw ComputeError(
        .invalidArgument, field: "b", message: "b has \(b.count) elements; expected n·nrhs = \(n * nrhs)")
    }
    var lu = a
    var x = b
    var pivots = [Int32](repeating: 0, count: n)
    let info = LAPACKE_dgesv(
      LAPACK_ROW_MAJOR, Int32(n), Int32(nrhs), &lu, Int32(n), &pivots, &x, Int32(nrhs))
    if info > 0 {
      throw ComputeError(
        .singularMatrix, field: "a", message: "a is singular: U(\(info),\(info)) is exactly zero")
    }
    if info < 0 {
      throw ComputeError(.invalidArgument, message: "LAPACKE_dgesv rejected argument \(-info)")
    }
    return x
  }
}
