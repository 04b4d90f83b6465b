import Dispatch

/// libdispatch on Linux creates a timer descriptor (timerfd) for a clock the first time a timer
/// on that clock is armed, and kills the process (SIGILL) when it cannot get one. A server that
/// has just run out of descriptors arms timers (an accept pause, a job timeout, a sleep), so
/// every clock it uses gets its descriptor at start, while there are descriptors to spare.
public enum DispatchTimers {
  /// Arms and waits out one short timer on each clock: Dispatch's uptime and wall clocks, and
  /// the continuous and suspending clocks of `Task.sleep`.
  public static func prime() async {
    let queue = DispatchQueue(label: "hpclab.timers.prime")
    await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
      queue.asyncAfter(deadline: .now() + .milliseconds(1)) { done.resume() }
    }
    await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
      queue.asyncAfter(wallDeadline: .now() + .milliseconds(1)) { done.resume() }
    }
    try? await Task.sleep(for: .milliseconds(1), clock: .continuous)
    try? await Task.sleep(for: .milliseconds(1), clock: .suspending)
  }
}
