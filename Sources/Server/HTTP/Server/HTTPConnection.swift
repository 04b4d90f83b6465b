import AsyncBridge
import CSockets
import Dispatch
import Logging

#if canImport(Glibc)
  import Glibc
#endif

/// One client connection. Everything here runs on its loop's thread: the loop
/// calls ``handle(events:)`` for readiness, and asynchronous replies hop back
/// onto the loop (``ConnectionLoop/execute(_:)``) before touching any state.
///
/// Lifecycle (the lessons of the prototype): one read source for the life of
/// the connection; responses are written directly with `send(MSG_NOSIGNAL)`,
/// and only on EAGAIN is a write source armed and reading suspended; the fd is
/// closed only after every source's cancel handler has run.
final class HTTPConnection {
  let fd: Int32
  unowned let loop: ConnectionLoop
  private var readSuspended = false
  private var writeArmed = false

  var parser: HTTPRequestParser
  private var output: [UInt8] = []
  private var outputStart = 0

  private enum Phase { case idle, awaitingReply, streaming }
  private var phase = Phase.idle
  private var closeAfterFlush = false
  private var peerClosed = false
  private(set) var isClosed = false
  private var isShuttingDown = false
  /// Whether a response has begun on the wire for the current exchange (no 400 after that).
  private var responseStarted = false

  /// Deadlines, checked by the loop's sweep; times come from the configuration's clock.
  private var deadlines: ConnectionDeadlines
  private var clock: any ConnectionClock { loop.clock }

  // The exchange in progress, for the access log.
  private var currentMethod = HTTPMethod.get
  private var currentTarget = ""
  private var currentStart = 0.0
  private var streamedBytes = 0
  private var streamStatus = 200
  private var streamWaiters: [CheckedContinuation<Void, any Error>] = []
  private var currentRoute: String?
  private var currentVersion = "HTTP/1.1"
  /// The task computing an asynchronous reply (or producing a stream), cancelled on close.
  private var replyTask: Task<Void, Never>?

  /// Output above this many pending bytes pauses parsing further pipelined
  /// requests and makes streamed writes wait.
  private static let highWater = 256 * 1024

  /// The peer's numeric address, for per-client limits and logs.
  let remoteAddress: String

  init(fd: Int32, loop: ConnectionLoop, remoteAddress: String) {
    self.fd = fd
    self.loop = loop
    self.remoteAddress = remoteAddress
    self.parser = HTTPRequestParser(limits: loop.configuration.limits)
    self.deadlines = ConnectionDeadlines(limits: loop.configuration.deadlineLimits, openedAt: loop.configuration.clock.now)
  }

  func start() {
    loop.watch(fd, self, events: ConnectionLoop.readable)
  }

  /// The socket is ready: read (or notice the peer's end or an error), write, or both.
  func handle(events: UInt32) {
    guard !isClosed else { return }
    if events & (ConnectionLoop.readable | ConnectionLoop.hangUp | ConnectionLoop.error) != 0 && !readSuspended {
      onReadable()
    }
    if !isClosed, events & (ConnectionLoop.writable | ConnectionLoop.error | ConnectionLoop.hangUp) != 0, writeArmed {
      onWritable()
    }
  }

  /// What the loop watches the socket for, from the read and write states.
  private func updateInterest() {
    guard !isClosed else { return }
    loop.change(fd, events: (readSuspended ? 0 : ConnectionLoop.readable) | (writeArmed ? ConnectionLoop.writable : 0))
  }

  // MARK: - Reading

