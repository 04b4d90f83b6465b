import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Job times: Unix milliseconds in the database, ISO 8601 UTC with milliseconds in JSON.
public enum Timestamp {
  static func milliseconds(_ date: Date) -> Int64 {
    Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
  }

  static func date(milliseconds: Int64) -> Date {
    Date(timeIntervalSince1970: TimeInterval(milliseconds) / 1000)
  }

  /// `2026-11-24T23:12:00.123Z`.
  public static func format(_ date: Date) -> String {
    let total = milliseconds(date)
    var seconds = time_t(total >= 0 ? total / 1000 : (total - 999) / 1000)
    let millis = Int(total - Int64(seconds) * 1000)
    var parts = tm()
    gmtime_r(&seconds, &parts)
    func pad(_ value: Int32, _ width: Int) -> String {
      let digits = String(value)
      return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
    return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))"
      + "T\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(millis), 3))Z"
  }

  /// Parses the form ``format(_:)`` writes (fractional seconds optional, `Z` or `±hh:mm`).
  public static func parse(_ text: String) -> Date? {
    let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    if let date = try? style.parse(text) { return date }
    return try? Date.ISO8601FormatStyle().parse(text)
  }
}
