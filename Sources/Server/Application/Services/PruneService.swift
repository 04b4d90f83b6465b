import AsyncBridge
import ServiceLifecycle

/// Deletes finished jobs beyond the retention policy, at start (done by `Application.init`) and
/// then every `interval`, until graceful shutdown. Pruning writes to SQLite, so it runs through
/// the blocking bridge.
struct PruneService: Service {
  let jobs: JobService
  var interval: Duration = .seconds(3600)

  func run() async throws {
    let jobs = self.jobs
    while !Task.isCancelled && !Task.isShuttingDownGracefully {
      do {
        try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
      } catch {
        return  // cancelled, or shutting down
      }
      try? await BlockingWork.run { jobs.prune() }
    }
  }
}
