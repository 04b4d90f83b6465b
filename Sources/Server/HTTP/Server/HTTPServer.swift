import CSockets
import Dispatch
import Logging
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// An HTTP/1.1 server on POSIX sockets: epoll event loops for the connections,
/// Dispatch for accepting.
///
/// A non-blocking listening socket with one Dispatch read source accepts
/// connections until EAGAIN and deals them round-robin to a few event loops
/// (one per core), each a thread with its own epoll instance (`ConnectionLoop`);
/// see `HTTPConnection` for the rest.
public final class HTTPServer: Sendable {
  public let configuration: Configuration
  private let responder: any HTTPResponder
  private let logger: Logger
  private let acceptQueue = DispatchQueue(label: "hpclab.http.accept", target: .global())
  private let loops: [ConnectionLoop]
  private let state = Mutex(State())
  private let open = ConnectionCounter()
  /// The connection cap in force: the configured one, kept below the fd limit.
  public let maxConnections: Int

  private struct State {
    var listenFD: Int32 = -1
    var port = 0
    var acceptSource: AcceptSource?
    var acceptPaused = false
    var isShuttingDown = false
    var nextLoop = 0
    /// Open connections by client address.
    var perClient: [String: Int] = [:]
    /// Monotonic seconds of the last shedding, to shed at most a few times a second.
    var lastShed = 0.0
  }

  public init(configuration: Configuration, responder: any HTTPResponder, logger: Logger) {
    self.configuration = configuration
    self.responder = responder
    self.logger = logger
    let fdLimit = System.raiseFileDescriptorLimit()
    // Each loop below takes two descriptors (epoll, eventfd); the database, OpenCL and the logs
    // hold some already. Beyond those, keep a reserve for job files and for libdispatch, which
    // kills the process when it cannot get a descriptor it needs.
    let held = (System.openDescriptorCount() ?? 16) + 2 * max(1, configuration.loopCount)
    let reserve = min(256, max(16, fdLimit / 4))
    self.maxConnections = max(1, min(configuration.maxConnections, fdLimit - held - reserve))
    var loops: [ConnectionLoop] = []
    let open = self.open
    let box = WeakServer()
    for index in 0..<max(1, configuration.loopCount) {
      loops.append(
        ConnectionLoop(
          index: index, configuration: configuration, responder: responder, logger: logger,
          onClose: { address in
            open.closed()
            box.server?.clientClosed(address)
            box.server?.resumeAcceptingIfPaused()
          }))
    }
    self.loops = loops
    box.server = self
  }

  /// The bound port (useful when the configuration asked for port 0).
  public var port: Int { state.withLock { $0.port } }
  /// Connections open right now.
  public var openConnections: Int { open.value.load(ordering: .relaxed) }

