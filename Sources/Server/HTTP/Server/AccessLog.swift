import Dispatch
import JSON
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// One line per request, written off the request path: a connection appends its line to a
/// buffer under a short lock, and a background queue writes the buffer out in batches, at
/// least once a second, at once when it passes 64 KiB, and on ``flush()`` (the server calls it
/// when it stops, so SIGTERM loses no line). A synchronous line per request to stderr cost a
/// quarter of the throughput of small responses.
///
/// Formats: the Common Log Format with the duration appended (`127.0.0.1 - - [04/Dec/2026:19:00:00
/// +0000] "GET /healthz HTTP/1.1" 200 15 0.042`), or JSON lines (`{"time","remote","method",
/// "target","route","status","bytes","ms"}`).
public final class AccessLog: Sendable {
  /// Where lines go.
  public enum Destination: Sendable, Equatable {
    case standardError
    /// A file, appended to (created when missing).
    case file(String)
  }

  /// How a line looks.
  public enum Format: String, Sendable, CaseIterable {
    case common
    case json
  }

  /// One finished exchange, as logged.
  public struct Entry: Sendable {
    public var remoteAddress: String
    public var method: String
    public var target: String
    public var version: String
    public var route: String?
    public var status: Int
    public var bytes: Int
    public var seconds: Double
  }

  public let format: Format
  private let fd: Int32
  private let ownsDescriptor: Bool
  private struct Pending {
    var buffer: [UInt8] = []
    /// The second `date` was formatted for, and its text.
    var second: time_t = 0
    var date: [UInt8] = []
  }

  private let pending = Mutex(Pending())
  private let queue = DispatchQueue(label: "hpclab.access-log")
  private let stopped = Atomic<Bool>(false)
  /// Lines not written because the destination failed (a full disk, a closed pipe).
  private let lost = Atomic<Int>(0)

  static let batchBytes = 64 << 10

  /// Opens the destination; throws a description when a file cannot be opened.
  public init(_ destination: Destination, format: Format) throws(AccessLogError) {
    self.format = format
    switch destination {
    case .standardError:
      fd = STDERR_FILENO
      ownsDescriptor = false
    case .file(let path):
      let opened = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
      guard opened >= 0 else { throw AccessLogError(path: path, errno: errno) }
      fd = opened
      ownsDescriptor = true
    }
    scheduleTick()
  }

  deinit {
    stopped.store(true, ordering: .relaxed)
    writePending()
    if ownsDescriptor { close(fd) }
  }

  /// Writes what is pending once a second, for as long as the log lives.
  private func scheduleTick() {
    queue.asyncAfter(deadline: .now() + 1) { [weak self] in
      guard let self, !self.stopped.load(ordering: .relaxed) else { return }
      self.writePending()
      self.scheduleTick()
    }
  }

  /// Appends one line; writes happen on the log's own queue. The line is formatted straight
  /// into the batch, under its lock, with the date formatted once a second: no allocation.
  public func record(_ entry: Entry) {
    let now = time(nil)
    let full = pending.withLock { state -> Bool in
      if state.second != now {
        state.second = now
        state.date = Self.formatDate(now, json: format == .json)
      }
      switch format {
      case .common: Self.appendCommon(entry, date: state.date, to: &state.buffer)
      case .json: Self.appendJSON(entry, time: state.date, to: &state.buffer)
      }
      return state.buffer.count >= Self.batchBytes
    }
    if full { queue.async { [self] in writePending() } }
  }

  /// Writes everything recorded so far, and returns when it is written.
  public func flush() {
    queue.sync { writePending() }
  }

  /// Lines lost to write errors so far.
  public var lostLines: Int { lost.load(ordering: .relaxed) }

