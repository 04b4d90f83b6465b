import HTTP
import Store

extension Application {
  /// `GET /metrics`: Prometheus text format. Gauges (connections, queue depth,
  /// jobs by kind and status) are read when scraped.
  func addMetricsRoutes(to router: inout Router) {
    router.getBlocking("/metrics") { [self] _, _ in
      metrics.set("hpclab_http_open_connections", to: Double(openConnections))
      metrics.set("hpclab_jobs_queued", to: Double(jobs.pool.queuedCount))
      metrics.set("hpclab_jobs_running", to: Double(jobs.pool.runningJobs.count))
      for (kind, counts) in try store.jobCountsByKind() {
        for status in JobStatus.allCases {
          metrics.set("hpclab_jobs", [("kind", kind), ("status", status.rawValue)], to: Double(counts[status] ?? 0))
        }
      }
      return HTTPResponse(
        headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8", "Cache-Control": "no-store"],
        bytes: metrics.render())
    }
  }
}
