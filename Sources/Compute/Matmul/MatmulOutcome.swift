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

/// Minimum, median and maximum of a set of durations, in seconds.
public struct TimingStats: Sendable, Codable, Equatable {
  public var min: Double
  public var median: Double
  public var max: Double

  /// The statistics of `samples` (zeros when empty); the median of an even count is the mean of the middle two.
  public init(_ samples: [Double]) {
    let sorted = samples.sorted()
    guard let first = sorted.first, let last = sorted.last else {
      self.min = 0
      self.median = 0
      self.max = 0
      return
    }
    let middle = sorted.count / 2
    self.min = first
    self.max = last
    self.median = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
  }
}

/// The timings of one matmul job, in seconds. JSON keys are the snake_case names shown.
///
/// Host→device copies happen once before the warm-up and the device→host copy once after the
/// last repeat; they are not part of any repeat.
public struct MatmulTimings: Sendable, Codable, Equatable {
  /// `build_seconds`: time to get the OpenCL program (compilation, or ≈0 from the cache); `nil` off OpenCL.
  public var buildSeconds: Double?
  /// `build_cached`: whether the program came from the cache; `nil` off OpenCL.
  public var buildCached: Bool?
  /// `host_to_device_seconds`: copying A and B to the device (profiling events); `nil` off OpenCL.
  public var hostToDeviceSeconds: Double?
  /// `device_to_host_seconds`: copying C back (profiling event); `nil` off OpenCL.
  public var deviceToHostSeconds: Double?
  /// `warmup_seconds`: the untimed first run, host clock (includes PoCL's per-launch JIT, for example).
  public var warmupSeconds: Double
  /// `kernel_seconds`: per repeat, the sum of the kernel launches' device times
  /// (`CL_PROFILING_COMMAND_END - _START`); `nil` off OpenCL.
  public var kernelSeconds: [Double]?
  /// `compute_seconds`: per repeat, the time the product took: `kernel_seconds` on OpenCL, the
  /// measured BLAS or loop time otherwise. GFLOP/s are computed from the smallest.
  public var computeSeconds: [Double]
  /// `wall_seconds`: per repeat, host clock from the first launch to the last completion.
  public var wallSeconds: [Double]
  /// `compute`: min/median/max of `compute_seconds`.
  public var compute: TimingStats
  /// `wall`: min/median/max of `wall_seconds`.
  public var wall: TimingStats
  /// `reference_seconds`: the float64 BLAS reference product used for the error figures.
  public var referenceSeconds: Double
  /// `launches_per_repeat`: pieces each repeat was split into (kernel launches, BLAS calls or loop blocks).
  public var launchesPerRepeat: Int
  /// `total_seconds`: the whole job, host clock, validation to summary.
  public var totalSeconds: Double
  /// `concurrent_jobs`: ids of pool jobs that ran at the same time as this one (filled by
  /// ``MatmulRunner/run(_:context:)``; empty otherwise). Non-empty means timings may be polluted.
  public var concurrentJobs: [String]

  enum CodingKeys: String, CodingKey {
    case buildSeconds = "build_seconds"
    case buildCached = "build_cached"
    case hostToDeviceSeconds = "host_to_device_seconds"
    case deviceToHostSeconds = "device_to_host_seconds"
    case warmupSeconds = "warmup_seconds"
    case kernelSeconds = "kernel_seconds"
    case computeSeconds = "compute_seconds"
    case wallSeconds = "wall_seconds"
    case compute, wall
    case referenceSeconds = "reference_seconds"
    case launchesPerRepeat = "launches_per_repeat"
    case totalSeconds = "total_seconds"
    case concurrentJobs = "concurrent_jobs"
  }
}

/// What ran and how good the result is. JSON keys are the snake_case names shown.
public struct MatmulSummary: Sendable, Codable, Equatable {
  /// `m`, `k`, `n`: the shape.
  public var m: Int
  public var k: Int
  public var n: Int
  /// `dtype`.
  public var dtype: DType
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
  /// (A and B as rounded to the dtype, so only the product's error is measured).
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
    case m, k, n, dtype, backend, kernel
    case kernelConfig = "kernel_config"
    case device
    case deviceIndex = "device_index"
    case repeats, seed, gflops
    case maxAbsError = "max_abs_error"
    case maxRelError = "max_rel_error"
    case checksum, hash
  }
}
