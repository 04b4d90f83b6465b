import Compute
import Content
import Foundation
import HTTP

/// `POST /jobs/matmul`: C = A·B on BLAS, OpenCL or a plain loop, verified
/// against a float64 BLAS product; the result matrix is kept as `.npy`.
struct MatmulJobKind: JobKind {
  let runner: MatmulRunner
  var name: String { "matmul" }

  func prepare(_ request: HTTPRequest) throws -> PreparedJob {
    let (spec, isSquare) = try MatmulRequest.spec(from: request)
    do {
      try runner.validate(spec)
    } catch {
      throw isSquare ? Self.namingN(error) : error
    }
    return prepared(spec)
  }

  func prepare(stored spec: BodyValue) throws -> PreparedJob {
    let decoded = try JSONDecoder().decode(MatmulSpec.self, from: JSONEncoder().encode(spec))
    try runner.validate(decoded)
    return prepared(decoded)
  }

  private func prepared(_ spec: MatmulSpec) -> PreparedJob {
    let runner = self.runner
    return PreparedJob(spec: JobService.value(of: spec), lane: runner.lane(for: spec)) { context, progress in
      var outcome = try runner.run(spec, token: context.token) { fraction in
        context.reportProgress(fraction)
        progress(fraction)
      }
      outcome.timings.concurrentJobs = context.concurrentJobs()
      guard outcome.summary.checksum.isFinite, outcome.summary.maxAbsError.isFinite else {
        throw ComputeError(
          .invalidValue, field: "a",
          message: "the product has values beyond \(spec.dtype.rawValue)'s range (overflow); scale the inputs down")
      }
      return JobOutput(
        result: Self.resultValue(outcome, id: context.id), timings: JobService.value(of: outcome.timings),
        payload: Data(NPY.encode(outcome.c)))
    }
  }

  /// For a square job sent as n alone, an error about m or k names n instead
  /// (messages start with the field's name).
  static func namingN(_ error: ComputeError) -> ComputeError {
    guard let old = error.field, old == "m" || old == "k" else { return error }
    var renamed = error
    renamed.field = "n"
    if error.message.hasPrefix(old + " ") { renamed.message = "n" + error.message.dropFirst(old.count) }
    return renamed
  }

  static func resultValue(_ outcome: MatmulOutcome, id: String) -> BodyValue {
    guard case .object(var members) = JobService.value(of: outcome.summary) else { return .null }
    members["verified_against"] = .string(
      "a float64 BLAS (dgemm) product of the same inputs; max_abs_error and max_rel_error are the largest differences")
    members["shape"] = .array([.int(outcome.c.rows), .int(outcome.c.columns)])
    members["result_url"] = .string("/jobs/\(id)/result")
    return .object(members)
  }

  var description: HTTP.JSONValue {
    let limits = runner.configuration.limits
    func parameter(
      _ name: String, _ type: String, _ defaultValue: HTTP.JSONValue, minimum: Double? = nil, maximum: Double? = nil,
      choices: [String]? = nil, unit: String? = nil, _ text: String
    ) -> HTTP.JSONValue {
      var members: [(String, HTTP.JSONValue)] = [("name", .string(name)), ("type", .string(type)), ("default", defaultValue)]
      if let minimum { members.append(("minimum", .number(minimum))) }
      if let maximum { members.append(("maximum", .number(maximum))) }
      if let choices { members.append(("choices", .array(choices.map(HTTP.JSONValue.string)))) }
      if let unit { members.append(("unit", .string(unit))) }
      members.append(("description", .string(text)))
      return .object(members)
    }
    let dimension = Double(limits.maxDimension)
    return .object([
      ("kind", .string(name)),
      ("title", .string("Matrix multiply")),
      ("description", .string(
        "C = A·B on OpenBLAS, an OpenCL kernel or a plain triple loop, timed after a warm-up and verified against a float64 BLAS product.")),
      ("parameters", .array([
        parameter("n", "integer", .number(256), minimum: 1, maximum: dimension, "Size of a square product (or give m, k, n)."),
        parameter("m", "integer", .null, minimum: 1, maximum: dimension, "Rows of A and C."),
        parameter("k", "integer", .null, minimum: 1, maximum: dimension, "Columns of A, rows of B."),
        parameter("dtype", "choice", .string("float32"), choices: DType.allCases.map(\.rawValue), "Element type."),
        parameter("backend", "choice", .string("blas"), choices: Backend.allCases.map(\.rawValue), "Where it runs."),
        parameter("kernel", "choice", .string("blocked"), choices: MatmulKernel.allCases.map(\.rawValue), "OpenCL kernel."),
        parameter("repeats", "integer", .number(3), minimum: 1, maximum: Double(limits.maxRepeats), "Timed repeats after one warm-up."),
        parameter("seed", "integer", .number(1), minimum: 0, "Seed of the generated inputs."),
      ])),
      ("limits", .object([
        ("max_dimension", .number(dimension)), ("max_repeats", .number(Double(limits.maxRepeats))),
        ("memory_budget_bytes", .number(Double(limits.memoryBudgetBytes))),
      ])),
    ])
  }
}
