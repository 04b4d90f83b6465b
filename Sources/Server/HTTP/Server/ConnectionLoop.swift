import CSockets
import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// An event loop: one thread with its own epoll instance that owns a share of the connections,
/// with the per-loop state they use without locks (the read buffer, the date cache) and the
/// sweep that enforces deadlines every quarter second.
///
/// One `epoll_wait` returns every ready socket of the loop, and they are all handled before the
/// thread sleeps again: a loop wakes once per batch, not once per event, as one Dispatch source
/// per connection did (whose wakeups, through eventfd and the scheduler, took about 40% of the
/// server's time under load). Work from other threads (an asynchronous reply, an accepted
/// socket) comes in through ``execute(_:)``: a queue of closures and an eventfd that wakes the
/// loop.
final class ConnectionLoop: @unchecked Sendable {  // mutable state confined to the loop's thread
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
  /// The open connections by socket.
  private var connections: [Int32: HTTPConnection] = [:]
  private let onClose: @Sendable (_ remoteAddress: String) -> Void
  private var isShuttingDown = false
  private let index: Int
  private let epollFD: Int32
  private let wakeFD: Int32
  private let tasks = Mutex<[@Sendable () -> Void]>([])
  private let stopped = Atomic<Bool>(false)

  // epoll event bits (sys/epoll.h).
  static let readable: UInt32 = 0x001
  static let writable: UInt32 = 0x004
  static let error: UInt32 = 0x008
  static let hangUp: UInt32 = 0x010
  static let peerClosed: UInt32 = 0x2000

  init(
    index: Int, configuration: HTTPServer.Configuration, responder: any HTTPResponder, logger: Logger,
    onClose: @escaping @Sendable (_ remoteAddress: String) -> Void
  ) {
    self.index = index
    self.epollFD = cs_epoll_create()
    self.wakeFD = cs_eventfd()
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

  deinit {
    readBuffer.deallocate()
    close(epollFD)
    close(wakeFD)
  }

  /// Starts the loop's thread.
  func start() {
    _ = cs_epoll_control(epollFD, 1, wakeFD, Self.readable)
    let thread = Thread { [self] in run() }
    thread.name = "hpclab-http-\(index)"
    thread.start()
  }

  /// Runs `work` on the loop's thread, soon.
  func execute(_ work: @escaping @Sendable () -> Void) {
    tasks.withLock { $0.append(work) }
    cs_eventfd_signal(wakeFD)
  }

  /// Ends the loop's thread (after the connections are closed).
  func stop() {
    stopped.store(true, ordering: .relaxed)
    cs_eventfd_signal(wakeFD)
  }

  /// Watches a connection's socket for `events`.
  func watch(_ fd: Int32, _ connection: HTTPConnection, events: UInt32) {
    connections[fd] = connection
    _ = cs_epoll_control(epollFD, 1, fd, events)
  }

  /// Changes what a watched socket is watched for.
  func change(_ fd: Int32, events: UInt32) {
    _ = cs_epoll_control(epollFD, 2, fd, events)
  }

  private func run() {
    var fds = [Int32](repeating: 0, count: 256)
    var events = [UInt32](repeating: 0, count: 256)
    var nextSweep = System.monotonicSeconds() + 0.25
    while !stopped.load(ordering: .relaxed) {
      let wait = max(0, Int32(((nextSweep - System.monotonicSeconds()) * 1000).rounded(.up)))
      let count = cs_epoll_wait(epollFD, &fds, &events, 256, wait)
      if count < 0 && cs_errno() != EINTR { break }
      for item in 0..<max(0, Int(count)) {
        let fd = fds[item]
        if fd == wakeFD {
          cs_eventfd_drain(wakeFD)
          runTasks()
        } else if let connection = connections[fd] {
          connection.handle(events: events[item])
        }
      }
      if System.monotonicSeconds() >= nextSweep {
        sweep()
        nextSweep = System.monotonicSeconds() + 0.25
      }
    }
    runTasks()
  }

  private func runTasks() {
    let pending = tasks.withLock { tasks -> [@Sendable () -> Void] in
      defer { tasks.removeAll(keepingCapacity: true) }
      return tasks
    }
    for work in pending { work() }
  }

  /// Takes ownership of an accepted, non-blocking socket.
  func adopt(_ fd: Int32, remoteAddress: String) {
    let connection = HTTPConnection(fd: fd, loop: self, remoteAddress: remoteAddress)
    connection.start()
    if isShuttingDown { connection.beginShutdown() }
  }

  /// A connection closed its socket: forget it (the kernel dropped it from epoll with the close).
  func connectionClosed(_ connection: HTTPConnection) {
    connections[connection.fd] = nil
    onClose(connection.remoteAddress)
  }

  /// How long a connection must have waited on its client before it may be shed.
  static let shedAfterIdle = 0.5

  /// Closes up to `count` connections that are waiting for a client to say something (never sent
  /// a byte, or idle between requests), those idle the longest first: when the connection cap
  /// nears, silent sockets make room for clients that talk.
  func shedIdle(upTo count: Int) {
    execute { [self] in
      let now = clock.now
      // Only connections that have waited a while: a client that just connected gets its chance.
      let idle = connections.values.compactMap { connection in connection.idleSince.map { (connection, $0) } }
        .filter { now - $0.1 >= Self.shedAfterIdle }
      for (connection, _) in idle.sorted(by: { $0.1 < $1.1 }).prefix(count) { connection.close() }
    }
  }

  private func sweep() {
    let now = clock.now
    for connection in connections.values { connection.checkDeadlines(now: now) }
  }

  func beginShutdown() {
    execute { [self] in
      isShuttingDown = true
      for connection in connections.values { connection.beginShutdown() }
    }
  }

  func closeAll() {
    execute { [self] in
      for connection in Array(connections.values) { connection.close() }
    }
  }
}
