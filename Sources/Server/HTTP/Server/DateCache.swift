#if canImport(Glibc)
  import Glibc
#endif

/// The IMF-fixdate for the `Date` header (RFC 9110 §5.6.7), formatted at most
/// once per second. Confined to one connection loop's thread: no lock.
struct DateCache {
  private var second: time_t = 0
  private(set) var bytes: [UInt8] = []

  private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
  private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

  /// The current date, e.g. `Tue, 24 Nov 2026 23:08:17 GMT`.
  mutating func current() -> [UInt8] {
    let now = time(nil)
    if now != second {
      second = now
      bytes = Array(Self.format(now).utf8)
    }
    return bytes
  }

  static func format(_ t: time_t) -> String {
    var t = t
    var parts = tm()
    gmtime_r(&t, &parts)
    func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
    return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
      + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
  }
}