  private func writePending() {
    let bytes = pending.withLock { state -> [UInt8] in
      defer { state.buffer.removeAll(keepingCapacity: true) }
      return state.buffer
    }
    var written = 0
    while written < bytes.count {
      let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
      if n < 0 && errno == EINTR { continue }
      guard n > 0 else {
        lost.add(bytes[written...].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }, ordering: .relaxed)
        return
      }
      written += n
    }
  }

  // MARK: - Formats

  private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

  /// `04/Dec/2026:19:00:00 +0000` (common) or `2026-12-04T19:00:00Z` (JSON).
  static func formatDate(_ now: time_t, json: Bool) -> [UInt8] {
    var now = now
    var parts = tm()
    gmtime_r(&now, &parts)
    func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
    let text =
      json
      ? "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
        + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
      : "\(two(parts.tm_mday))/\(months[Int(parts.tm_mon)])/\(parts.tm_year + 1900):"
        + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) +0000"
    return Array(text.utf8)
  }

  static func appendCommon(_ entry: Entry, date: [UInt8], to line: inout [UInt8]) {
    if entry.remoteAddress.isEmpty { line.append(UInt8(ascii: "-")) } else { line.append(contentsOf: entry.remoteAddress.utf8) }
    line.append(contentsOf: " - - [".utf8)
    line.append(contentsOf: date)
    line.append(contentsOf: "] \"".utf8)
    line.append(contentsOf: entry.method.utf8)
    line.append(UInt8(ascii: " "))
    appendPrintable(entry.target, to: &line)
    line.append(UInt8(ascii: " "))
    line.append(contentsOf: entry.version.utf8)
    line.append(contentsOf: "\" ".utf8)
    appendInteger(entry.status, to: &line)
    line.append(UInt8(ascii: " "))
    appendInteger(entry.bytes, to: &line)
    line.append(UInt8(ascii: " "))
    appendMilli(entry.seconds, to: &line)
    line.append(UInt8(ascii: "\n"))
  }

  static func appendJSON(_ entry: Entry, time: [UInt8], to line: inout [UInt8]) {
    line.append(contentsOf: #"{"time":""#.utf8)
    line.append(contentsOf: time)
    line.append(contentsOf: #"","remote":"#.utf8)
    JSONValue.appendString(entry.remoteAddress, to: &line)
    line.append(contentsOf: #","method":"#.utf8)
    JSONValue.appendString(entry.method, to: &line)
    line.append(contentsOf: #","target":"#.utf8)
    JSONValue.appendString(entry.target, to: &line)
    line.append(contentsOf: #","route":"#.utf8)
    if let route = entry.route { JSONValue.appendString(route, to: &line) } else { line.append(contentsOf: "null".utf8) }
    line.append(contentsOf: #","status":"#.utf8)
    appendInteger(entry.status, to: &line)
    line.append(contentsOf: #","bytes":"#.utf8)
    appendInteger(entry.bytes, to: &line)
    line.append(contentsOf: #","ms":"#.utf8)
    appendMilli(entry.seconds * 1000, to: &line)
    line.append(contentsOf: "}\n".utf8)
  }

  private static func appendInteger(_ value: Int, to line: inout [UInt8]) {
    guard value > 0 else {
      if value == 0 { line.append(UInt8(ascii: "0")) } else { line.append(contentsOf: String(value).utf8) }
      return
    }
    var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
      (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    var count = 0
    var rest = value
    withUnsafeMutableBytes(of: &digits) { buffer in
      while rest > 0 {
        buffer[count] = UInt8(ascii: "0") + UInt8(rest % 10)
        rest /= 10
        count += 1
      }
      for index in stride(from: count - 1, through: 0, by: -1) { line.append(buffer[index]) }
    }
  }

  /// A non-negative value with three decimals.
  private static func appendMilli(_ value: Double, to line: inout [UInt8]) {
    let thousandths = max(0, Int((value * 1000).rounded()))
    appendInteger(thousandths / 1000, to: &line)
    line.append(UInt8(ascii: "."))
    let fraction = thousandths % 1000
    if fraction < 100 { line.append(UInt8(ascii: "0")) }
    if fraction < 10 { line.append(UInt8(ascii: "0")) }
    appendInteger(fraction, to: &line)
  }

  /// The target as logged: control characters, quotes and backslashes escaped, so a line stays
  /// one line and a client cannot forge another.
  private static func appendPrintable(_ text: String, to line: inout [UInt8]) {
    for byte in text.utf8 {
      if byte < 0x20 || byte == 0x22 || byte == 0x5C || byte == 0x7F {
        let hex = Array("0123456789abcdef".utf8)
        line.append(contentsOf: "\\x".utf8)
        line.append(hex[Int(byte >> 4)])
        line.append(hex[Int(byte & 0xF)])
      } else {
        line.append(byte)
      }
    }
  }
}

/// An access log file that could not be opened.
public struct AccessLogError: Error, Sendable, CustomStringConvertible {
  public var path: String
  public var errno: Int32
  public var description: String { "cannot open the access log \(path): \(String(cString: strerror(errno)))" }
}
