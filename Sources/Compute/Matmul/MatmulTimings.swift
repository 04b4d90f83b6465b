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
  /// `layout`: how the inputs were laid out for the kernel when not as given (`kernel: "auto"`
  /// copies A transposed and zero-padded), and that this host-side work is in no timing; absent otherwise.
  public var layout: String? = nil

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
    case layout
  }
}
