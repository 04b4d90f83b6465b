import Dispatch

/// A task executor on a concurrent Dispatch queue (which runs on Dispatch's global threads, not
/// Swift's cooperative pool). Tasks that prefer it keep running while blocking or long CPU work
/// elsewhere in the process holds the cooperative threads.
///
/// The HTTP server computes its asynchronous replies on one (`DispatchTaskExecutor.replies`);
/// the live-socket test suites run their bodies on another.
public final class DispatchTaskExecutor: TaskExecutor, Sendable {
  private let queue: DispatchQueue

  public init(label: String) {
    queue = DispatchQueue(label: label, qos: .userInitiated, attributes: .concurrent)
  }

  public func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
  }

  /// Where the HTTP server's asynchronous replies run: a reply's awaits hop only between these
  /// threads and ``BlockingWork``.
  public static let replies = DispatchTaskExecutor(label: "hpclab.http.replies")
}