  private func onReadable() {
    guard !isClosed else { return }
    let buffer = loop.readBuffer
    while true {
      let n = read(fd, buffer.baseAddress, buffer.count)
      if n > 0 {
        if phase == .idle && !parser.isMidMessage { deadlines.requestBegan(at: clock.now) }
        parser.append(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        if n < buffer.count { break }  // a short read means the socket is drained
        if phase != .idle && parser.bufferedByteCount > loop.maxHeaderBytes { break }
      } else if n == 0 {
        peerClosed = true
        if !readSuspended {  // EOF stays readable: stop listening for it
          readSuspended = true
          updateInterest()
        }
        break
      } else {
        let error = cs_errno()
        if error == EINTR { continue }
        if error == EAGAIN || error == EWOULDBLOCK { break }
        close()
        return
      }
    }
    if peerClosed && (phase == .streaming || phase == .awaitingReply) {
      close()  // the client went away while its reply was being made: stop making it
      return
    }
    drive()
  }

  /// Parses and answers buffered requests in order while no reply is pending.
  private func drive() {
    // Parse and answer while output stays under the high-water mark; then flush. When the flush
    // drained everything without blocking, go on parsing what is already buffered: pipelined
    // requests must not wait for more bytes that may never come (RFC 9112 §9.3.2). When it
    // blocked, the write source's handler calls drive() again once the peer reads.
    while true {
      while phase == .idle && !isClosed && !closeAfterFlush && output.count - outputStart < Self.highWater {
        let event: HTTPRequestParser.Event?
        do {
          event = try parser.next()
        } catch {
          respond(toParseError: error)
          break
        }
        guard let event else { break }
        switch event {
        case .head(let head):
          if head.expectsContinue && parser.bufferedByteCount == 0 {
            output.append(contentsOf: "HTTP/1.1 100 Continue\r\n\r\n".utf8)
          }
        case .request(let request):
          handle(request)
        }
      }
      if phase == .idle && parser.isMidMessage { deadlines.requestBegan(at: clock.now) }
      let wasFull = output.count - outputStart >= Self.highWater
      flush()
      guard wasFull, !isClosed, !writeArmed, phase == .idle, output.count == outputStart, parser.bufferedByteCount > 0
      else { return }
    }
  }

  // MARK: - Answering

  private func handle(_ request: HTTPRequest) {
    currentRoute = nil
    currentVersion = request.version == .http1_0 ? "HTTP/1.0" : "HTTP/1.1"
    currentMethod = request.method
    currentTarget = request.target
    currentStart = deadlines.requestStartedAt ?? clock.now
    deadlines.requestReceived()
    responseStarted = false
    var request = request
    if let problem = Self.validate(&request) {
      send(problem.response, for: request, keepAlive: false)
      return
    }
    let keepAlive = request.wantsKeepAlive && !isShuttingDown && !peerClosed
    let context = RequestContext(
      receivedAt: clock.now, isShuttingDown: isShuttingDown, remoteAddress: remoteAddress)
    let reply = loop.responder.respond(to: request, context: context)
    currentRoute = reply.route
    switch reply.body {
    case .now(let response):
      send(response, for: request, keepAlive: keepAlive)
    case .later(let work):
      phase = .awaitingReply
      let handle = ConnectionHandle(self)
      let head = request
      // The connection owns the reply's task: closing it (the client went away) cancels the task.
      replyTask = Task(executorPreference: DispatchTaskExecutor.replies) {
        let response = await work()
        handle.loop.execute {
          let connection = handle.connection
          connection.replyTask = nil
          guard !connection.isClosed else { return }
          connection.phase = .idle
          connection.send(response, for: head, keepAlive: keepAlive && !connection.isShuttingDown)
          connection.drive()
        }
      }
    }
  }

  /// Server-level checks that the parser leaves to us (RFC 9112 §3.2, §3.2.1; RFC 9110 §9.1).
  private static func validate(_ request: inout HTTPRequest) -> Problem? {
    var hosts = 0
    for field in request.headers where field.name.equalsASCIICaseInsensitive("Host") { hosts += 1 }
    if request.version == .http1_1 && hosts != 1 {
      return .badRequest("An HTTP/1.1 request needs exactly one Host header field.")
    }
    if hosts > 1 { return .badRequest("More than one Host header field.") }
    if request.hasUnsupportedCodings {  // read once, by the parser
      return Problem(status: .notImplemented, detail: "Only the chunked transfer coding is supported.")
    }
    // A fragment is not part of a request-target (RFC 9112 §3.2; RFC 3986 §3.5): a client sends none.
    if request.target.utf8.contains(UInt8(ascii: "#")) {
      return .badRequest("The request target has a fragment (#…); fragments are not sent to servers.")
    }
    if request.target.hasPrefix("/") { return nil }
    if request.target == "*" && request.method == .options { return nil }
    // Absolute-form (RFC 9112 §3.2.2): keep the path and query.
    for scheme in ["http://", "https://"] where request.target.lowercased().hasPrefix(scheme) {
      let rest = request.target.dropFirst(scheme.count)
      guard !rest.isEmpty else { break }
      if let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) {
        request.target = rest[slash] == "/" ? String(rest[slash...]) : "/" + rest[slash...]
      } else {
        request.target = "/"
      }
      return nil
    }
    return .badRequest("The request target must be a path starting with '/'.")
  }

