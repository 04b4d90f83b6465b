/// An incremental HTTP/1.1 request parser (RFC 9112).
///
/// Feed it bytes as they arrive with `append(_:)` (whole messages, several
/// pipelined messages, or one byte at a time: the result is the same), then
/// call `next()` until it returns nil. Each message yields `.head` as soon as
/// its header block is complete (so the server can answer
/// `Expect: 100-continue`) and then `.request` with the whole message.
///
/// The parser is strict where leniency enables request smuggling: lines end in
/// CRLF, no whitespace before a field's colon, no obs-fold, one
/// Content-Length of digits only, never Content-Length together with
/// Transfer-Encoding, and `chunked` must be the last transfer coding. Every
/// error is final: the connection answers it and closes.
public struct HTTPRequestParser: Sendable {
  /// Size limits, each with the status that answers a breach.
  public struct Limits: Sendable {
    /// Longest request line (method, target, version) in bytes; over it: 414. Default 8 KiB.
    public var maxRequestLineBytes = 8 * 1024
    /// Largest header block (request line included) in bytes; over it: 431. Default 32 KiB.
    public var maxHeaderBytes = 32 * 1024
    /// Most header fields in one request; over it: 431. Default 100.
    public var maxHeaderCount = 100
    /// Largest body after de-chunking in bytes; over it: 413. Default 16 MiB.
    public var maxBodyBytes = 16 * 1024 * 1024
    public init() {}
  }

  /// What `next()` produces.
  public enum Event: Sendable {
    case head(HTTPRequestHead)
    case request(HTTPRequest)
  }

  public let limits: Limits

  private var buffer: [UInt8] = []
  /// Index of the first byte not yet consumed.
  private var start = 0
  /// Where the search for the next LF resumes (so byte-at-a-time input stays linear).
  private var scan = 0
  private var state = State.requestLine
  private var head = HTTPRequestHead()
  private var headBytes = 0
  private var body: [UInt8] = []
  private var trailers = HTTPHeaders()

  private enum State {
    case requestLine
    case headerLines
    case fixedBody(remaining: Int)
    case chunkSize
    case chunkData(remaining: Int)
    case chunkDataEnd
    case trailers
    case complete
    case failed(HTTPParseError)
  }

  private static let maxChunkLineBytes = 4096

  public init(limits: Limits = Limits()) { self.limits = limits }

  /// Bytes received but not yet consumed by a complete message.
  public var bufferedByteCount: Int { buffer.count - start }

  /// Whether a message has begun (bytes buffered, or a head already parsed).
  public var isMidMessage: Bool {
    if case .requestLine = state { return buffer.count > start }
    return true
  }

  /// Whether the current message's head is complete and its body is being read.
  public var isReadingBody: Bool {
    switch state {
    case .fixedBody, .chunkSize, .chunkData, .chunkDataEnd, .trailers, .complete: true
    default: false
    }
  }

  public mutating func append(_ bytes: UnsafeRawBufferPointer) {
    compactIfUseful()
    buffer.append(contentsOf: bytes)
  }

  public mutating func append<Bytes: Sequence<UInt8>>(_ bytes: Bytes) {
    compactIfUseful()
    buffer.append(contentsOf: bytes)
  }

  /// Drops consumed bytes when that is cheap relative to what remains.
  private mutating func compactIfUseful() {
    guard start > 0 else { return }
    if start == buffer.count {
      buffer.removeAll(keepingCapacity: true)
      scan = 0
      start = 0
    } else if start >= 4096 && start * 2 >= buffer.count {
      buffer.removeSubrange(0..<start)
      scan -= start
      start = 0
    }
  }

  /// The next event, nil when more bytes are needed. Throws once per bad
  /// message and keeps throwing the same error afterwards.
  public mutating func next() throws(HTTPParseError) -> Event? {
    do {
      return try step()
    } catch {
      state = .failed(error)
      throw error
    }
  }

