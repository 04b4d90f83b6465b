import Foundation
import HTTP
import Synchronization

/// Guards what costs compute: with a token configured, creating and cancelling
/// jobs needs `Authorization: Bearer <token>` (compared in constant time; 401
/// otherwise), and each client (by IP address) may create at most `ratePerMinute`
/// jobs a minute, in bursts of up to `burst` (429 with `Retry-After`). Reads stay open.
final class AccessControl: Sendable {
  private let token: [UInt8]?
  let ratePerMinute: Double
  let burst: Double
  private let buckets = Mutex<[String: Bucket]>([:])

  private struct Bucket {
    var tokens: Double
    var updated: Double
  }

  /// The one other origin allowed to create and cancel work (`--cors-origin`; `*` for any).
  let allowedOrigin: String?

  init(token: String?, ratePerMinute: Double, burst: Int, allowedOrigin: String? = nil) {
    self.token = token.flatMap { $0.isEmpty ? nil : Array($0.utf8) }
    self.allowedOrigin = allowedOrigin
    self.ratePerMinute = ratePerMinute
    self.burst = Double(max(1, burst))
  }

  /// Throws 403 for work requested by another site's page, then 401 unless the request carries
  /// the bearer token (when one is configured).
  func authorize(_ request: HTTPRequest) throws {
    try refuseCrossSite(request)
    guard let token else { return }
    let header = request.headers["Authorization"] ?? ""
    let prefix = "bearer "
    let given: [UInt8] = header.lowercased().hasPrefix(prefix) ? Array(header.utf8.dropFirst(prefix.count)) : []
    guard Self.constantTimeEquals(given, token) else {
      throw Problem(
        status: .unauthorized, detail: "Creating and cancelling jobs needs Authorization: Bearer <token>.",
        headers: ["WWW-Authenticate": "Bearer realm=\"hpclab\""])
    }
  }

  /// Browsers send a form (`x-www-form-urlencoded`, `multipart/form-data`, `text/plain`) to any
  /// site without a preflight, so another site's page could create jobs here with the visitor's
  /// browser. Such a request carries `Origin` (and `Sec-Fetch-Site`); one from another origin
  /// than this server's own (`Host`), not allowed by `--cors-origin`, is refused. `curl -d`
  /// sends neither header and keeps working.
  func refuseCrossSite(_ request: HTTPRequest) throws {
    if allowedOrigin == "*" { return }
    let origin = request.headers["Origin"]
    if let origin, origin == allowedOrigin { return }
    let crossSite = request.headers["Sec-Fetch-Site"]?.lowercased() == "cross-site"
    var foreign = crossSite
    if let origin {
      // Same origin: the Origin's authority is the Host the request was sent to.
      let authority = origin.split(separator: "/", omittingEmptySubsequences: true).dropFirst().first.map(String.init)
      foreign = foreign || origin == "null" || authority?.lowercased() != request.headers["Host"]?.lowercased()
    }
    guard foreign else { return }
    throw Problem(
      status: .forbidden,
      detail:
        "Another site's page (Origin \(origin ?? "?")) may not create or cancel jobs here; allow it with --cors-origin, or call the API directly.",
      extensions: ["field": .string("Origin")])
  }

  /// Takes one job from the client's bucket, or throws 429 saying when to retry.
  func admitJob(from client: String) throws {
    guard ratePerMinute > 0 else { return }
    let now = System.monotonicSeconds()
    let perSecond = ratePerMinute / 60
    let wait: Double? = buckets.withLock { buckets in
      var bucket = buckets[client] ?? Bucket(tokens: burst, updated: now)
      bucket.tokens = min(burst, bucket.tokens + (now - bucket.updated) * perSecond)
      bucket.updated = now
      defer {
        buckets[client] = bucket
        if buckets.count > 10_000 {  // forget clients whose buckets have refilled
          buckets = buckets.filter { $0.value.tokens + (now - $0.value.updated) * perSecond < burst }
        }
      }
      guard bucket.tokens >= 1 else { return (1 - bucket.tokens) / perSecond }
      bucket.tokens -= 1
      return nil
    }
    if let wait {
      let seconds = max(1, Int(wait.rounded(.up)))
      throw Problem(
        status: .tooManyRequests,
        detail: "Too many jobs from this client: at most \(Int(ratePerMinute)) a minute (bursts of \(Int(burst))). Retry in \(seconds) s.",
        headers: ["Retry-After": String(seconds)])
    }
  }

  /// Compares without an early exit, so timing does not reveal how much of a guess was right.
  static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
    for i in 0..<max(a.count, b.count) {
      let x = i < a.count ? a[i] : 0
      let y = i < b.count ? b[i] : 0
      difference |= x ^ y
    }
    return difference == 0
  }
}
