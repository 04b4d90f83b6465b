/// How the inputs of the tunable kernel are laid out on the device: A transposed (K×M) and B as
/// given (K×N), both zero-padded so that M and N are multiples of ``rowAlignment`` and K of
/// ``kAlignment``; C comes back M×N padded and is cropped on the host.
///
/// The transpose and the padding happen on the host while the inputs are prepared for the copy;
/// they are part of neither the kernel time nor the copy time (the summary's timings say so). One
/// layout fits every configuration of the search space, so the tuner copies its inputs once.
struct XgemmLayout: Equatable {
  /// M and N are padded to a multiple of this; every tile of the search space divides it.
  static let rowAlignment = 128
  /// K is padded to a multiple of this; every K slice of the search space divides it.
  static let kAlignment = 32

  let m: Int
  let n: Int
  let k: Int
  var mp: Int { Self.round(m, Self.rowAlignment) }
  var np: Int { Self.round(n, Self.rowAlignment) }
  var kp: Int { Self.round(k, Self.kAlignment) }

  static func round(_ value: Int, _ unit: Int) -> Int { (max(value, 1) + unit - 1) / unit * unit }

  /// Elements of the device buffers for At, B and C.
  var bufferElements: (at: Int, b: Int, c: Int) { (kp * mp, kp * np, mp * np) }

  /// At (kp×mp) from row-major A (m×k), zeros elsewhere.
  @_specialize(where T == Float) @_specialize(where T == Double)
  func transposedA<T: BinaryFloatingPoint>(_ a: [T]) -> [T] {
    var at = [T](repeating: 0, count: kp * mp)
    // Blocks of 32×32 keep both the reads and the writes within a few cache lines.
    for i0 in stride(from: 0, to: m, by: 32) {
      for p0 in stride(from: 0, to: k, by: 32) {
        for i in i0..<min(i0 + 32, m) {
          for p in p0..<min(p0 + 32, k) { at[p * mp + i] = a[i * k + p] }
        }
      }
    }
    return at
  }

  /// B (k×n) widened to kp×np with zeros.
  @_specialize(where T == Float) @_specialize(where T == Double)
  func paddedB<T: BinaryFloatingPoint>(_ b: [T]) -> [T] {
    if kp == k, np == n { return b }
    var padded = [T](repeating: 0, count: kp * np)
    for p in 0..<k {
      for j in 0..<n { padded[p * np + j] = b[p * n + j] }
    }
    return padded
  }

  /// The m×n corner of a padded C (mp×np).
  @_specialize(where T == Float) @_specialize(where T == Double)
  func cropped<T: BinaryFloatingPoint>(_ c: [T]) -> [T] {
    if mp == m, np == n { return c }
    var out = [T]()
    out.reserveCapacity(m * n)
    for i in 0..<m { out.append(contentsOf: c[(i * np)..<(i * np + n)]) }
    return out
  }
}
