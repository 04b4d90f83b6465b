extension JSONValue {
  /// Parses one JSON text (RFC 8259), strictly: no trailing commas or comments, no duplicate keys
  /// in an object, no number beyond `Double`'s range, at most `maxDepth` nested arrays and
  /// objects, and nothing but whitespace after the value. Integers that fit `Int` (no fraction,
  /// no exponent) become ``int(_:)``, other numbers ``double(_:)``.
  public init(parsing bytes: some Collection<UInt8>, maxDepth: Int = 512) throws(JSONParseError) {
    var parser = JSONParser(bytes: Array(bytes), maxDepth: maxDepth)
    self = try parser.parseDocument()
  }

  /// Parses a JSON text given as a string (see ``init(parsing:maxDepth:)``).
  public init(parsing text: String, maxDepth: Int = 512) throws(JSONParseError) {
    try self.init(parsing: Array(text.utf8), maxDepth: maxDepth)
  }
}

/// A recursive-descent reader over UTF-8 bytes; the depth limit bounds the recursion.
private struct JSONParser {
  let bytes: [UInt8]
  let maxDepth: Int
  var index = 0
  var depth = 0

  init(bytes: [UInt8], maxDepth: Int) {
    self.bytes = bytes
    self.maxDepth = maxDepth
  }

  mutating func parseDocument() throws(JSONParseError) -> JSONValue {
    skipWhitespace()
    let value = try parseValue()
    skipWhitespace()
    guard index == bytes.count else { throw error(.syntax("unexpected data after the value")) }
    return value
  }

  private func error(_ reason: JSONParseError.Reason) -> JSONParseError {
    JSONParseError(reason: reason, offset: index)
  }

  private mutating func skipWhitespace() {
    while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
  }

