import Compute
import Foundation
import HTTP
import JSON

extension Application {
  /// `GET /workers` (the fleet's workers, their devices, state and last heartbeat; in one
  /// process, this process as the one worker) and `GET /fleet/{group}` (a fan-out's jobs, as JSON
  /// or as a page comparing them side by side).
  func addFleetRoutes(to router: inout Router) {
    let jobs = self.jobs
    router.get("/workers") { _, _ async throws in
      guard let fleet = jobs.fleet else {
        let (lanes, devices) = FleetWorker.lanes(of: jobs)
        let queue = await jobs.queueSnapshot()
        let local: JSONValue = .object([
          ("name", .string(ProcessInfo.processInfo.hostName)),
          ("state", .string(queue.running.isEmpty ? "idle" : "busy")),
          ("lanes", .array(lanes.map(JSONValue.string))),
          ("devices", .object(JSONObject(devices.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) }))),
          ("running", .array(queue.running.map(JSONValue.string))),
        ])
        return .json(.object([("mode", .string("local")), ("workers", .array([local]))]))
      }
      return .json(.object([("mode", .string("fleet")), ("workers", .array(try await fleet.workers()))]))
    }
    router.get("/fleet/{group}") { request, context async throws in
      let group = context.parameters["group"] ?? ""
      guard let fleet = jobs.fleet else {
        throw Problem.notFound("No fan-out \(group): this server runs jobs itself (start it with --database to use a fleet).")
      }
      let list = try await fleet.jobs(group: group, limit: 1000).sorted {
        ($0.placement?.worker ?? "", $0.id) < ($1.placement?.worker ?? "", $1.id)
      }
      guard !list.isEmpty else { throw Problem.notFound("No fan-out \(group).") }
      if Negotiation.wantsHTML(request) {
        var response = FleetComparePage(group: group, jobs: list).response()
        response.headers.add("Vary", "Accept")
        return response
      }
      return .json(FleetGroupResponse(group: group, jobs: list).json)
    }
  }
}
