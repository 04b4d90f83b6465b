import ArgumentParser
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// `hpclab healthcheck`: exits 0 when `GET /healthz` answers 200, for container
/// healthchecks that should need no extra tools.
struct Healthcheck: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Check that a running server answers /healthz.")

  @Option(help: "Server address (env HPCLAB_HOST; default 127.0.0.1; 0.0.0.0 checks 127.0.0.1).")
  var host: String?
  @Option(help: "Server port (env HPCLAB_PORT; default 8080).")
  var port: Int?

  func run() throws {
    var address = try Environment.value(host, "HPCLAB_HOST", default: "127.0.0.1")
    if address == "0.0.0.0" { address = "127.0.0.1" }
    if address == "::" { address = "::1" }
    let port = try Environment.value(self.port, "HPCLAB_PORT", default: 8080)
    let status = Self.status(host: address, port: port)
    guard status == 200 else {
      print("unhealthy: \(status.map { "status \($0)" } ?? "no answer")")
      throw ExitCode.failure
    }
    print("ok")
  }

  /// One blocking request with a 3-second timeout; the status code, or nil.
  static func status(host: String, port: Int) -> Int? {
    var hints = addrinfo()
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    var info: UnsafeMutablePointer<addrinfo>?
    guard getaddrinfo(host, String(port), &hints, &info) == 0, let first = info else { return nil }
    defer { freeaddrinfo(info) }
    let fd = socket(first.pointee.ai_family, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var timeout = timeval(tv_sec: 3, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    guard connect(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else { return nil }
    let request = Array("GET /healthz HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n".utf8)
    guard send(fd, request, request.count, Int32(MSG_NOSIGNAL)) == request.count else { return nil }
    var buffer = [UInt8](repeating: 0, count: 256)
    let n = recv(fd, &buffer, buffer.count, 0)
    guard n >= 12 else { return nil }
    let line = String(decoding: buffer[0..<n], as: UTF8.self)
    let parts = line.split(separator: " ", maxSplits: 2)
    return parts.count >= 2 ? Int(parts[1]) : nil
  }
}