  /// Binds, listens and starts accepting. Throws `SocketError` when the address can't be bound.
  public func start() throws {
    signal(SIGPIPE, SIG_IGN)
    var boundPort: Int32 = 0
    let fd = cs_listen(configuration.host, Int32(configuration.port), configuration.backlog, &boundPort)
    guard fd >= 0 else {
      throw SocketError(operation: "listen on \(configuration.host):\(configuration.port)", errno: cs_errno())
    }
    for loop in loops { loop.start() }
    // libdispatch creates its timer descriptor (timerfd) on the first timer armed in the process,
    // and traps (SIGILL) when it cannot. The accept pause below is a timer armed precisely when
    // descriptors have run out, so arm one now, while they have not, and let it fire.
    let armed = DispatchSemaphore(value: 0)
    acceptQueue.asyncAfter(deadline: .now() + 0.001) { armed.signal() }
    _ = armed.wait(timeout: .now() + 1)
    let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: acceptQueue)
    source.setEventHandler { [self] in acceptConnections() }
    source.setCancelHandler { Glibc.close(fd) }
    state.withLock {
      $0.listenFD = fd
      $0.port = Int(boundPort)
      $0.acceptSource = AcceptSource(source: source)
    }
    source.activate()
    logger.info("listening on http://\(configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host):\(boundPort)")
  }

  private func acceptConnections() {
    let fd = state.withLock { $0.listenFD }
    while true {
      if open.value.load(ordering: .relaxed) >= maxConnections {
        // Make room: shed what waits on silent clients; look again in a quarter second (or as
        // soon as a connection closes).
        shedIdleConnections()
        pauseAccepting(for: 0.25)
        return
      }
      var address = [CChar](repeating: 0, count: 64)
      let client = cs_accept_nonblocking(fd, &address, Int32(address.count))
      if client < 0 {
        let error = cs_errno()
        switch error {
        case EAGAIN, EWOULDBLOCK: return
        case EINTR, ECONNABORTED, EPROTO: continue
        case EMFILE, ENFILE, ENOBUFS, ENOMEM:
          logger.warning("accept: out of descriptors or memory (errno \(error)); pausing accept for 100 ms")
          pauseAccepting(for: 0.1)
          return
        default:
          logger.error("accept failed: errno \(error)")
          return
        }
      }
      _ = cs_set_nodelay(client)
      let peer = String(decoding: address.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
      let admitted = state.withLock { state -> Bool in
        guard state.perClient[peer, default: 0] < configuration.maxConnectionsPerClient else { return false }
        state.perClient[peer, default: 0] += 1
        return true
      }
      guard admitted else {
        Glibc.close(client)  // this address holds its share of the connections already
        continue
      }
      let count = open.value.add(1, ordering: .relaxed).newValue
      if Double(count) >= Double(maxConnections) * configuration.shedIdleAt { shedIdleConnections() }
      let loop = state.withLock { state in
        state.nextLoop = (state.nextLoop + 1) % loops.count
        return loops[state.nextLoop]
      }
      loop.execute { loop.adopt(client, remoteAddress: peer) }
    }
  }

  fileprivate func clientClosed(_ address: String) {
    state.withLock { state in
      let left = state.perClient[address, default: 1] - 1
      state.perClient[address] = left > 0 ? left : nil
    }
  }

  /// Near the cap: each loop closes some of its connections that wait on a silent client, so
  /// that a new client is served within a second. At most four times a second.
  private func shedIdleConnections() {
    let now = System.monotonicSeconds()
    let due = state.withLock { state -> Bool in
      guard now - state.lastShed >= 0.25 else { return false }
      state.lastShed = now
      return true
    }
    guard due else { return }
    let target = max(1, maxConnections / 10) / loops.count + 1
    for loop in loops { loop.shedIdle(upTo: target) }
  }

  /// Suspends the accept source; it resumes after `delay`, or when a connection closes.
  private func pauseAccepting(for delay: Double?) {
    let paused: Bool = state.withLock {
      guard !$0.acceptPaused, !$0.isShuttingDown, let accept = $0.acceptSource else { return false }
      accept.source.suspend()
      $0.acceptPaused = true
      return true
    }
    if paused, let delay {
      acceptQueue.asyncAfter(deadline: .now() + delay) { [self] in resumeAcceptingIfPaused(force: true) }
    }
  }

  fileprivate func resumeAcceptingIfPaused(force: Bool = false) {
    guard force || open.value.load(ordering: .relaxed) < maxConnections else { return }
    state.withLock {
      guard $0.acceptPaused, !$0.isShuttingDown, let accept = $0.acceptSource else { return }
      $0.acceptPaused = false
      accept.source.resume()
    }
  }

  /// Stops accepting, lets requests in flight finish (up to the grace period),
  /// then closes whatever is left.
  public func shutdown() async {
    let accept: AcceptSource? = state.withLock {
      guard !$0.isShuttingDown else { return nil }
      $0.isShuttingDown = true
      if $0.acceptPaused { $0.acceptSource?.source.resume() }
      return $0.acceptSource
    }
    accept?.source.cancel()
    for loop in loops { loop.beginShutdown() }
    let grace = Duration.milliseconds(Int(configuration.shutdownGracePeriod * 1000))
    await open.waitForNone(within: grace)
    let left = open.value.load(ordering: .relaxed)
    if left > 0 { logger.warning("closing \(left) connections still open after the grace period") }
    for loop in loops { loop.closeAll() }
    await open.waitForNone(within: .seconds(1))
    for loop in loops { loop.stop() }
    configuration.accessLog?.flush()  // every request answered is in the log before we return
  }
}

/// A socket call that failed, with its errno.
public struct SocketError: Error, CustomStringConvertible, Sendable {
  public let operation: String
  public let errno: Int32
  public var description: String { "\(operation): \(String(cString: strerror(errno)))" }
}

/// Lets the loops' close callbacks reach the server without a retain cycle.
private final class WeakServer: Sendable {
  private struct Reference { weak var server: HTTPServer? }
  private let reference = Mutex(Reference())

  var server: HTTPServer? {
    get { reference.withLock { $0.server } }
    set { reference.withLock { $0.server = newValue } }
  }
}

/// Counts open connections across loops, and wakes whoever waits for none to be left.
private final class ConnectionCounter: Sendable {
  let value = Atomic<Int>(0)
  private let waiters = Mutex<[Int: CheckedContinuation<Void, Never>]>([:])
  private let nextWaiter = Atomic<Int>(0)

  /// One connection closed; at zero, the waiters resume.
  func closed() {
    let (_, left) = value.subtract(1, ordering: .acquiringAndReleasing)
    guard left == 0 else { return }
    let woken = waiters.withLock { waiters -> [CheckedContinuation<Void, Never>] in
      defer { waiters = [:] }
      return Array(waiters.values)
    }
    for continuation in woken { continuation.resume() }
  }

  /// Returns once no connection is open, or after `limit`, whichever comes first; no polling.
  func waitForNone(within limit: Duration) async {
    await withTaskGroup(of: Void.self) { group in
      group.addTask { await self.none() }
      group.addTask { try? await Task.sleep(for: limit) }
      await group.next()
      group.cancelAll()
    }
  }

  private func none() async {
    let id = nextWaiter.add(1, ordering: .relaxed).newValue
    await withTaskCancellationHandler {
      await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        let resumeNow = waiters.withLock { waiters -> Bool in
          if value.load(ordering: .acquiring) == 0 || Task.isCancelled { return true }
          waiters[id] = continuation
          return false
        }
        if resumeNow { continuation.resume() }
      }
    } onCancel: {
      waiters.withLock { $0.removeValue(forKey: id) }?.resume()
    }
  }
}

/// The accept source, kept under the server's lock. Dispatch sources are
/// thread-safe objects; every use of this one also holds that lock.
private struct AcceptSource: @unchecked Sendable {  // used only under the server lock (`state`)
  let source: DispatchSourceRead
}
