import JSON

/// Where a job may run on a fleet, taken out of a request body before the kind's own schema sees
/// it (one place for these three fields):
///
/// - `fleet`: `"all"`, or a list of worker names, worker ids, labels or device-name fragments:
///   one job per matching live worker, all in one group (a fan-out);
/// - `worker`: one worker's name or id: only it may claim the job;
/// - `labels`: a list of labels: only workers with all of them may claim it.
struct FleetRouting: Sendable, Equatable {
  static let fields = ["fleet", "worker", "labels"]

  enum FanOut: Sendable, Equatable {
    case all
    case matching([String])
  }

  var fanOut: FanOut?
  var worker: String?
  var labels: [String] = []

  /// The first routing field the body had, to name in an error.
  var firstField: String? {
    if fanOut != nil { return "fleet" }
    if worker != nil { return "worker" }
    return labels.isEmpty ? nil : "labels"
  }

  /// The routing as given, to show with the job (`worker=…`, `labels=…`).
  var summary: String? {
    var parts: [String] = []
    if let worker { parts.append("worker=\(worker)") }
    if !labels.isEmpty { parts.append("labels=\(labels.joined(separator: ","))") }
    return parts.isEmpty ? nil : parts.joined(separator: " ")
  }

  /// The routing and the body without it.
  static func split(_ body: JSONValue?) throws(JobServiceError) -> (FleetRouting, JSONValue?) {
    guard case .object(let members)? = body, fields.contains(where: { members[$0] != nil }) else { return (FleetRouting(), body) }
    var routing = FleetRouting()
    var rest = JSONObject()
    for (name, value) in members {
      switch name {
      case "fleet":
        switch value {
        case .string("all"): routing.fanOut = .all
        case .array(let items):
          let names = items.compactMap(\.stringValue).filter { !$0.isEmpty }
          guard names.count == items.count, !names.isEmpty, names.count <= 256 else {
            throw .fleetRouting(field: "fleet", "fleet must be \"all\" or a list of 1 to 256 worker names, labels or device names.")
          }
          routing.fanOut = .matching(names)
        default:
          throw .fleetRouting(field: "fleet", "fleet must be \"all\" or a list of worker names, labels or device names.")
        }
      case "worker":
        guard let name = value.stringValue, (1...255).contains(name.utf8.count) else {
          throw .fleetRouting(field: "worker", "worker must be a worker's name or id (1 to 255 characters).")
        }
        routing.worker = name
      case "labels":
        guard let items = value.arrayValue, items.count <= 32,
          case let labels = items.compactMap(\.stringValue), labels.count == items.count,
          labels.allSatisfy({ (1...64).contains($0.utf8.count) })
        else {
          throw .fleetRouting(field: "labels", "labels must be a list of at most 32 labels of 1 to 64 characters.")
        }
        routing.labels = labels
      default:
        rest[name] = value
      }
    }
    if routing.fanOut != nil, routing.worker != nil {
      throw .fleetRouting(field: "worker", "Give fleet or worker, not both: fleet already names the workers.")
    }
    return (routing, .object(rest))
  }
}
