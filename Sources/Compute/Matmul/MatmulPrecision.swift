/// What a matmul's `dtype` asks for: the element type everywhere (`float32`, `float64`), or, on
/// the `cuda` backend only, a Tensor Core precision whose inputs are rounded on the way in and
/// whose products accumulate in float32 (`tf32`, `float16`, `bfloat16`, `float8`). Inputs and C
/// are kept in ``storage`` (float32 for every Tensor Core precision), and the error is measured
/// against a float64 product of the unrounded inputs, so each precision's cost shows beside its speed.
public enum MatmulPrecision: String, Sendable, Codable, CaseIterable {
  case float32
  case float64
  /// float32 data; cuBLAS may round the inputs to TF32 (10-bit mantissa) for Tensor Cores.
  case tf32
  /// IEEE half inputs (10-bit mantissa, 5-bit exponent), float32 accumulation and output.
  case float16
  /// bfloat16 inputs (7-bit mantissa, float32's 8-bit exponent), float32 accumulation and output.
  case bfloat16
  /// FP8 E4M3 inputs (3-bit mantissa, 4-bit exponent, ±448), float32 output; compute capability 8.9+.
  case float8

  public init(_ dtype: DType) { self = dtype == .float32 ? .float32 : .float64 }

  /// The element type of the inputs as generated and of C as returned.
  public var storage: DType { self == .float64 ? .float64 : .float32 }

  /// Whether only the `cuda` backend runs it.
  public var cudaOnly: Bool { ![.float32, .float64].contains(self) }

  /// Parses a dtype name, throwing `.unknownDType` naming `field` otherwise.
  public init(validating raw: String, field: String = "dtype") throws(ComputeError) {
    guard let value = MatmulPrecision(rawValue: raw) else {
      throw .unknownValue(.unknownDType, field: field, value: raw, allowed: MatmulPrecision.allCases.map(\.rawValue))
    }
    self = value
  }
}
