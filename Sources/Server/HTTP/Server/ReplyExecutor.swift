import Dispatch

/// Where the tasks that compute asynchronous replies run: a task executor on Dispatch's global
/// queue, the threads the connection loops use, not Swift's cooperative pool. Blocking or long
/// CPU work elsewhere in the process (a test body, a caller's own tasks) then never starves the
/// server's replies, and a reply's awaits hop only between these threads and `BlockingWork`.
final class ReplyExecutor: TaskExecutor, Sendable {
  static let shared = ReplyExecutor()

  private let queue = DispatchQueue(label: "hpclab.http.replies", qos: .userInitiated, attributes: .concurrent)

  func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
  }
}