  private mutating func parseValue() throws(JSONParseError) -> JSONValue {
    guard index < bytes.count else { throw error(.syntax("the text ends where a value should start")) }
    switch bytes[index] {
    case UInt8(ascii: "{"): return try parseObject()
    case UInt8(ascii: "["): return try parseArray()
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "t"): try literal("true"); return .bool(true)
    case UInt8(ascii: "f"): try literal("false"); return .bool(false)
    case UInt8(ascii: "n"): try literal("null"); return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
    default: throw error(.syntax("unexpected character"))
    }
  }

  private mutating func literal(_ word: StaticString) throws(JSONParseError) {
    let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
    guard index + expected.count <= bytes.count, bytes[index..<index + expected.count].elementsEqual(expected) else {
      throw error(.syntax("unexpected character"))
    }
    index += expected.count
  }

  private mutating func enter() throws(JSONParseError) {
    depth += 1
    if depth > maxDepth { throw error(.tooDeep(maxDepth)) }
  }

  private mutating func parseObject() throws(JSONParseError) -> JSONValue {
    try enter()
    index += 1
    var members = JSONObject()
    skipWhitespace()
    if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
      index += 1
      depth -= 1
      return .object(members)
    }
    while true {
      skipWhitespace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error(.syntax("expected a key string")) }
      let keyOffset = index
      let key = try parseString()
      guard members[key] == nil else { throw JSONParseError(reason: .duplicateKey(key), offset: keyOffset) }
      skipWhitespace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error(.syntax("expected ':'")) }
      index += 1
      skipWhitespace()
      members[key] = try parseValue()
      skipWhitespace()
      guard index < bytes.count else { throw error(.syntax("the text ends inside an object")) }
      if bytes[index] == UInt8(ascii: ",") {
        index += 1
      } else if bytes[index] == UInt8(ascii: "}") {
        index += 1
        depth -= 1
        return .object(members)
      } else {
        throw error(.syntax("expected ',' or '}'"))
      }
    }
  }

  private mutating func parseArray() throws(JSONParseError) -> JSONValue {
    try enter()
    index += 1
    var elements: [JSONValue] = []
    skipWhitespace()
    if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
      index += 1
      depth -= 1
      return .array(elements)
    }
    while true {
      skipWhitespace()
      elements.append(try parseValue())
      skipWhitespace()
      guard index < bytes.count else { throw error(.syntax("the text ends inside an array")) }
      if bytes[index] == UInt8(ascii: ",") {
        index += 1
      } else if bytes[index] == UInt8(ascii: "]") {
        index += 1
        depth -= 1
        return .array(elements)
      } else {
        throw error(.syntax("expected ',' or ']'"))
      }
    }
  }

  private mutating func parseString() throws(JSONParseError) -> String {
    index += 1  // the opening quote
    var out: [UInt8] = []
    while true {
      guard index < bytes.count else { throw error(.syntax("the text ends inside a string")) }
      let byte = bytes[index]
      switch byte {
      case UInt8(ascii: "\""):
        index += 1
        guard let text = String(validating: out, as: UTF8.self) else {
          throw error(.syntax("a string is not valid UTF-8"))
        }
        return text
      case UInt8(ascii: "\\"):
        index += 1
        guard index < bytes.count else { throw error(.syntax("the text ends inside an escape")) }
        let escaped = bytes[index]
        index += 1
        switch escaped {
        case UInt8(ascii: "\""): out.append(0x22)
        case UInt8(ascii: "\\"): out.append(0x5C)
        case UInt8(ascii: "/"): out.append(0x2F)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
          var scalar = try hex4()
          if (0xD800...0xDBFF).contains(scalar) {
            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
            else { throw error(.syntax("a lone high surrogate")) }
            index += 2
            let low = try hex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw error(.syntax("a high surrogate without its low half")) }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
          } else if (0xDC00...0xDFFF).contains(scalar) {
            throw error(.syntax("a lone low surrogate"))
          }
          guard let unicode = Unicode.Scalar(scalar) else { throw error(.syntax("an invalid \\u escape")) }
          out.append(contentsOf: Array(String(Character(unicode)).utf8))
        default:
          throw error(.syntax("an invalid escape"))
        }
      case 0..<0x20:
        throw error(.syntax("a control character inside a string"))
      default:
        out.append(byte)
        index += 1
      }
    }
  }

  private mutating func hex4() throws(JSONParseError) -> UInt32 {
    guard index + 4 <= bytes.count else { throw error(.syntax("a truncated \\u escape")) }
    var value: UInt32 = 0
    for _ in 0..<4 {
      let byte = bytes[index]
      let digit: UInt32
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
      default: throw error(.syntax("an invalid \\u escape"))
      }
      value = value << 4 | digit
      index += 1
    }
    return value
  }

  private mutating func parseNumber() throws(JSONParseError) -> JSONValue {
    let start = index
    func digits(_ parser: inout JSONParser) -> Int {
      let first = parser.index
      while parser.index < parser.bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(parser.bytes[parser.index]) {
        parser.index += 1
      }
      return parser.index - first
    }
    if bytes[index] == UInt8(ascii: "-") { index += 1 }
    let integerStart = index
    let integerDigits = digits(&self)
    guard integerDigits > 0 else { throw error(.syntax("a number needs digits")) }
    if integerDigits > 1, bytes[integerStart] == UInt8(ascii: "0") { throw error(.syntax("a number with a leading zero")) }
    var isInteger = true
    if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
      isInteger = false
      index += 1
      guard digits(&self) > 0 else { throw error(.syntax("a fraction needs digits")) }
    }
    if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
      isInteger = false
      index += 1
      if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
      guard digits(&self) > 0 else { throw error(.syntax("an exponent needs digits")) }
    }
    let text = String(decoding: bytes[start..<index], as: UTF8.self)
    if isInteger, let value = Int(text) { return .int(value) }
    guard let value = Double(text), value.isFinite else {
      throw JSONParseError(reason: .numberOutOfRange(text.count > 40 ? String(text.prefix(40)) + "…" : text), offset: start)
    }
    return .double(value)
  }
}