  private mutating func step() throws(HTTPParseError) -> Event? {
    while true {
      switch state {
      case .failed(let error):
        throw error

      case .requestLine:
        guard let lf = try findLF(limit: limits.maxRequestLineBytes + 2) else {
          if buffer.count - start > limits.maxRequestLineBytes + 1 { throw .requestLineTooLong }
          return nil
        }
        if lf == start { throw .bad("Expected CRLF, found a bare LF.") }
        let lineEnd = try endOfLine(lf)
        if lineEnd == start {  // RFC 9112 §2.2: ignore empty lines before the request line
          consume(through: lf)
          continue
        }
        if lineEnd - start > limits.maxRequestLineBytes { throw .requestLineTooLong }
        head = try parseRequestLine(start..<lineEnd)
        headBytes = lf + 1 - start
        consume(through: lf)
        state = .headerLines

      case .headerLines:
        switch try nextFieldLine(fieldCount: head.headers.count) {
        case nil: return nil
        case .end?:
          try beginBody()
          return .head(head)
        case .field(let name, let value)?:
          if name.equalsASCIICaseInsensitive("Content-Length") { try checkContentLength(value) }
          head.headers.add(name, value)
        }

      case .fixedBody(let remaining):
        let take = min(remaining, buffer.count - start)
        if take == 0 { return nil }
        body.append(contentsOf: buffer[start..<start + take])
        consume(count: take)
        state = remaining == take ? .complete : .fixedBody(remaining: remaining - take)

      case .chunkSize:
        guard let lf = try findLF(limit: Self.maxChunkLineBytes) else {
          if buffer.count - start > Self.maxChunkLineBytes { throw .bad("A chunk-size line is too long.") }
          return nil
        }
        let lineEnd = try endOfLine(lf)
        let size = try parseChunkLine(start..<lineEnd)
        consume(through: lf)
        if size == 0 {
          headBytes = 0
          state = .trailers
        } else {
          if body.count + size > limits.maxBodyBytes { throw .bodyTooLarge }
          state = .chunkData(remaining: size)
        }

      case .chunkData(let remaining):
        let take = min(remaining, buffer.count - start)
        if take == 0 { return nil }
        body.append(contentsOf: buffer[start..<start + take])
        consume(count: take)
        state = remaining == take ? .chunkDataEnd : .chunkData(remaining: remaining - take)

      case .chunkDataEnd:
        guard buffer.count - start >= 2 else {
          if buffer.count > start && buffer[start] != 0x0D { throw .bad("Chunk data must end with CRLF.") }
          return nil
        }
        guard buffer[start] == 0x0D, buffer[start + 1] == 0x0A else {
          throw .bad("Chunk data must end with CRLF.")
        }
        consume(count: 2)
        state = .chunkSize

      case .trailers:
        switch try nextFieldLine(fieldCount: trailers.count) {
        case nil: return nil
        case .end?: state = .complete
        case .field(let name, let value)?: trailers.add(name, value)
        }

      case .complete:
        var request = HTTPRequest(
          method: head.method, target: head.target, version: head.version,
          headers: head.headers, body: body, trailers: trailers)
        request.hasUnsupportedCodings = head.hasOtherCodings
        head = HTTPRequestHead()
        body = []
        trailers = HTTPHeaders()
        headBytes = 0
        state = .requestLine
        return .request(request)
      }
    }
  }

  // MARK: - Lines

  private enum FieldLine {
    case field(String, String)
    case end
  }

  /// The next line of a header or trailer section: a field, the empty line that
  /// ends the section, or nil when more bytes are needed. Enforces the size and
  /// count limits shared by headers and trailers, and rejects obs-fold early.
  private mutating func nextFieldLine(fieldCount: Int) throws(HTTPParseError) -> FieldLine? {
    if buffer.count > start && (buffer[start] == 0x20 || buffer[start] == 0x09) {
      throw .bad("Obsolete line folding (a field line starting with whitespace) is not accepted.")
    }
    guard let lf = try findLF(limit: limits.maxHeaderBytes - headBytes + 1) else {
      if headBytes + buffer.count - start > limits.maxHeaderBytes { throw .headersTooLarge }
      return nil
    }
    let lineEnd = try endOfLine(lf)
    headBytes += lf + 1 - start
    if headBytes > limits.maxHeaderBytes { throw .headersTooLarge }
    if lineEnd == start {
      consume(through: lf)
      return .end
    }
    if fieldCount >= limits.maxHeaderCount { throw .tooManyHeaders }
    let field = try parseField(start..<lineEnd)
    consume(through: lf)
    return .field(field.name, field.value)
  }

  /// The index of the next LF at or after `scan`, looking no further than
  /// `limit` bytes past `start`; remembers how far it looked.
  private mutating func findLF(limit: Int) throws(HTTPParseError) -> Int? {
    let end = min(buffer.count, start + max(limit, 0))
    var i = max(scan, start)
    while i < end {
      let b = buffer[i]
      if b == 0x0A {
        scan = i + 1
        return i
      }
      if b == 0x0D && i + 1 < buffer.count && buffer[i + 1] != 0x0A {
        throw .bad("A CR must be followed by LF.")
      }
      i += 1
    }
    // A CR at the very end is checked again when the next byte arrives.
    scan = i > start && buffer[i - 1] == 0x0D ? i - 1 : i
    return nil
  }

