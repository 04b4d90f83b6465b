import HTTP
import Store

extension Application {
  /// `GET /jobs` for a browser (see `Negotiation`): the same `status` and `limit` as the JSON.
  static func jobsPage(_ request: HTTPRequest, _ jobs: JobService) throws -> HTTPResponse {
    var status: JobStatus?
    if let text = request.query("status") {
      guard let parsed = JobStatus(rawValue: text) else {
        throw Problem.badRequest(
          "status must be one of \(JobStatus.allCases.map(\.rawValue).joined(separator: ", ")).", field: "status")
      }
      status = parsed
    }
    let limit = try QueryParameters(request: request).limit(default: 50)
    var response = JobsPage(
      jobs: try jobs.store.jobs(status: status, limit: limit), status: status, queued: jobs.pool.queuedCount,
      running: jobs.pool.runningJobs
    ).response()
    response.headers.add("Vary", "Accept")
    return response
  }
}
