import Compute
import Foundation
import JSON
import Store

/// The permanent, shareable account of one finished job: what ran (kind, parameters), where
/// (hardware, software), every repeat, the figures, the verification and the sanity flags. It is
/// the JSON `GET /jobs/{id}/record` exports and `POST /records` imports, under the schema
/// ``RunRecordSchema`` publishes. It names no host, user, address or file path: only the
/// hardware's and software's own names.
///
/// `measurements` and `figures` have one shape for every kind, so that any two records of a kind
/// can be compared (``RecordComparison``): an experiment's timed quantities as they are, and a
/// matmul's repeats as one measurement called `compute`.
enum RunRecord {
  static let schemaVersion = 1
  static let schemaPath = "/schemas/run-record.json"

  /// The record of a succeeded job, or nil when the job has not succeeded.
  static func make(job: JobRecord, devices: DeviceCatalog, host: HostMachine) -> JSONValue? {
    guard job.status == .succeeded, let result = job.result, let finished = job.finishedAt else { return nil }
    let parameters = job.spec
    var hardware: [(String, JSONValue)] = [("host", JSONValue(encoding: host))]
    if usesOpenCL(kind: job.kind, parameters: parameters), let index = parameters["device"]?.intValue,
      let device = devices.openCL.platforms.flatMap(\.devices).first(where: { $0.index == index })
    {
      hardware.append(("opencl_device", JSONValue(encoding: device)))
    }
    if usesCUDA(kind: job.kind, parameters: parameters), let device = devices.cuda.devices.first {
      hardware.append(("cuda_device", JSONValue(encoding: device)))
    }
    var software: [(String, JSONValue)] = [
      ("hpclab", .string(HPCLabVersion.current)), ("os", .string(operatingSystem)),
      ("blas", .string(devices.blas.config.hasPrefix(devices.blas.name) ? devices.blas.config : "\(devices.blas.name) \(devices.blas.config)")),
    ]
    if let platform = devices.openCL.platforms.first, usesOpenCL(kind: job.kind, parameters: parameters) {
      software.append(("opencl_platform", .string("\(platform.name) \(platform.version)")))
    }
    let (figures, measurements, flags) = normalized(kind: job.kind, result: result, timings: job.timings)
    return .object([
      ("$schema", .string(schemaPath)), ("schema_version", .int(schemaVersion)), ("id", .string(job.id)),
      ("kind", .string(job.kind)), ("created_at", .string(Timestamp.format(job.createdAt))),
      ("started_at", job.startedAt.map { .string(Timestamp.format($0)) } ?? .null),
      ("finished_at", .string(Timestamp.format(finished))), ("device", .string(result["device"]?.stringValue ?? "host")),
      ("parameters", parameters), ("hardware", .object(hardware)), ("software", .object(software)),
      ("figures", .array(figures)), ("measurements", .array(measurements)),
      ("verification", verification(kind: job.kind, result: result)), ("flags", .array(flags)),
      ("summary", result["summary"] ?? .null),
    ])
  }

  /// Figures, measurements (with every repeat) and flags in the common shape.
  static func normalized(kind: String, result: JSONValue, timings: JSONValue?) -> (
    figures: [JSONValue], measurements: [JSONValue], flags: [JSONValue]
  ) {
    guard kind == "matmul" else {
      let measurements = (timings?["measurements"]?.arrayValue ?? []).map { measurement -> JSONValue in
        .object([
          ("name", measurement["name"] ?? .string("")), ("clock", measurement["clock"] ?? .string("host")),
          ("includes", measurement["includes"] ?? .string("")), ("samples", measurement["samples"] ?? .array([])),
          ("spread", measurement["spread"] ?? .null), ("converged", measurement["converged"] ?? .null),
        ])
      }
      return (result["figures"]?.arrayValue ?? [], measurements, result["flags"]?.arrayValue ?? [])
    }
    var figures: [JSONValue] = []
    if let gflops = result["gflops"] {
      figures.append(.object([("name", "gflops"), ("value", gflops), ("unit", "GFLOP/s"), ("label", "matmul rate, best repeat")]))
    }
    if let error = result["max_rel_error"] {
      figures.append(
        .object([
          ("name", "max_rel_error"), ("value", error), ("unit", "relative error"), ("label", "largest error against float64"),
        ]))
    }
    let samples = timings?["compute_seconds"] ?? .array([])
    let spread = MedianInterval(samples.arrayValue?.compactMap(\.doubleValue) ?? []).relativeHalfWidth
    let target = AdaptiveRepeats.Policy.experiment(repeats: 1).targetSpread
    let measurement: JSONValue = .object([
      ("name", "compute"), ("clock", timings?["kernel_seconds"].map { _ in "device" } ?? "host"),
      ("includes", "one product per sample: the job's compute_seconds"),
      ("samples", samples), ("spread", spread.isFinite ? .double(spread) : .null),
      ("converged", spread.isFinite ? .bool(spread <= target) : .null),
    ])
    return (figures, [measurement], result["flags"]?.arrayValue ?? [])
  }

  static func verification(kind: String, result: JSONValue) -> JSONValue {
    if let verification = result["verification"] { return verification }
    return .object([
      ("method", "every element of C compared with a float64 reference product (max_rel_error: largest |C − R| over max |R|)"),
      ("max_error", result["max_rel_error"] ?? .null),
    ])
  }

  /// The codes of a record's warning flags (what may make its figures wrong).
  static func warningCodes(_ record: JSONValue) -> [String] {
    (record["flags"]?.arrayValue ?? []).filter { $0["severity"]?.stringValue == "warning" }.compactMap { $0["code"]?.stringValue }
  }

  static func usesOpenCL(kind: String, parameters: JSONValue) -> Bool {
    if let backend = parameters["backend"]?.stringValue { return backend == "opencl" }
    if let target = parameters["target"]?.stringValue { return target == "opencl" || target == "both" }
    if let experiment = ExperimentKind(rawValue: kind) { return experiment.openCL == .required }
    return kind == "tune"
  }

  static func usesCUDA(kind: String, parameters: JSONValue) -> Bool {
    parameters["backend"]?.stringValue == "cuda" || ExperimentKind(rawValue: kind)?.needsCUDA == true
  }

  /// `uname`'s system name and release, e.g. "Linux 6.1.0-18-amd64": no host name.
  static let operatingSystem: String = {
    var names = utsname()
    guard uname(&names) == 0 else { return "unknown" }
    func field<T>(_ value: T) -> String {
      withUnsafeBytes(of: value) { bytes in String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self) }
    }
    return "\(field(names.sysname)) \(field(names.release)) \(field(names.machine))"
  }()
}