  /// Checks that the line ending at `lf` ends in CRLF and returns the index of its CR.
  private func endOfLine(_ lf: Int) throws(HTTPParseError) -> Int {
    guard lf > start, buffer[lf - 1] == 0x0D else { throw .bad("Expected CRLF, found a bare LF.") }
    return lf - 1
  }

  private mutating func consume(through lf: Int) {
    start = lf + 1
    scan = start
  }

  private mutating func consume(count: Int) {
    start += count
    scan = start
  }

  // MARK: - Request line and fields

  private func parseRequestLine(_ range: Range<Int>) throws(HTTPParseError) -> HTTPRequestHead {
    var i = range.lowerBound
    while i < range.upperBound, ByteClass.isToken(buffer[i]) { i += 1 }
    guard i > range.lowerBound, i < range.upperBound, buffer[i] == 0x20 else {
      throw .bad("Malformed request line: expected a method token and one space.")
    }
    let method = Self.method(buffer[range.lowerBound..<i])
    i += 1
    let targetStart = i
    while i < range.upperBound, ByteClass.isTarget(buffer[i]) { i += 1 }
    guard i > targetStart, i < range.upperBound, buffer[i] == 0x20 else {
      throw .bad("Malformed request line: invalid character in the request target.")
    }
    let target = String(decoding: buffer[targetStart..<i], as: UTF8.self)
    i += 1
    guard range.upperBound - i == 8 else { throw .bad("Malformed request line: invalid HTTP version.") }
    let v = buffer[i..<range.upperBound]
    guard v.starts(with: "HTTP/".utf8), v[i + 6] == UInt8(ascii: "."),
      let major = Self.digit(v[i + 5]), let minor = Self.digit(v[i + 7])
    else { throw .bad("Malformed request line: invalid HTTP version.") }
    guard major == 1, minor <= 1 else { throw .versionNotSupported }
    return HTTPRequestHead(method: method, target: target, version: HTTPVersion(major: major, minor: minor))
  }

  private static func digit(_ b: UInt8) -> Int? {
    b >= 0x30 && b <= 0x39 ? Int(b - 0x30) : nil
  }

  private static func method(_ bytes: ArraySlice<UInt8>) -> HTTPMethod {
    switch bytes.count {
    case 3 where bytes.elementsEqual("GET".utf8): .get
    case 4 where bytes.elementsEqual("POST".utf8): .post
    case 4 where bytes.elementsEqual("HEAD".utf8): .head
    default: HTTPMethod(String(decoding: bytes, as: UTF8.self))
    }
  }

  private func parseField(_ range: Range<Int>) throws(HTTPParseError) -> (name: String, value: String) {
    var i = range.lowerBound
    if buffer[i] == 0x20 || buffer[i] == 0x09 {
      throw .bad("Obsolete line folding (a field line starting with whitespace) is not accepted.")
    }
    while i < range.upperBound, ByteClass.isToken(buffer[i]) { i += 1 }
    guard i < range.upperBound, buffer[i] == UInt8(ascii: ":") else {
      throw .bad("Malformed header field: the name must be a token followed directly by a colon.")
    }
    guard i > range.lowerBound else { throw .bad("Malformed header field: empty name.") }
    let name = String(decoding: buffer[range.lowerBound..<i], as: UTF8.self)
    i += 1
    var valueStart = i
    var valueEnd = range.upperBound
    while valueStart < valueEnd, buffer[valueStart] == 0x20 || buffer[valueStart] == 0x09 { valueStart += 1 }
    while valueEnd > valueStart, buffer[valueEnd - 1] == 0x20 || buffer[valueEnd - 1] == 0x09 { valueEnd -= 1 }
    var j = valueStart
    while j < valueEnd {
      guard ByteClass.isFieldValue(buffer[j]) else {
        throw .bad("Invalid character in the value of header field \(name).")
      }
      j += 1
    }
    let bytes = buffer[valueStart..<valueEnd]
    // obs-text is opaque (RFC 9110 §5.5): keep UTF-8 when it is, else read the bytes as Latin-1.
    let value = String(validating: bytes, as: UTF8.self) ?? String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    return (name, value)
  }

  // MARK: - Framing (RFC 9112 §6)

