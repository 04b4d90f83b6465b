#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Numbers as the summaries write them: a few significant digits, no trailing noise.
enum Format {
  /// `12345` → `"12345"`, `10.24` → `"10.2"`, `0.9123` → `"0.912"`, `1.2e-7` → `"1.2e-07"`.
  static func number(_ value: Double) -> String {
    guard value.isFinite else { return value.isNaN ? "n/a" : (value > 0 ? "∞" : "-∞") }
    let magnitude = abs(value)
    if magnitude == 0 { return "0" }
    if magnitude >= 1e7 || magnitude < 1e-3 { return c("%.2g", value) }
    if magnitude >= 100 { return c("%.0f", value) }
    if magnitude >= 10 { return trimmed(c("%.1f", value)) }
    return trimmed(c("%.3g", value))
  }

  /// `"32.0"` → `"32"`, `"0.120"` → `"0.12"`; leaves exponents alone.
  private static func trimmed(_ text: String) -> String {
    guard text.contains("."), !text.contains("e") else { return text }
    var text = Substring(text)
    while text.last == "0" { text.removeLast() }
    if text.last == "." { text.removeLast() }
    return String(text)
  }

  /// A ratio: `11.4` → `"11×"`, `1.53` → `"1.5×"`.
  static func ratio(_ value: Double) -> String {
    guard value.isFinite else { return "n/a" }
    return value >= 10 ? c("%.0f×", value) : c("%.1f×", value)
  }

  /// A time with a fitting unit: `2.5e-6` → `"2.5 µs"`, `0.0123` → `"12 ms"`.
  static func seconds(_ value: Double) -> String {
    switch value {
    case ..<1e-6: "\(number(value * 1e9)) ns"
    case ..<1e-3: "\(number(value * 1e6)) µs"
    case ..<1: "\(number(value * 1e3)) ms"
    default: "\(number(value)) s"
    }
  }

  /// A byte count in binary units: `33554432` → `"32 MiB"`, `1536` → `"1.5 KiB"`.
  static func bytes(_ count: Int) -> String {
    let units = ["bytes", "KiB", "MiB", "GiB", "TiB"]
    var value = Double(count)
    var unit = 0
    while value >= 1024, unit < units.count - 1 {
      value /= 1024
      unit += 1
    }
    return unit == 0 ? "\(count) bytes" : "\(number(value)) \(units[unit])"
  }

  /// An element count, with powers of two and of ten spelt out: `16777216` → `"2^24"`, `1000000` → `"10^6"`.
  static func count(_ n: Int) -> String {
    if n >= 1024, n & (n - 1) == 0 { return "2^\(n.trailingZeroBitCount)" }
    var power = 0
    var rest = n
    while rest >= 10, rest % 10 == 0 {
      rest /= 10
      power += 1
    }
    if rest == 1, power >= 3 { return "10^\(power)" }
    return "\(n)"
  }

  private static func c(_ format: String, _ value: Double) -> String {
    var buffer = [CChar](repeating: 0, count: 64)
    _ = withVaList([value]) { arguments in
      buffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, $0.count, format, arguments) }
    }
    return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
  }
}
