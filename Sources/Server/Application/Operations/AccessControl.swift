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

  init(token: String?, ratePerMinute: Double, burst: Int) {
    self.token = token.flatMap { $0.isEmpty ? nil : Array($0.utf8) }
    self.ratePerMinute = ratePerMinute
    self.burst = Double(max(1, burst))
  }

  /// Throws 401 unless the request carries the bearer token (when one is configured).
  func authorize(_ request: HTTPRequest) throws {
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
