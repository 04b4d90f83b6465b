import Dispatch
import Logging

/// A serial queue that owns a share of the connections, with the per-loop
/// state they use without locks: the read buffer, the date cache, and the
/// sweep timer that enforces deadlines. The queue targets the global
/// concurrent queue so that loops share the machine's worker threads instead
/// of each getting an overcommit thread.
final class ConnectionLoop: @unchecked Sendable {  // mutable state confined to `queue`
  let queue: DispatchQueue
  let configuration: HTTPServer.Configuration
  // The pieces of the configuration a connection reads per request, stored apart: reading them
  // through `configuration` copied the whole struct (and retained every reference in it) each
  // time, which showed up in profiles as contended reference counting.
  let clock: any ConnectionClock
  let accessLog: AccessLog?
  let onResponse: (@Sendable (HTTPExchange) -> Void)?
  let serverName: String
  let maxHeaderBytes: Int
  let responder: any HTTPResponder
  let logger: Logger
  let readBuffer: UnsafeMutableRawBufferPointer
  var dateCache = DateCache()
  private var connections: [ObjectIdentifier: HTTPConnection] = [:]
  private var timer: DispatchSourceTimer?
  private let onClose: @Sendable (_ remoteAddress: String) -> Void
  private var isShuttingDown = false

  init(
    index: Int, configuration: HTTPServer.Configuration, responder: any HTTPResponder, logger: Logger,
    onClose: @escaping @Sendable (_ remoteAddress: String) -> Void
  ) {
    self.queue = DispatchQueue(label: "hpclab.http.loop.\(index)", target: .global())
    self.configuration = configuration
    self.clock = configuration.clock
    self.accessLog = configuration.accessLog
    self.onResponse = configuration.onResponse
    self.serverName = configuration.serverName
    self.maxHeaderBytes = configuration.limits.maxHeaderBytes
    self.responder = responder
    self.logger = logger
    self.onClose = onClose
    self.readBuffer = .allocate(byteCount: 64 * 1024, alignment: 16)
  }

  deinit { readBuffer.deallocate() }

  func start() {
    queue.async { [self] in
      let timer = DispatchSource.makeTimerSource(queue: queue)
      timer.schedule(deadline: .now() + .milliseconds(250), repeating: .milliseconds(250), leeway: .milliseconds(50))
      timer.setEventHandler { [self] in sweep() }
      timer.activate()
      self.timer = timer
    }
  }

  /// Takes ownership of an accepted, non-blocking socket.
  func adopt(_ fd: Int32, remoteAddress: String) {
    let connection = HTTPConnection(fd: fd, loop: self, remoteAddress: remoteAddress)
    connections[ObjectIdentifier(connection)] = connection
    connection.start()
    if isShuttingDown { connection.beginShutdown() }
  }

  /// How long a connection must have waited on its client before it may be shed.
  static let shedAfterIdle = 0.5

  func connectionClosed(_ connection: HTTPConnection) {
    connections[ObjectIdentifier(connection)] = nil
    onClose(connection.remoteAddress)
  }

  /// Closes up to `count` connections that are waiting for a client to say something (never sent
  /// a byte, or idle between requests), those idle the longest first: when the connection cap
  /// nears, silent sockets make room for clients that talk.
  func shedIdle(upTo count: Int) {
    queue.async { [self] in
      let now = clock.now
      // Only connections that have waited a while: a client that just connected gets its chance.
      let idle = connections.values.compactMap { connection in connection.idleSince(now: now).map { (connection, $0) } }
        .filter { now - $0.1 >= Self.shedAfterIdle }
      for (connection, _) in idle.sorted(by: { $0.1 < $1.1 }).prefix(count) { connection.close() }
    }
  }

  private func sweep() {
    let now = clock.now
    for connection in connections.values { connection.checkDeadlines(now: now) }
  }

  func beginShutdown() {
    queue.async { [self] in
      isShuttingDown = true
      for connection in connections.values { connection.beginShutdown() }
    }
  }

  func closeAll() {
    queue.async { [self] in
      for connection in connections.values { connection.close() }
      timer?.cancel()
    }
  }
}
