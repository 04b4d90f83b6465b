import JSON

/// An experiment kind (`peak`, `coalescing`, …) as a job kind: its parameter list, validated by
/// ``ExperimentRunner`` against this machine (defaults, limits, devices, budgets), and a runner
/// whose result holds figures with units, series to plot, the verification and a summary.
public struct ExperimentJob: JobKind {
  public let kind: ExperimentKind
  public let runner: ExperimentRunner

  public init(kind: ExperimentKind, runner: ExperimentRunner) {
    self.kind = kind
    self.runner = runner
  }

  public var name: String { kind.rawValue }
  public var parameters: [JobParameter] { kind.implementation.parameters }

  public func info() -> JobKindInfo {
    runner.info(kind)
  }

  public func prepare(_ values: [String: JobValue]) throws(ComputeError) -> PreparedJob {
    let used = try runner.validate(kind, parameters: values)
    let runner = self.runner
    let kind = self.kind
    return PreparedJob(parameters: used, lane: runner.lane(for: kind, parameters: used)) { context, progress in
      var outcome = try runner.run(kind, parameters: used.values, token: context.token) { fraction in
        context.reportProgress(fraction)
        progress(fraction)
      }
      outcome.noteConcurrentJobs(context.concurrentJobs())
      var result = JSONValue(encoding: outcome)
      if case .object(var members) = result {
        members["timings"] = nil  // kept in the job's timings
        result = .object(members)
      }
      return JobOutput(result: result, timings: JSONValue(encoding: outcome.timings))
    }
  }
}
