import HTTP
import Synchronization

/// The in-process test tier: requests go straight to a responder (the router, or the whole
/// application's policy and router), with no sockets, and come back as ``TestResponse``s, the
/// same shape the live-socket tier reads. Most route tests belong here; the live tier keeps the
/// tests of framing, connections and timeouts (as HummingbirdTesting's `.router` and `.live`).
public struct InProcessClient: Sendable {
  public let responder: any HTTPResponder
  /// The client address handlers see (per-client limits key on it).
  public var remoteAddress: String

  public init(_ responder: any HTTPResponder, remoteAddress: String = "127.0.0.1") {
    self.responder = responder
    self.remoteAddress = remoteAddress
  }

  /// Sends one request; the `Host` field is added unless given.
  public func request(
    _ method: HTTPMethod, _ target: String, headers: [(String, String)] = [], body: [UInt8] = []
  ) async -> TestResponse {
    var fields = headers
    if !fields.contains(where: { $0.0.lowercased() == "host" }) { fields.append(("Host", "test")) }
    if !body.isEmpty, !fields.contains(where: { $0.0.lowercased() == "content-length" }) {
      fields.append(("Content-Length", String(body.count)))
    }
    let request = HTTPRequest(
      method: method, target: target, headers: HTTPHeaders(fields.map { (name: $0.0, value: $0.1) }), body: body)
    let context = RequestContext(remoteAddress: remoteAddress)
    let response = await responder.respond(to: request, context: context).response()
    let bytes: [UInt8]
    switch response.body {
    case .bytes(let payload):
      bytes = method == .head ? [] : payload
    case .stream(let produce):
      let collector = Collector()
      try? await produce(collector)
      bytes = collector.bytes
    }
    return TestResponse(
      status: response.status.code, headers: response.headers.map { ($0.name, $0.value) }, body: bytes)
  }

  public func get(_ target: String, headers: [(String, String)] = []) async -> TestResponse {
    await request(.get, target, headers: headers)
  }

  public func post(_ target: String, json: String, headers: [(String, String)] = []) async -> TestResponse {
    await request(.post, target, headers: [("Content-Type", "application/json")] + headers, body: Array(json.utf8))
  }

  public func delete(_ target: String, headers: [(String, String)] = []) async -> TestResponse {
    await request(.delete, target, headers: headers)
  }
}

/// Collects a streamed body.
private final class Collector: ResponseBodyWriter {
  private let buffer = Mutex<[UInt8]>([])
  var bytes: [UInt8] { buffer.withLock { $0 } }
  func write(_ bytes: [UInt8]) async throws { buffer.withLock { $0 += bytes } }
}
