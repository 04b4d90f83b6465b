import ServiceLifecycle

/// The compute workers as a service: jobs run while the service runs; on graceful shutdown,
/// event streams end, running jobs get the grace period to finish and are then cancelled, and
/// queued jobs stay queued in the store for the next start.
struct JobWorkersService: Service {
  let jobs: JobService
  let grace: Duration

  func run() async throws {
    try? await gracefulShutdown()
    await jobs.shutdown(grace: grace)
  }
}