  private func respond(toParseError error: HTTPParseError) {
    closeAfterFlush = true
    guard !responseStarted else { return }
    currentMethod = HTTPMethod("-")
    currentTarget = "-"
    currentRoute = nil
    currentStart = deadlines.requestStartedAt ?? clock.now
    let problem = Problem(status: error.status, detail: error.reason)
    send(problem.response, for: nil, keepAlive: false)
  }

  /// Serializes a response into the output buffer (or starts its stream).
  /// Framing fields are written here, not added to the response's headers, so
  /// a prebuilt response (a cached static file) is sent without copying it.
  private func send(_ response: HTTPResponse, for request: HTTPRequest?, keepAlive: Bool) {
    let isHead = request?.method == .head
    var keepAlive = keepAlive
    let isHTTP10 = request?.version == .http1_0
    responseStarted = true
    var body: [UInt8]?
    var framing = ""
    var producer: (@Sendable (any ResponseBodyWriter) async throws -> Void)?
    switch response.body {
    case .bytes(let bytes):
      if !response.status.forbidsBody {
        framing = "Content-Length: \(bytes.count)\r\n"
        if !isHead { body = bytes }
      }
    case .stream(let produce):
      if isHead || response.status.forbidsBody {
        if !response.status.forbidsBody { keepAlive = false }
      } else if isHTTP10 {
        keepAlive = false
        producer = produce
      } else {
        framing = "Transfer-Encoding: chunked\r\n"
        producer = produce
      }
    }
    if !keepAlive {
      framing += "Connection: close\r\n"
      closeAfterFlush = true
    } else if isHTTP10 {
      framing += "Connection: keep-alive\r\n"
    }
    response.appendHead(to: &output, date: loop.dateCache.current(), serverName: loop.serverName)
    output.append(contentsOf: framing.utf8)
    output.append(contentsOf: "\r\n".utf8)
    if let producer {
      startStream(producer, status: response.status.code, chunked: !isHTTP10)
    } else {
      if let body { output.append(contentsOf: body) }
      logAccess(status: response.status.code, bytes: body?.count ?? 0)
    }
  }

  private func logAccess(status: Int, bytes: Int) {
    let seconds = clock.now - currentStart
    if let observe = loop.onResponse {
      observe(
        HTTPExchange(
          method: currentMethod, route: currentRoute, target: currentTarget, status: status, bytes: bytes,
          seconds: seconds))
    }
    loop.accessLog?.record(
      AccessLog.Entry(
        remoteAddress: remoteAddress, method: currentMethod.rawValue, target: currentTarget,
        version: currentVersion, route: currentRoute, status: status, bytes: bytes, seconds: seconds))
  }

  // MARK: - Streaming

  private var streamIsChunked = true

  private func startStream(
    _ producer: @escaping @Sendable (any ResponseBodyWriter) async throws -> Void, status: Int, chunked: Bool
  ) {
    phase = .streaming
    streamedBytes = 0
    streamStatus = status
    streamIsChunked = chunked
    let handle = ConnectionHandle(self)
    let writer = StreamWriter(handle: handle)
    replyTask = Task(executorPreference: DispatchTaskExecutor.replies) {
      var failed = false
      do { try await producer(writer) } catch { failed = true }
      let failedNow = failed
      handle.loop.execute {
        handle.connection.replyTask = nil
        handle.connection.finishStream(failed: failedNow)
      }
    }
  }

  fileprivate func streamWrite(_ bytes: [UInt8], continuation: CheckedContinuation<Void, any Error>) {
    guard !isClosed, phase == .streaming else {
      continuation.resume(throwing: ConnectionClosedError())
      return
    }
    guard !bytes.isEmpty else {
      continuation.resume()
      return
    }
    if streamIsChunked {
      output.append(contentsOf: String(bytes.count, radix: 16).utf8)
      output.append(contentsOf: "\r\n".utf8)
      output.append(contentsOf: bytes)
      output.append(contentsOf: "\r\n".utf8)
    } else {
      output.append(contentsOf: bytes)
    }
    streamedBytes += bytes.count
    flush()
    if isClosed {
      continuation.resume(throwing: ConnectionClosedError())
    } else if output.count - outputStart > Self.highWater {
      streamWaiters.append(continuation)
    } else {
      continuation.resume()
    }
  }

  private func finishStream(failed: Bool) {
    guard !isClosed, phase == .streaming else { return }
    phase = .idle
    if failed || !streamIsChunked {
      closeAfterFlush = true  // without the last chunk the client sees the body as cut short
    } else {
      output.append(contentsOf: "0\r\n\r\n".utf8)
    }
    logAccess(status: streamStatus, bytes: streamedBytes)
    drive()
  }

