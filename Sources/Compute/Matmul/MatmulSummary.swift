/// What ran and how good the result is. JSON keys are the snake_case names shown.
public struct MatmulSummary: Sendable, Codable, Equatable {
  /// `m`, `k`, `n`: the shape.
  public var m: Int
  public var k: Int
  public var n: Int
  /// `dtype`.
  public var dtype: DType
  /// `precision`: what `dtype` asked for (`tf32`, `float16`, … on cuda; else equal to `dtype`).
  public var precision: MatmulPrecision? = nil
  /// `backend`.
  public var backend: Backend
  /// `kernel`: the OpenCL kernel name (`naive`, `tiled`, `blocked`), `cblas_sgemm`/`cblas_dgemm`
  /// for BLAS, `triple-loop` for cpu-naive.
  public var kernel: String
  /// `kernel_config`: the OpenCL build options and work-group shape chosen for the device, e.g.
  /// `"TSM=64 TSN=64 TSK=16 WPTM=4 WPTN=4 local=16x16"`; `nil` off OpenCL.
  public var kernelConfig: String?
  /// `device`: the OpenCL device name, or `"host CPU (OpenBLAS <corename>)"` / `"host CPU"`.
  public var device: String
  /// `device_index`: the OpenCL device's global index; `nil` off OpenCL.
  public var deviceIndex: Int?
  /// `repeats`: timed runs.
  public var repeats: Int
  /// `seed`: the input seed, `nil` for explicit inputs.
  public var seed: UInt64?
  /// `gflops`: 2·m·n·k / min(`compute_seconds`) / 10⁹.
  public var gflops: Double
  /// `max_abs_error`: maxᵢ |Cᵢ − Rᵢ| against the float64 reference R = A·B from `cblas_dgemm`
  /// (A and B as rounded to the dtype, so only the product's error is measured). For float64 on
  /// `blas` the run itself is that reference, so both errors are 0.
  public var maxAbsError: Double
  /// `max_rel_error`: `max_abs_error / maxᵢ |Rᵢ|` (a max-norm relative error; elementwise ratios
  /// blow up at entries near zero); 0 when R is all zero.
  public var maxRelError: Double
  /// `checksum`: the sum of C's elements, accumulated in float64 in row-major order.
  public var checksum: Double
  /// `hash`: `"fnv1a64:"` and 16 hex digits, the 64-bit FNV-1a hash of C's elements as
  /// little-endian IEEE bytes in the dtype, row-major. Equal hashes mean bit-identical results.
  public var hash: String

  enum CodingKeys: String, CodingKey {
    case m, k, n, dtype, precision, backend, kernel
    case kernelConfig = "kernel_config"
    case device
    case deviceIndex = "device_index"
    case repeats, seed, gflops
    case maxAbsError = "max_abs_error"
    case maxRelError = "max_rel_error"
    case checksum, hash
  }
}
