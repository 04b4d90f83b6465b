import Compute
import Content
import Foundation
import HTTP

/// `POST /jobs/{kind}` for the experiments (`peak`, `coalescing`, …): parameters
/// validated against the kind's list (defaults, limits), run on the pool like
/// any job; the result holds figures with units, series to plot, the
/// verification and a plain-language summary.
struct ExperimentJobKind: JobKind {
  let kind: ExperimentKind
  let runner: ExperimentRunner
  /// Questions whose answers link this experiment.
  let questions: [Int]

  var name: String { kind.rawValue }

  func prepare(_ request: HTTPRequest) throws -> PreparedJob {
    let names = Set(kind.parameters.map(\.name))
    let object =
      request.body.isEmpty
      ? [:] : try MatmulRequest.jsonObject(from: request, fields: names, example: "{} (every parameter has a default)")
    var values: [String: ExperimentValue] = [:]
    for (name, value) in object {
      switch value {
      case .int(let number): values[name] = .int(number)
      case .double(let number): values[name] = .number(number)
      case .string(let text): values[name] = .string(text)
      default: throw MatmulRequest.invalid(name, "\(name) must be a number or a string.")
      }
    }
    return try prepared(values)
  }

  func prepare(stored spec: BodyValue) throws -> PreparedJob {
    let values = try JSONDecoder().decode([String: ExperimentValue].self, from: JSONEncoder().encode(spec))
    return try prepared(values)
  }

  private func prepared(_ values: [String: ExperimentValue]) throws -> PreparedJob {
    let used = try runner.validate(kind, parameters: values)
    let runner = self.runner
    let kind = self.kind
    return PreparedJob(spec: JobService.value(of: used), lane: runner.lane(for: kind, parameters: used)) { context, progress in
      var outcome = try runner.run(kind, parameters: used.values, token: context.token) { fraction in
        context.reportProgress(fraction)
        progress(fraction)
      }
      outcome.timings.concurrentJobs = context.concurrentJobs()
      var result = JobService.value(of: outcome)
      if case .object(var members) = result {
        members["timings"] = nil  // kept in the job's timings
        result = .object(members)
      }
      return JobOutput(result: result, timings: JobService.value(of: outcome.timings), payload: nil)
    }
  }

  var description: HTTP.JSONValue {
    let info = runner.kinds().first { $0.kind == kind }
    let encoded = info.flatMap { try? JSONEncoder().encode($0) }
    let base = encoded.flatMap { try? JSONDecoder().decode(BodyValue.self, from: $0) }.map(JobResponse.convert)
    guard case .object(var members)? = base else { return .object([("kind", .string(name))]) }
    members.append(("questions", .array(questions.map { .number(Double($0)) })))
    members.append(("href", .string("/jobs/\(name)")))
    return .object(members.sorted { $0.0 < $1.0 })
  }
}
