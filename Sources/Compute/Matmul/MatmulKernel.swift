/// The OpenCL matrix-multiply kernels; only the `opencl` backend has kernels.
public enum MatmulKernel: String, Sendable, Codable, CaseIterable {
  /// The tunable kernel (`XgemmKernelSource`) with the configuration tuned for the device, dtype
  /// and size class (`POST /jobs/tune`), or the device type's untuned default: the default.
  case auto
  /// One work-item per output element, reading A and B from global memory.
  case naive
  /// One work-item per output element, with TS×TS tiles of A and B staged in local memory.
  case tiled
  /// Each work-item computes a block of outputs (8 rows × 8 adjacent columns by
  /// default) from TSM×TSK / TSK×TSN local-memory tiles, keeping its accumulators in 8-wide
  /// vector registers.
  case blocked

  /// The kernel used when a spec names none.
  public static let `default` = MatmulKernel.auto

  /// Parses a kernel name, throwing `.unknownKernel` naming `field` otherwise.
  public init(validating raw: String, field: String = "kernel") throws(ComputeError) {
    guard let value = MatmulKernel(rawValue: raw) else {
      throw .unknownValue(
        .unknownKernel, field: field, value: raw, allowed: MatmulKernel.allCases.map(\.rawValue))
    }
    self = value
  }
}