  /// Rejects a bad or repeated Content-Length as soon as its line arrives.
  private func checkContentLength(_ value: String) throws(HTTPParseError) {
    if head.headers["Content-Length"] != nil { throw .bad("More than one Content-Length field.") }
    guard !value.isEmpty, value.utf8.count <= 18, value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
      throw .bad("Content-Length must be a single decimal number.")
    }
  }

  private mutating func beginBody() throws(HTTPParseError) {
    let transferCodings = head.headers.values(for: "Transfer-Encoding")
    let contentLengths = head.headers.values(for: "Content-Length")
    if !transferCodings.isEmpty {
      if head.version == .http1_0 {
        throw .bad("Transfer-Encoding is not allowed in an HTTP/1.0 request.")
      }
      if !contentLengths.isEmpty {
        throw .bad("Content-Length together with Transfer-Encoding is ambiguous framing.")
      }
      let codings = transferCodings.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }
        .map { $0.trimmingASCIIWhitespace().lowercased() }
      guard codings.last == "chunked" else {
        throw .bad("The last transfer coding must be chunked.")
      }
      guard !codings.contains(where: \.isEmpty), !codings.dropLast().contains("chunked") else {
        throw .bad("Malformed Transfer-Encoding.")
      }
      head.isChunked = true
      head.hasOtherCodings = codings.count > 1  // chunked last and only once, so others come before it
      state = .chunkSize
      return
    }
    guard contentLengths.count <= 1 else { throw .bad("More than one Content-Length field.") }
    guard let text = contentLengths.first else {
      state = .complete
      return
    }
    guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
      let length = Int(text)
    else { throw .bad("Content-Length must be a single decimal number.") }
    if length > limits.maxBodyBytes { throw .bodyTooLarge }
    head.contentLength = length
    state = length == 0 ? .complete : .fixedBody(remaining: length)
  }

  /// Parses `chunk-size [ chunk-ext ]` (RFC 9112 §7.1.1) and returns the size.
  private func parseChunkLine(_ range: Range<Int>) throws(HTTPParseError) -> Int {
    var i = range.lowerBound
    var size = 0
    while i < range.upperBound, let digit = ByteClass.hexValue(buffer[i]) {
      size = size * 16 + digit
      if size > limits.maxBodyBytes { throw .bodyTooLarge }
      i += 1
    }
    guard i > range.lowerBound else { throw .bad("Invalid chunk size.") }
    // chunk-ext = *( ";" ext-name [ "=" ext-val ] ), ext-val = token / quoted-string
    while i < range.upperBound {
      guard buffer[i] == UInt8(ascii: ";") else { throw .bad("Invalid character after the chunk size.") }
      i += 1
      let nameStart = i
      while i < range.upperBound, ByteClass.isToken(buffer[i]) { i += 1 }
      guard i > nameStart else { throw .bad("Invalid chunk extension.") }
      guard i < range.upperBound, buffer[i] == UInt8(ascii: "=") else { continue }
      i += 1
      if i < range.upperBound, buffer[i] == UInt8(ascii: "\"") {
        i += 1
        var closed = false
        while i < range.upperBound {
          let b = buffer[i]
          if b == UInt8(ascii: "\"") {
            closed = true
            i += 1
            break
          } else if b == UInt8(ascii: "\\") {
            guard i + 1 < range.upperBound, ByteClass.isFieldValue(buffer[i + 1]) else {
              throw .bad("Invalid chunk extension.")
            }
            i += 2
          } else if ByteClass.isFieldValue(b) {
            i += 1
          } else {
            throw .bad("Invalid chunk extension.")
          }
        }
        guard closed else { throw .bad("Unterminated quoted chunk extension.") }
      } else {
        let valueStart = i
        while i < range.upperBound, ByteClass.isToken(buffer[i]) { i += 1 }
        guard i > valueStart else { throw .bad("Invalid chunk extension.") }
      }
    }
    return size
  }
}

/// The request line and header fields, available before the body arrives.
public struct HTTPRequestHead: Sendable {
  public var method = HTTPMethod.get
  public var target = ""
  public var version = HTTPVersion.http1_1
  public var headers = HTTPHeaders()
  /// The declared body length, when framed by Content-Length.
  public var contentLength: Int?
  /// Whether the body uses chunked transfer coding.
  public var isChunked = false
  /// Whether Transfer-Encoding names codings before `chunked` (gzip, …), which the server does not
  /// decode: the parser reads the field once and says so here.
  public var hasOtherCodings = false

  /// Whether the client waits for `100 Continue` before sending its body (RFC 9110 §10.1.1).
  public var expectsContinue: Bool {
    version == .http1_1 && (isChunked || (contentLength ?? 0) > 0)
      && headers["Expect"].map { $0.equalsASCIICaseInsensitive("100-continue") } == true
  }
}
