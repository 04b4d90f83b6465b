extension NPY {
  /// What a `.npy` header says: the element layout and where the data starts.
  public struct Header: Sendable, Equatable {
    public var rows: Int
    public var columns: Int
    /// Bytes per element: 4 (float32) or 8 (float64).
    public var width: Int
    public var bigEndian: Bool
    public var fortranOrder: Bool
    /// The offset of the first element.
    public var dataOffset: Int

    public var dtype: DType { width == 4 ? .float32 : .float64 }
  }

  /// Reads the header at the start of a `.npy` file (the first bytes suffice: 10 plus the
  /// header's length, at most a few hundred for the files written here).
  ///
  /// - Throws: ``ComputeError`` `.malformedNPY` naming what is wrong.
  public static func header(_ bytes: some Collection<UInt8>) throws(ComputeError) -> Header {
    let bytes = Array(bytes)
    func fail(_ why: String) -> ComputeError { ComputeError(.malformedNPY, message: "not a readable .npy file: \(why)") }
    guard bytes.count >= 10, Array(bytes[0..<6]) == magic else { throw fail("missing the \\x93NUMPY magic") }
    let major = bytes[6]
    let headerLength: Int
    let headerStart: Int
    switch major {
    case 1:
      headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
      headerStart = 10
    case 2, 3:
      guard bytes.count >= 12 else { throw fail("truncated header length") }
      headerLength = (0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
      headerStart = 12
    default:
      throw fail("unsupported format version \(major).\(bytes[7])")
    }
    guard bytes.count >= headerStart + headerLength else { throw fail("truncated header") }
    let header = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)

    guard let descr = value(of: "descr", in: header)?.trimming("'\"") else { throw fail("no descr") }
    guard let fortranText = value(of: "fortran_order", in: header) else { throw fail("no fortran_order") }
    guard let shapeText = value(of: "shape", in: header) else { throw fail("no shape") }
    let dims = shapeText.trimming("()").split(separator: ",").compactMap {
      Int(String($0).trimming(" "))
    }
    let (rows, columns): (Int, Int)
    switch dims.count {
    case 2: (rows, columns) = (dims[0], dims[1])
    case 1: (rows, columns) = (1, dims[0])
    default: throw fail("shape \(shapeText) is not 1-D or 2-D")
    }
    let kind = descr.drop { $0 == "<" || $0 == ">" || $0 == "=" || $0 == "|" }
    let width: Int
    switch kind {
    case "f4": width = 4
    case "f8": width = 8
    default: throw fail("dtype \(descr) is not float32 or float64")
    }
    return Header(
      rows: rows, columns: columns, width: width, bigEndian: descr.hasPrefix(">"), fortranOrder: fortranText == "True",
      dataOffset: headerStart + headerLength)
  }

  /// Reads a `.npy` file of a 2-D (or 1-D, read as one row) float32/float64 array, little- or
  /// big-endian, C or Fortran order, format version 1.0, 2.0 or 3.0.
  ///
  /// - Throws: ``ComputeError`` `.malformedNPY` naming what is wrong.
  public static func decode(_ bytes: [UInt8]) throws(ComputeError) -> Matrix {
    func fail(_ why: String) -> ComputeError { ComputeError(.malformedNPY, message: "not a readable .npy file: \(why)") }
    let layout = try header(bytes)
    let (rows, columns, width, bigEndian, fortran) = (
      layout.rows, layout.columns, layout.width, layout.bigEndian, layout.fortranOrder
    )
    let dataStart = layout.dataOffset
    let count = rows * columns
    guard bytes.count - dataStart >= count * width else { throw fail("\(count) elements expected, data is short") }

    func bits(at index: Int) -> UInt64 {
      var value: UInt64 = 0
      for byte in 0..<width {
        let shift = bigEndian ? 8 * (width - 1 - byte) : 8 * byte
        value |= UInt64(bytes[dataStart + index * width + byte]) << UInt64(shift)
      }
      return value
    }
    // Element (i, j) sits at i*columns + j in C order and at j*rows + i in Fortran order.
    func source(_ index: Int) -> Int { fortran ? (index % columns) * rows + index / columns : index }
    if width == 4 {
      let values = (0..<count).map { Float(bitPattern: UInt32(truncatingIfNeeded: bits(at: source($0)))) }
      return Matrix(rows: rows, columns: columns, float32: values)
    } else {
      let values = (0..<count).map { Double(bitPattern: bits(at: source($0))) }
      return Matrix(rows: rows, columns: columns, float64: values)
    }
  }

  /// The text after `'key':` up to the next top-level comma (commas inside parentheses belong to the value).
  private static func value(of key: String, in header: String) -> String? {
    let needle = Array("'\(key)':")
    let characters = Array(header)
    guard needle.count <= characters.count,
      let start = (0...(characters.count - needle.count)).first(where: {
        Array(characters[$0..<($0 + needle.count)]) == needle
      })
    else { return nil }
    var depth = 0
    var text = ""
    for character in characters[(start + needle.count)...] {
      if character == "(" { depth += 1 }
      if character == ")" { depth -= 1 }
      if depth == 0 && (character == "," || character == "}") { break }
      text.append(character)
    }
    return text.trimming(" ")
  }
}

extension String {
  /// The string without leading and trailing characters from `set`.
  func trimming(_ set: String) -> String {
    var view = Substring(self)
    while let first = view.first, set.contains(first) { view.removeFirst() }
    while let last = view.last, set.contains(last) { view.removeLast() }
    return String(view)
  }
}
