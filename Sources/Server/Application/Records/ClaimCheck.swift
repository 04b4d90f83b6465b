import Content
import Foundation
import JSON
import Store

/// A claim of an answer (``Claim``) checked against the latest run of its experiment on this
/// machine with the parameters the claim pins (every member of its `params`; `{}` pins none):
/// `holds`, `contradicted`, or `not_measured` (no run yet, no device of the type the
/// claim is about, or a run without that figure), with the value, the run and its parameters.
struct ClaimCheck {
  enum Status: String {
    case holds, contradicted
    case notMeasured = "not_measured"
  }

  var claim: Claim
  var status: Status
  var value: Double?
  var unit: String?
  var recordID: String?
  var measuredWith: JSONValue?
  var reason: String
  /// The answering run's warning flags: a reason to doubt its figure.
  var runFlags: [String] = []

  /// Checks each claim; the records of a kind are read once.
  static func evaluate(_ claims: [Claim], jobs: JobService) -> [ClaimCheck] {
    var recordsByKind: [String: [JSONValue]] = [:]
    let deviceTypes = Set(jobs.devices.openCL.platforms.flatMap(\.devices).map { $0.type.contains("gpu") ? "gpu" : "cpu" })
    return claims.map { claim in
      if recordsByKind[claim.kind] == nil {
        let stored = (try? jobs.store.records(kind: claim.kind, source: "local", limit: 50)) ?? []
        recordsByKind[claim.kind] = stored.compactMap { try? JSONValue(parsing: $0.json) }
      }
      return check(claim, records: recordsByKind[claim.kind] ?? [], deviceTypes: deviceTypes)
    }
  }

  /// `records` newest first; `deviceTypes` the OpenCL device types this machine has.
  static func check(_ claim: Claim, records: [JSONValue], deviceTypes: Set<String>) -> ClaimCheck {
    var check = ClaimCheck(claim: claim, status: .notMeasured, reason: "")
    if let type = claim.deviceType, !deviceTypes.contains(type) {
      check.reason = "the claim is about a \(type.uppercased()) device, and this machine has no OpenCL \(type.uppercased()) device"
      return check
    }
    let matching = records.filter { record in
      guard pins(claim.params, match: record["parameters"]) else { return false }
      guard let type = claim.deviceType else { return true }
      let deviceType = record["hardware"]?["opencl_device"]?["type"]?.stringValue?.lowercased()
      return deviceType?.contains(type) == true
    }
    guard let record = matching.first else {
      let pinned = claim.params.objectValue?.isEmpty == false ? " with the claim's parameters" : ""
      check.reason =
        "no \(claim.kind) run\(pinned)\(claim.deviceType.map { " on a \($0.uppercased()) device" } ?? "") on this machine yet"
      return check
    }
    check.recordID = record["id"]?.stringValue
    check.measuredWith = record["parameters"]
    guard let figure = record["figures"]?.arrayValue?.first(where: { $0["name"]?.stringValue == claim.figure }),
      let value = figure["value"]?.doubleValue
    else {
      check.reason = "the latest \(claim.kind) run has no figure \(claim.figure)"
      return check
    }
    check.value = value
    check.unit = figure["unit"]?.stringValue
    check.status = claim.holds(for: value) ? .holds : .contradicted
    check.runFlags = RunRecord.warningCodes(record)
    check.reason =
      "\(claim.figure) = \(String(format: "%.4g", value))\(check.unit.map { " \($0)" } ?? "") in run \(check.recordID ?? "?"); the text asserts \(claim.rangeText)"
      + (check.runFlags.isEmpty ? "" : " (the run was flagged: \(check.runFlags.joined(separator: ", ")); see the run before trusting it)")
    return check
  }

  /// Whether a run's parameters have every value the claim pins (numbers compared as numbers).
  static func pins(_ pinned: JSONValue, match parameters: JSONValue?) -> Bool {
    guard let pinned = pinned.objectValue else { return true }
    return pinned.keys.allSatisfy { key in
      guard let want = pinned[key], let have = parameters?[key] else { return false }
      return want.equalsAsJSON(have)
    }
  }

  var json: JSONValue {
    var members = JSONObject()
    members["text"] = .string(claim.text)
    members["kind"] = .string(claim.kind)
    members["params"] = claim.params
    members["figure"] = .string(claim.figure)
    members["min"] = claim.min.map(JSONValue.double) ?? .null
    members["max"] = claim.max.map(JSONValue.double) ?? .null
    members["range"] = .string(claim.rangeText)
    members["device_type"] = claim.deviceType.map(JSONValue.string) ?? .null
    members["status"] = .string(status.rawValue)
    members["value"] = value.map(JSONValue.double) ?? .null
    members["unit"] = unit.map(JSONValue.string) ?? .null
    let record: JSONValue = recordID.map { .string("/records/\($0)") } ?? .null
    members["record"] = record
    members["measured_with"] = measuredWith ?? .null
    members["reason"] = .string(reason)
    members["run_flags"] = .array(runFlags.map(JSONValue.string))
    members["run"] = .string("/jobs/\(claim.kind)")
    return .object(members)
  }
}