  // MARK: - Writing

  private func flush() {
    while outputStart < output.count {
      let n = output.withUnsafeBytes { raw in
        Glibc.send(fd, raw.baseAddress! + outputStart, raw.count - outputStart, Int32(MSG_NOSIGNAL))
      }
      if n > 0 {
        outputStart += n
        continue
      }
      let error = cs_errno()
      if n < 0 && error == EINTR { continue }
      if n < 0 && (error == EAGAIN || error == EWOULDBLOCK) {
        deadlines.writeBlocked(at: clock.now)
        armWrite()
        return
      }
      close()
      return
    }
    if output.capacity > 1 << 20 { output = [] } else { output.removeAll(keepingCapacity: true) }
    outputStart = 0
    deadlines.writeDrained()
    disarmWrite()
    let waiters = streamWaiters
    streamWaiters = []
    for waiter in waiters { waiter.resume() }
    // A stream's head is flushed before its body: a `Connection: close` stream closes once
    // finishStream has queued its end, not after its head.
    if (closeAfterFlush && phase != .streaming) || (peerClosed && phase == .idle) {
      close()
      return
    }
    if phase == .idle && !parser.isMidMessage { deadlines.becameIdle(at: clock.now) }
  }

  private func onWritable() {
    guard !isClosed else { return }
    flush()
    if !isClosed && !writeArmed && phase == .idle { drive() }
  }

  private func armWrite() {
    readSuspended = true
    writeArmed = true
    updateInterest()
  }

  private func disarmWrite() {
    let wasArmed = writeArmed
    let wasSuspended = readSuspended
    writeArmed = false
    if readSuspended && !peerClosed { readSuspended = false }
    if wasArmed != writeArmed || wasSuspended != readSuspended { updateInterest() }
  }

  // MARK: - Deadlines and shutdown

  /// Called by the loop's sweep about four times a second: asks the deadlines what to do.
  func checkDeadlines(now: Double) {
    guard !isClosed else { return }
    let activity = ConnectionDeadlines.Activity(
      replying: phase != .idle, midRequest: parser.isMidMessage, readingBody: parser.isReadingBody,
      outputPending: output.count > outputStart)
    switch deadlines.check(at: now, activity) {
    case .none:
      break
    case .close:
      close()
    case .requestTimeout:
      currentMethod = HTTPMethod("-")
      currentTarget = "-"
      currentRoute = nil
      currentStart = deadlines.requestStartedAt ?? now
      closeAfterFlush = true
      let problem = Problem(status: .requestTimeout, detail: "The request was not received in time.")
      send(problem.response, for: nil, keepAlive: false)
      flush()
    }
  }

  /// Since when the connection has waited on its client with nothing under way (nil when a
  /// request, a reply or output is in progress).
  var idleSince: Double? {
    guard !isClosed, phase == .idle, !parser.isMidMessage, output.count == outputStart else { return nil }
    return deadlines.idleSince
  }

  /// Finishes what is in flight, then closes; idle connections close now.
  func beginShutdown() {
    isShuttingDown = true
    guard !isClosed else { return }
    if phase == .idle && !parser.isMidMessage && output.count == outputStart { close() }
  }

  func close() {
    guard !isClosed else { return }
    isClosed = true
    replyTask?.cancel()
    replyTask = nil
    let waiters = streamWaiters
    streamWaiters = []
    for waiter in waiters { waiter.resume(throwing: ConnectionClosedError()) }
    Glibc.close(fd)  // also drops it from the loop's epoll set
    loop.connectionClosed(self)
  }
}

/// Thrown by a stream writer once its client has gone.
public struct ConnectionClosedError: Error, Sendable {}

/// Carries a connection across a concurrency boundary. Safe because the
/// connection is only ever touched on its loop's thread, and every use of this
/// handle hops there first.
struct ConnectionHandle: @unchecked Sendable {  // the connection is touched only on its loop's thread, and every use hops there
  let connection: HTTPConnection
  let loop: ConnectionLoop
  init(_ connection: HTTPConnection) {
    self.connection = connection
    self.loop = connection.loop
  }
}

/// The writer handed to a streaming body's producer.
private struct StreamWriter: ResponseBodyWriter {
  let handle: ConnectionHandle
  func write(_ bytes: [UInt8]) async throws {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
      handle.loop.execute { handle.connection.streamWrite(bytes, continuation: continuation) }
    }
  }
}
