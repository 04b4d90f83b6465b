import Foundation

/// 64-bit FNV-1a, the corpus's change detector (not a cryptographic hash).
struct ContentHash {
  private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

  mutating func combine<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
    for byte in bytes {
      value ^= UInt64(byte)
      value &*= 0x0000_0100_0000_01b3
    }
  }

  /// Adds a string's UTF-8 bytes followed by a NUL separator, so that `ab`+`c` and `a`+`bc` differ.
  mutating func combine(field: String) {
    combine(field.utf8)
    combine(CollectionOfOne(0))
  }

  /// Adds one corpus file: its relative path, its bytes and a separator.
  mutating func combine(file: String, data: Data) {
    combine(field: file)
    data.withUnsafeBytes { combine($0) }
    combine(CollectionOfOne(0))
  }

  static func hex(_ value: UInt64) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
  }
}
