import Dispatch
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
  private let pending = Mutex<[UInt8]>([])
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

  /// Appends one line; writes happen on the log's own queue.
  public func record(_ entry: Entry) {
    var line: [UInt8] = []
    line.reserveCapacity(160)
    switch format {
    case .common: Self.appendCommon(entry, to: &line)
    case .json: Self.appendJSON(entry, to: &line)
    }
    let full = pending.withLock { buffer -> Bool in
      buffer.append(contentsOf: line)
      return buffer.count >= Self.batchBytes
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
    let bytes = pending.withLock { buffer -> [UInt8] in
      defer { buffer.removeAll(keepingCapacity: true) }
      return buffer
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

  static func appendCommon(_ entry: Entry, to line: inout [UInt8]) {
    var now = time(nil)
    var parts = tm()
    gmtime_r(&now, &parts)
    func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
    let date = "\(two(parts.tm_mday))/\(months[Int(parts.tm_mon)])/\(parts.tm_year + 1900):"
      + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) +0000"
    let host = entry.remoteAddress.isEmpty ? "-" : entry.remoteAddress
    let request = "\(entry.method) \(printable(entry.target)) \(entry.version)"
    let text = "\(host) - - [\(date)] \"\(request)\" \(entry.status) \(entry.bytes) \(seconds(entry.seconds))\n"
    line.append(contentsOf: text.utf8)
  }

  static func appendJSON(_ entry: Entry, to line: inout [UInt8]) {
    var now = time(nil)
    var parts = tm()
    gmtime_r(&now, &parts)
    func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
    let time = "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
      + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    func string(_ text: String) -> String {
      var out = "\""
      for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case _ where scalar.value < 0x20: out += "\\u00" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
        default: out.unicodeScalars.append(scalar)
        }
      }
      return out + "\""
    }
    let route = entry.route.map(string) ?? "null"
    let text =
      "{\"time\":\"\(time)\",\"remote\":\(string(entry.remoteAddress)),\"method\":\(string(entry.method)),"
      + "\"target\":\(string(entry.target)),\"route\":\(route),\"status\":\(entry.status),\"bytes\":\(entry.bytes),"
      + "\"ms\":\(seconds(entry.seconds * 1000))}\n"
    line.append(contentsOf: text.utf8)
  }

  /// The target as logged: control characters and quotes escaped, so a line stays one line.
  private static func printable(_ text: String) -> String {
    guard text.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x7F }) else { return text }
    var out = ""
    for byte in text.utf8 {
      if byte < 0x20 || byte == 0x22 || byte == 0x7F {
        out += "\\x" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16)
      } else {
        out.unicodeScalars.append(Unicode.Scalar(byte))
      }
    }
    return out
  }

  /// A duration with three decimals.
  private static func seconds(_ value: Double) -> String {
    let thousandths = Int((value * 1000).rounded())
    let fraction = thousandths % 1000
    return "\(thousandths / 1000)." + String(repeating: "0", count: fraction < 10 ? 2 : fraction < 100 ? 1 : 0) + "\(fraction)"
  }
}

/// An access log file that could not be opened.
public struct AccessLogError: Error, Sendable, CustomStringConvertible {
  public var path: String
  public var errno: Int32
  public var description: String { "cannot open the access log \(path): \(String(cString: strerror(errno)))" }
}
