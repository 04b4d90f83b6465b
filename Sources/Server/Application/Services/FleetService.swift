import FleetStore
import Foundation
import Logging
import ServiceLifecycle

/// A server's side of the fleet, as a service: drives the database's connection pool, creates
/// the schema, listens for the workers' notifications (publishing them to this process's
/// streams and waits), reaps expired leases, and prunes, until graceful shutdown. It starts
/// before and stops after the HTTP server.
struct FleetService: Service {
  let jobs: JobService
  let fleet: FleetStore
  let logger: Logger

  func run() async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask { await fleet.run() }
      try await fleet.waitUntilReachable(seconds: 60)
      try await fleet.migrate()
      group.addTask {
        await fleet.listen(
          connected: { await jobs.copyFleetRecords(from: fleet) },
          received: { notification in await jobs.handle(notification, from: fleet) })
      }
      group.addTask { await maintain() }
      try? await gracefulShutdown()
      group.cancelAll()
    }
  }

  /// Reaps expired leases every second (any server or worker may; the first to look takes them)
  /// and prunes hourly.
  private func maintain() async {
    var lastPrune = ContinuousClock.now - .seconds(7200)
    while !Task.isCancelled {
      do {
        try await fleet.reapExpiredLeases()
        if lastPrune.duration(to: .now) > .seconds(3600) {
          let cutoff = Date().addingTimeInterval(-jobs.configuration.retentionDays * 86400)
          let removed = try await fleet.prune(olderThan: cutoff, keepingAtMost: jobs.configuration.retainedJobs)
          if removed > 0 { logger.info("pruned \(removed) old fleet jobs") }
          lastPrune = .now
        }
      } catch {
        logger.warning("fleet maintenance: \(error)")
      }
      try? await Task.sleep(for: .seconds(1))
    }
  }
}

/// `hpclab worker` as a service: a graceful shutdown asks the worker to stop claiming, finish or
/// give back its jobs, and exit.
struct FleetWorkerService: Service {
  let worker: FleetWorker

  func run() async throws {
    try await withGracefulShutdownHandler {
      try await worker.run()
    } onGracefulShutdown: {
      worker.stop()
    }
  }
}
