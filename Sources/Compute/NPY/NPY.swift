/// NumPy's `.npy` format for 2-D float32/float64 matrices.
///
/// ``encode(_:)`` writes format version 1.0: the magic `\x93NUMPY`, bytes 1 and 0, a
/// little-endian UInt16 header length, then the header
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (m, n), }` padded with spaces and ended by
/// `\n` so that the data starts at a multiple of 64 bytes, then the elements little-endian in
/// C (row-major) order. See numpy's `numpy/lib/format.py`.
public enum NPY {
  static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // "\x93NUMPY"

  /// The `.npy` bytes of `matrix`; `np.load` gives an (m, n) array of dtype float32 or float64.
  public static func encode(_ matrix: Matrix) -> [UInt8] {
    let descr = matrix.dtype == .float32 ? "<f4" : "<f8"
    var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': (\(matrix.rows), \(matrix.columns)), }"
    let prefix = magic.count + 2 + 2
    let unpadded = prefix + header.utf8.count + 1
    header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
    let headerBytes = Array(header.utf8)

    var bytes = magic + [1, 0]
    bytes.reserveCapacity(prefix + headerBytes.count + matrix.count * matrix.dtype.byteCount)
    bytes += [UInt8(headerBytes.count & 0xff), UInt8(headerBytes.count >> 8)]
    bytes += headerBytes
    switch matrix.elements {
    case .float32(let values):
      for value in values { appendLittleEndian(UInt64(value.bitPattern), bytes: 4, to: &bytes) }
    case .float64(let values):
      for value in values { appendLittleEndian(value.bitPattern, bytes: 8, to: &bytes) }
    }
    return bytes
  }

  private static func appendLittleEndian(_ bits: UInt64, bytes count: Int, to bytes: inout [UInt8]) {
    for byte in 0..<count { bytes.append(UInt8(truncatingIfNeeded: bits >> (8 * UInt64(byte)))) }
  }
}
