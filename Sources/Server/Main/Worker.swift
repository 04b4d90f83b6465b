import ArgumentParser
import Foundation

/// `hpclab worker --database postgres://…`: runs the fleet's jobs on this machine's devices.
/// It takes every `serve` option (job limits, data directory for tuned configurations, CUDA
/// paths, log level; the HTTP ones go unused) and these.
struct Worker: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run fleet jobs from PostgreSQL on this machine's devices (needs --database).")

  @OptionGroup var serve: Serve
  @Option(help: "This worker's name, what fleet and worker in a job route by (env HPCLAB_WORKER_NAME; default the host name).")
  var name: String?
  @Option(
    help:
      "The machine whose devices this worker runs on: workers with one host id never run two jobs on one device at once (env HPCLAB_HOST_ID; default the host name; in Kubernetes, the node's name).")
  var hostID: String?
  @Option(help: "Comma-separated labels, what labels in a job route by, e.g. gpu,a100 (env HPCLAB_WORKER_LABELS; default none).")
  var labels: String?
  @Option(help: "Seconds a lease on a job lasts unless renewed, every third of it (env HPCLAB_LEASE_SECONDS; default 15).")
  var leaseSeconds: Double?
  @Option(help: "Exit after this many seconds with nothing to run, for a batch job (env HPCLAB_EXIT_WHEN_IDLE; default never).")
  var exitWhenIdle: Double?

  func run() async throws {
    guard serve.database ?? Environment.string("HPCLAB_DATABASE") != nil else {
      throw ValidationError("hpclab worker needs --database postgres://… (or HPCLAB_DATABASE).")
    }
    let name = self.name ?? Environment.string("HPCLAB_WORKER_NAME") ?? ProcessInfo.processInfo.hostName
    guard (1...128).contains(name.utf8.count) else { throw ValidationError("--name must be 1 to 128 characters.") }
    let host = hostID ?? Environment.string("HPCLAB_HOST_ID") ?? ProcessInfo.processInfo.hostName
    guard (1...255).contains(host.utf8.count) else { throw ValidationError("--host-id must be 1 to 255 characters.") }
    let labels = (labels ?? Environment.string("HPCLAB_WORKER_LABELS") ?? "")
      .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    let lease = try Environment.value(leaseSeconds, "HPCLAB_LEASE_SECONDS", default: 15.0)
    guard lease >= 1, lease <= 3600 else { throw ValidationError("--lease-seconds must be 1 to 3600.") }
    let idle = try exitWhenIdle ?? Environment.string("HPCLAB_EXIT_WHEN_IDLE").map { text in
      guard let value = Double(text) else { throw ValidationError("HPCLAB_EXIT_WHEN_IDLE must be a number of seconds.") }
      return value
    }
    if let idle, idle <= 0 { throw ValidationError("--exit-when-idle must be positive.") }
    let (application, _) = try serve.start()
    try await application.runWorker(name: name, host: host, labels: labels, leaseSeconds: lease, exitWhenIdleSeconds: idle)
  }
}
