/// The timeouts of one connection as a pure state machine (after NIO's and Hummingbird's
/// HTTP/1 state machines): the connection reports what happens, with the time from its injected
/// ``ConnectionClock``, and asks ``check(at:_:)`` on each sweep what to do. No I/O, no clock of
/// its own, so tests drive it with plain numbers.
///
/// - A new connection, or one between requests, is idle: the first request must start within
///   `headerTimeout`, later ones within `idleTimeout`; past that the connection closes silently.
/// - A started request must finish its head within `headerTimeout`, and its body within
///   `headerTimeout + bodyTimeout` from its first byte; past that: 408 and close.
/// - A reply being computed or streamed has no deadline here (handlers have their own).
/// - Output the peer does not read: the connection closes `writeTimeout` after a write blocked.
public struct ConnectionDeadlines: Sendable, Equatable {
  public struct Limits: Sendable, Equatable {
    public var headerTimeout: Double
    public var bodyTimeout: Double
    public var idleTimeout: Double
    public var writeTimeout: Double

    public init(headerTimeout: Double, bodyTimeout: Double, idleTimeout: Double, writeTimeout: Double) {
      self.headerTimeout = headerTimeout
      self.bodyTimeout = bodyTimeout
      self.idleTimeout = idleTimeout
      self.writeTimeout = writeTimeout
    }
  }

  /// What the connection is doing, as far as deadlines go.
  public struct Activity: Sendable, Equatable {
    /// A reply is being computed or streamed.
    public var replying: Bool
    /// Part of a request has arrived and not all of it.
    public var midRequest: Bool
    /// The head is complete and the body is arriving.
    public var readingBody: Bool
    /// Output is queued, not yet sent.
    public var outputPending: Bool

    public init(replying: Bool = false, midRequest: Bool = false, readingBody: Bool = false, outputPending: Bool = false) {
      self.replying = replying
      self.midRequest = midRequest
      self.readingBody = readingBody
      self.outputPending = outputPending
    }
  }

  /// What the sweep should do.
  public enum Action: Sendable, Equatable {
    case none
    /// Answer 408 (the request was not received in time) and close.
    case requestTimeout
    /// Close without a response.
    case close
  }

  public let limits: Limits
  /// When the connection last became idle (opened, or finished its last reply).
  public private(set) var idleSince: Double
  /// When the request under way started (for the access log), if one is.
  public private(set) var requestStartedAt: Double?
  private(set) var writeBlockedSince: Double?
  private(set) var servedOne = false

  public init(limits: Limits, openedAt now: Double) {
    self.limits = limits
    self.idleSince = now
  }

  /// The first bytes of a request arrived (ignored when a request is already under way).
  public mutating func requestBegan(at now: Double) {
    if requestStartedAt == nil { requestStartedAt = now }
  }

  /// A whole request arrived; its reply is being made.
  public mutating func requestReceived() {
    requestStartedAt = nil
    servedOne = true
  }

  /// Nothing in flight and nothing queued: the idle clock starts again.
  public mutating func becameIdle(at now: Double) { idleSince = now }

  /// A write could not finish (the peer is not reading).
  public mutating func writeBlocked(at now: Double) {
    if writeBlockedSince == nil { writeBlockedSince = now }
  }

  /// Queued output has all been sent.
  public mutating func writeDrained() { writeBlockedSince = nil }

  /// What to do at `now` given what the connection is doing.
  public func check(at now: Double, _ activity: Activity) -> Action {
    if let blocked = writeBlockedSince {
      return now - blocked > limits.writeTimeout ? .close : .none
    }
    guard !activity.replying else { return .none }
    if activity.midRequest {
      let started = requestStartedAt ?? idleSince
      let limit = activity.readingBody ? limits.headerTimeout + limits.bodyTimeout : limits.headerTimeout
      return now - started > limit ? .requestTimeout : .none
    }
    guard !activity.outputPending else { return .none }
    let limit = servedOne ? limits.idleTimeout : limits.headerTimeout
    return now - idleSince > limit ? .close : .none
  }
}
