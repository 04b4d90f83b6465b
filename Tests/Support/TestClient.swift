import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A deliberately plain HTTP/1.1 client over a real blocking socket, for
/// driving the server exactly as a remote peer would (raw bytes in, raw bytes out).
public final class TestClient: @unchecked Sendable {  // used by one test at a time
  public let fd: Int32
  private var buffer: [UInt8] = []

  public struct Failure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
  }

  /// Connects to `host:port`; `from` binds the client's side to a loopback address of its own
  /// (127.0.0.2, …) so that tests can be several clients.
  public init(port: Int, host: String = "127.0.0.1", timeout: Double = 5, from source: String? = nil) throws {
    fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw Failure("socket: \(errno)") }
    if let source {
      var local = sockaddr_in()
      local.sin_family = sa_family_t(AF_INET)
      inet_pton(AF_INET, source, &local.sin_addr)
      let bound = withUnsafePointer(to: &local) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
      }
      guard bound == 0 else {
        let error = errno
        Glibc.close(fd)
        throw Failure("bind \(source): \(error)")
      }
    }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    inet_pton(AF_INET, host, &address.sin_addr)
    let result = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard result == 0 else {
      let error = errno
      Glibc.close(fd)
      throw Failure("connect: \(error)")
    }
    setTimeout(timeout)
  }

  deinit { Glibc.close(fd) }

  public func setTimeout(_ seconds: Double) {
    var tv = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1e6))
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
  }

  public func send(_ text: String) throws { try send(Array(text.utf8)) }

  public func send(_ bytes: [UInt8]) throws {
    var sent = 0
    while sent < bytes.count {
      let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
      guard n > 0 else { throw Failure("send failed: errno \(errno)") }
      sent += n
    }
  }

  /// Half-closes the sending side (the server sees EOF).
  public func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }

  /// Reads more bytes; false on EOF, throws on timeout or error.
  @discardableResult
  private func fill() throws -> Bool {
    var chunk = [UInt8](repeating: 0, count: 65536)
    let n = recv(fd, &chunk, chunk.count, 0)
    if n > 0 {
      buffer.append(contentsOf: chunk[0..<n])
      return true
    }
    if n == 0 { return false }
    if errno == EAGAIN || errno == EWOULDBLOCK { throw Failure("timed out waiting for the server") }
    if errno == ECONNRESET { return false }
    throw Failure("recv failed: errno \(errno)")
  }

  private func takeLine() throws -> String? {
    while true {
      if let lf = buffer.firstIndex(of: 0x0A) {
        let line = buffer[0..<lf]
        buffer.removeFirst(lf + 1)
        return String(decoding: line.last == 0x0D ? line.dropLast() : line, as: UTF8.self)
      }
      guard try fill() else { return nil }
    }
  }

  private func take(_ count: Int) throws -> [UInt8] {
    while buffer.count < count {
      guard try fill() else { throw Failure("connection closed inside a body") }
    }
    let bytes = Array(buffer[0..<count])
    buffer.removeFirst(count)
    return bytes
  }

  /// Reads one response. `headRequest`: the response to a HEAD has no body.
  /// Blocking reads run on a thread of their own, never on the cooperative pool
  /// that the server's asynchronous handlers need.
  public func readResponse(headRequest: Bool = false) async throws -> TestResponse {
    try await offload { try self.readResponseBlocking(headRequest: headRequest) }
  }

  func readResponseBlocking(headRequest: Bool) throws -> TestResponse {
    guard let statusLine = try takeLine() else { throw Failure("connection closed before a response") }
    let parts = statusLine.split(separator: " ", maxSplits: 2)
    guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
      throw Failure("bad status line: \(statusLine)")
    }
    var headers: [(String, String)] = []
    while let line = try takeLine(), !line.isEmpty {
      guard let colon = line.firstIndex(of: ":") else { throw Failure("bad header line: \(line)") }
      headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
    }
    var response = TestResponse(status: status, headers: headers, body: [])
    if headRequest || status < 200 || status == 204 || status == 304 { return response }
    if let length = response.header("Content-Length").flatMap(Int.init) {
      response.body = try take(length)
    } else if response.header("Transfer-Encoding")?.lowercased() == "chunked" {
      while true {
        guard let sizeLine = try takeLine(), let size = Int(sizeLine.split(separator: ";")[0], radix: 16) else {
          throw Failure("bad chunk size")
        }
        if size == 0 {
          while let line = try takeLine(), !line.isEmpty {}
          break
        }
        response.body += try take(size)
        _ = try take(2)
      }
    } else {
      while try fill() {}
      response.body = buffer
      buffer = []
    }
    return response
  }

  /// Whether the server closes the connection within the timeout (EOF or reset).
  public func waitForClose() async -> Bool {
    (try? await offload { self.waitForCloseBlocking() }) ?? false
  }

  func waitForCloseBlocking() -> Bool {
    do {
      while try fill() {}
      return true
    } catch {
      return false
    }
  }

  /// Everything the server sends until it closes.
  public func readUntilClose() async throws -> [UInt8] {
    try await offload { try self.readUntilCloseBlocking() }
  }

  func readUntilCloseBlocking() throws -> [UInt8] {
    while try fill() {}
    defer { buffer = [] }
    return buffer
  }
}

public struct TestResponse: Sendable {
  public var status: Int
  public var headers: [(String, String)]
  public var body: [UInt8]

  public func header(_ name: String) -> String? {
    headers.first { $0.0.lowercased() == name.lowercased() }?.1
  }
  public var text: String { String(decoding: body, as: UTF8.self) }
  public var json: [String: Any]? {
    (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
  }
}

/// Runs blocking work on a new thread and awaits its result.
public func offload<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
  try await withCheckedThrowingContinuation { continuation in
    Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
  }
}
