/// Where a matrix product runs.
public enum Backend: String, Sendable, Codable, CaseIterable {
  /// OpenBLAS through CBLAS (`cblas_sgemm` / `cblas_dgemm`).
  case blas
  /// Our own OpenCL kernels (see ``MatmulKernel``) on an OpenCL device.
  case opencl
  /// A plain triple loop in Swift, there to show what a tuned library buys.
  case cpuNaive = "cpu-naive"
  /// cuBLAS (cuBLASLt for float8) on a CUDA device, loaded at run time; the only backend with
  /// Tensor Core precisions (tf32, float16, bfloat16, float8).
  case cuda

  /// Parses a backend name, throwing `.unknownBackend` naming `field` otherwise.
  public init(validating raw: String, field: String = "backend") throws(ComputeError) {
    guard let value = Backend(rawValue: raw) else {
      throw .unknownValue(.unknownBackend, field: field, value: raw, allowed: Backend.allCases.map(\.rawValue))
    }
    self = value
  }
}
