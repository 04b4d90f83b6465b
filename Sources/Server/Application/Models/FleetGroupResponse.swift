import JSON
import Store

/// A fan-out as the API shows it: `group`, `jobs` (each as ``JobResponse``), `finished` (how many
/// have ended), and `links` (`self`: `/fleet/{group}`, the compare page).
struct FleetGroupResponse {
  var group: String
  var jobs: [JobRecord]

  var json: JSONValue {
    .object([
      ("finished", .int(jobs.filter(\.status.isFinished).count)),
      ("group", .string(group)),
      ("jobs", .array(jobs.map { JobResponse($0).json })),
      ("links", .object([("self", .string("/fleet/\(group)"))])),
    ])
  }
}
