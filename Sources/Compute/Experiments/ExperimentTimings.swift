/// What an experiment timed and what each time includes, in seconds. JSON keys are the snake_case
/// names shown.
///
/// Every measurement runs ``ExperimentMeasurement/warmups`` untimed runs first (for PoCL that
/// includes its per-launch compilation; for host loops, page faults on first touch), then
/// ``ExperimentMeasurement/repeats`` timed ones. Program builds, host↔device copies, input
/// generation and verification are timed separately here and are in no measurement.
public struct ExperimentTimings: Sendable, Codable, Equatable {
  /// `measurements`: each timed quantity with its samples and statistics.
  public var measurements: [ExperimentMeasurement]
  /// `build_seconds`: getting the OpenCL programs (compilation, or ≈0 from the cache); `nil` off OpenCL.
  public var buildSeconds: Double?
  /// `build_cached`: whether every program came from the cache; `nil` off OpenCL.
  public var buildCached: Bool?
  /// `host_to_device_seconds`: copies to the device (profiling events), summed; `nil` off OpenCL.
  public var hostToDeviceSeconds: Double?
  /// `device_to_host_seconds`: copies back for verification (profiling events), summed; `nil` off OpenCL.
  public var deviceToHostSeconds: Double?
  /// `setup_seconds`: allocating and filling the inputs on the host, host clock.
  public var setupSeconds: Double
  /// `verification_seconds`: computing references and comparing, host clock.
  public var verificationSeconds: Double
  /// `total_seconds`: the whole job, validation to summary, host clock.
  public var totalSeconds: Double
  /// `concurrent_jobs`: ids of pool jobs that ran at the same time (filled by
  /// ``ExperimentRunner/run(_:parameters:context:)``; empty otherwise). Non-empty means the
  /// timings may be polluted.
  public var concurrentJobs: [String]

  public init() {
    measurements = []
    setupSeconds = 0
    verificationSeconds = 0
    totalSeconds = 0
    concurrentJobs = []
  }

  enum CodingKeys: String, CodingKey {
    case measurements
    case buildSeconds = "build_seconds"
    case buildCached = "build_cached"
    case hostToDeviceSeconds = "host_to_device_seconds"
    case deviceToHostSeconds = "device_to_host_seconds"
    case setupSeconds = "setup_seconds"
    case verificationSeconds = "verification_seconds"
    case totalSeconds = "total_seconds"
    case concurrentJobs = "concurrent_jobs"
  }
}
