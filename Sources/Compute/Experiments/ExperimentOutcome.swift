/// What a finished experiment returns. Codable with snake_case keys:
/// `kind`, `parameters`, `figures`, `series`, `verification`, `timings`, `device`, `summary`, `flags`.
///
/// ```json
/// {"kind": "coalescing", "parameters": {"n": 8388608, …},
///  "figures": [{"name": "unit_stride_gb_s", "value": 10.2, "unit": "GB/s", "label": "…"}],
///  "series": [{"name": "strided copy", "x_label": "stride", "x_unit": "elements", "y_label": "…",
///              "y_unit": "GB/s", "points": [{"x": 1, "y": 10.2}, …]}],
///  "verification": {"method": "…", "passed": true, "max_error": 0, "tolerance": 0, "detail": "…"},
///  "timings": {…}, "device": "…", "summary": "Strided access at stride 16 reached …"}
/// ```
public struct ExperimentOutcome: Sendable, Codable, Equatable {
  /// The kind that ran.
  public var kind: ExperimentKind
  /// Every parameter it ran with, defaults filled in.
  public var parameters: JobParameters
  /// Named scalar results, in the order a page should show them.
  public var figures: [ExperimentFigure]
  /// Curves for plots (a sweep over stride, n, …); empty for kinds without a sweep.
  public var series: [ExperimentSeries]
  /// How the result was checked, and whether it passed.
  public var verification: ExperimentVerification
  /// What was timed, and what each time includes.
  public var timings: ExperimentTimings
  /// Where it ran: the host CPU and/or the OpenCL device, by name.
  public var device: String
  /// Two or three plain sentences saying what the numbers show on this device.
  public var summary: String
  /// What may make a figure wrong (a cache measured as memory, a rate above peak, a median that
  /// did not settle, …); empty when every check passed.
  public var flags: [SanityFlag]

  /// Records the pool jobs that overlapped this one: in `timings.concurrent_jobs`, and as a flag.
  mutating func noteConcurrentJobs(_ ids: [String]) {
    timings.concurrentJobs = ids
    if let flag = SanityChecks.concurrentJobsFlag(ids) { flags.append(flag) }
  }

  /// The figure called `name`, if there is one.
  public func figure(named name: String) -> ExperimentFigure? { figures.first { $0.name == name } }

  /// The series called `name`, if there is one.
  public func series(named name: String) -> ExperimentSeries? { series.first { $0.name == name } }
}
