extension WorkerPool {
  /// The pool's limits.
  public struct Configuration: Sendable {
    /// Jobs that may wait in the queue (all lanes together, not counting running ones); one more is
    /// rejected with `.queueFull`. Default 64.
    public var queueCapacity: Int
    /// How long a job may run, from its start (time queued does not count), before its token is
    /// cancelled with `.timedOut`. Default 300 seconds.
    public var jobTimeout: Duration
    /// Jobs running at once in one lane. Default 1, so that timings on one device are not
    /// polluted by a neighbour.
    public var jobsPerLane: Int

    /// Makes a configuration; every argument has the default documented on its property.
    public init(queueCapacity: Int = 64, jobTimeout: Duration = .seconds(300), jobsPerLane: Int = 1) {
      self.queueCapacity = queueCapacity
      self.jobTimeout = jobTimeout
      self.jobsPerLane = jobsPerLane
    }
  }
}
