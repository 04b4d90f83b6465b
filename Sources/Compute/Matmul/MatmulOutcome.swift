/// What a finished matmul job returns: its timings, a summary of the result, and C itself.
///
/// `timings` and `summary` are Codable for the server to store and serve; `c` is the result
/// matrix (row-major, in the spec's dtype), for example for ``NPY/encode(_:)``.
public struct MatmulOutcome: Sendable {
  /// How long each phase took.
  public var timings: MatmulTimings
  /// What ran and how good the result is.
  public var summary: MatmulSummary
  /// The product C = A·B, m×n, row-major.
  public var c: Matrix
}
