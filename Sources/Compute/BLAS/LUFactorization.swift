/// An LU factorisation with partial pivoting, P·A = L·U, as `LAPACKE_dgetrf` leaves it.
public struct LUFactorization: Sendable {
  /// The order n.
  public var n: Int
  /// L (unit diagonal, not stored) and U packed in one n×n row-major matrix.
  public var lu: [Double]
  /// The 1-based pivot rows: row i was interchanged with row `pivots[i]`.
  public var pivots: [Int32]
}
