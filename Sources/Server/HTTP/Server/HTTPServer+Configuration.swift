extension HTTPServer {
  /// Everything the server can be told: address, limits and timeouts, each with a stated default.
  public struct Configuration: Sendable {
    /// Numeric IPv4 or IPv6 address to bind. Default `127.0.0.1`.
    public var host = "127.0.0.1"
    /// TCP port; 0 picks a free one (see `HTTPServer.port`). Default 8080.
    public var port = 8080
    /// The `listen(2)` backlog. Default 1024.
    public var backlog: Int32 = 1024
    /// Serial queues that own connections, one per core by default.
    public var loopCount = max(1, System.coreCount)
    /// Parser size limits (request line 414, header block and count 431, body 413).
    public var limits = HTTPRequestParser.Limits()
    /// Most open client connections; at the cap the server stops accepting until one
    /// closes. Also kept below the process's file-descriptor limit. Default 4096.
    public var maxConnections = 4096
    /// Seconds a client has to send a complete request head, counted from its
    /// first byte (or from accepting the connection); then 408 and close. Default 10.
    public var headerTimeout: Double = 10
    /// Seconds a client has to send the body once the head is in; then 408 and close. Default 30.
    public var bodyTimeout: Double = 30
    /// Seconds an idle keep-alive connection stays open. Default 60.
    public var idleTimeout: Double = 60
    /// Seconds a response may wait on a client that does not read; then close. Default 30.
    public var writeTimeout: Double = 30
    /// Seconds a graceful shutdown waits for requests in flight. Default 10.
    public var shutdownGracePeriod: Double = 10
    /// The `Server` header. Default `hpclab`.
    public var serverName = "hpclab"
    /// Called on the connection's queue after each response (metrics); keep it quick. Default nil.
    public var onResponse: (@Sendable (HTTPExchange) -> Void)?
    /// One line per request, written by a background writer; `nil` for none. Default: none (the
    /// `hpclab` command gives stderr in the Common Log Format; `--access-log` chooses).
    public var accessLog: AccessLog?
    /// Open connections one client address may hold; more are closed at once. Default 256: a
    /// browser opens 6, a load balancer more; 4096 silent sockets from one address cannot lock
    /// everyone else out.
    public var maxConnectionsPerClient = 256
    /// When open connections reach this share of the cap, connections that wait on a silent
    /// client are closed, longest idle first, to make room. Default 0.9.
    public var shedIdleAt = 0.9
    /// The clock of the connections' deadlines (a test's hand-moved clock makes timeouts fire
    /// without sleeping). Default: the monotonic clock.
    public var clock: any ConnectionClock = MonotonicClock()

    /// The deadlines' limits, from the timeouts above.
    var deadlineLimits: ConnectionDeadlines.Limits {
      .init(headerTimeout: headerTimeout, bodyTimeout: bodyTimeout, idleTimeout: idleTimeout, writeTimeout: writeTimeout)
    }

    public init() {}
  }
}
