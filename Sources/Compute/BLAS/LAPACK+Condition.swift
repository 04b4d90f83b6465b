import COpenBLAS

extension LAPACK {
  /// The 1-norm ‖A‖₁ (largest column sum of |aᵢⱼ|) of the n×n row-major `a` (`LAPACKE_dlange`, norm "O").
  public static func oneNorm(_ a: [Double], n: Int) -> Double {
    guard n >= 1, a.count == n * n else { return 0 }
    return a.withUnsafeBufferPointer { a in
      LAPACKE_dlange(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "O")), Int32(n), Int32(n), a.baseAddress, Int32(n))
    }
  }

  /// Factorises the n×n row-major `a` as P·A = L·U (`LAPACKE_dgetrf`).
  ///
  /// - Throws: ``ComputeError`` `.invalidArgument` when `a` is not n×n, `.singularMatrix` when a
  ///   pivot U(i,i) is exactly zero (the factorisation is complete but unusable for solving).
  public static func factorize(_ a: [Double], n: Int) throws(ComputeError) -> LUFactorization {
    guard n >= 1 else { throw .invalidDimension("n", n) }
    guard a.count == n * n else {
      throw ComputeError(.invalidArgument, field: "a", message: "a has \(a.count) elements; expected n·n = \(n * n)")
    }
    var lu = a
    var pivots = [Int32](repeating: 0, count: n)
    let info = LAPACKE_dgetrf(LAPACK_ROW_MAJOR, Int32(n), Int32(n), &lu, Int32(n), &pivots)
    if info > 0 {
      throw ComputeError(.singularMatrix, field: "a", message: "a is singular: U(\(info),\(info)) is exactly zero")
    }
    if info < 0 { throw ComputeError(.invalidArgument, message: "LAPACKE_dgetrf rejected argument \(-info)") }
    return LUFactorization(n: n, lu: lu, pivots: pivots)
  }

  /// LAPACK's estimate of the reciprocal 1-norm condition number 1/(‖A‖₁‖A⁻¹‖₁) from A's LU
  /// factorisation and ‖A‖₁ (`LAPACKE_dgecon`, Hager–Higham estimation of ‖A⁻¹‖₁: O(n²), no inverse).
  ///
  /// The estimate is usually within a factor of 3 of the truth, and is only as good as the
  /// factorisation: once κ approaches 1/ε the LU factors of A are those of a nearby matrix.
  public static func reciprocalConditionEstimate(
    _ factorization: LUFactorization, oneNorm: Double
  ) throws(ComputeError) -> Double {
    let n = factorization.n
    var rcond = 0.0
    let info = factorization.lu.withUnsafeBufferPointer { lu in
      LAPACKE_dgecon(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "1")), Int32(n), lu.baseAddress, Int32(n), oneNorm, &rcond)
    }
    if info < 0 { throw ComputeError(.invalidArgument, message: "LAPACKE_dgecon rejected argument \(-info)") }
    return rcond
  }

  /// A⁻¹ from A's LU factorisation (`LAPACKE_dgetri`), n×n row-major.
  ///
  /// - Throws: ``ComputeError`` `.singularMatrix` when a pivot is exactly zero.
  public static func inverse(_ factorization: LUFactorization) throws(ComputeError) -> [Double] {
    let n = factorization.n
    var inverse = factorization.lu
    let info = factorization.pivots.withUnsafeBufferPointer { pivots in
      LAPACKE_dgetri(LAPACK_ROW_MAJOR, Int32(n), &inverse, Int32(n), pivots.baseAddress)
    }
    if info > 0 {
      throw ComputeError(.singularMatrix, field: "a", message: "a is singular: U(\(info),\(info)) is exactly zero")
    }
    if info < 0 { throw ComputeError(.invalidArgument, message: "LAPACKE_dgetri rejected argument \(-info)") }
    return inverse
  }
}
