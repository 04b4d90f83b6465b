import AsyncBridge
import HTTP
import Store

extension Application {
  /// `GET /metrics`: Prometheus text format. Gauges (connections, queue depth,
  /// jobs by kind and status) are read when scraped.
  func addMetricsRoutes(to router: inout Router) {
    router.get("/metrics") { [self] _, _ async throws in
      // On a fleet the queue is the database's; jobs by kind and status are this process's SQLite
      // records, so only without --database.
      let queue = await jobs.queueSnapshot()
      let store = self.store
      let byKind = jobs.fleet == nil ? try await BlockingWork.run { try store.jobCountsByKind() } : [:]
      metrics.set("hpclab_http_open_connections", to: Double(openConnections))
      metrics.set("hpclab_jobs_queued", to: Double(queue.queued))
      metrics.set("hpclab_jobs_running", to: Double(queue.running.count))
      for (kind, counts) in byKind {
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
