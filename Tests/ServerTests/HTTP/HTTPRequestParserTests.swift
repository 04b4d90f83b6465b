import Testing

@testable import HTTP

@Suite struct HTTPRequestParserTests {
  @Test(arguments: Feeding.allCases)
  func parsesASimpleGet(feeding: Feeding) throws {
    let outcome = parse("GET /questions?q=warp HTTP/1.1\r\nHost: example\r\nAccept: */*\r\n\r\n", feeding: feeding)
    #expect(outcome.error == nil)
    let request = try #require(outcome.requests.first)
    #expect(request.method == .get)
    #expect(request.target == "/questions?q=warp")
    #expect(request.path == "/questions")
    #expect(request.query("q") == "warp")
    #expect(request.version == .http1_1)
    #expect(request.headers["host"] == "example")
    #expect(request.headers.count == 2)
    #expect(request.body.isEmpty)
  }

  @Test(arguments: Feeding.allCases)
  func readsAContentLengthBody(feeding: Feeding) throws {
    let outcome = parse("POST /jobs HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world", feeding: feeding)
    #expect(outcome.error == nil)
    #expect(try #require(outcome.requests.first).body == Array("hello world".utf8))
  }

  @Test(arguments: Feeding.allCases)
  func decodesChunkedBodiesWithExtensionsAndTrailers(feeding: Feeding) throws {
    let text = "POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      + "5;name=value;q=\"a \\\"b\\\"\"\r\nhello\r\n6\r\n world\r\n0\r\nChecksum: abc\r\n\r\n"
    let outcome = parse(text, feeding: feeding)
    #expect(outcome.error == nil)
    let request = try #require(outcome.requests.first)
    #expect(request.body == Array("hello world".utf8))
    #expect(request.trailers["checksum"] == "abc")
  }

  @Test(arguments: Feeding.allCases)
  func parsesPipelinedRequestsInOrder(feeding: Feeding) {
    let text = "GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nokGET /c HTTP/1.1\r\nHost: x\r\n\r\n"
    let outcome = parse(text, feeding: feeding)
    #expect(outcome.error == nil)
    #expect(outcome.requests.map(\.target) == ["/a", "/b", "/c"])
    #expect(outcome.requests[1].body == Array("ok".utf8))
  }

  @Test(arguments: Feeding.allCases)
  func ignoresEmptyLinesBeforeTheRequestLine(feeding: Feeding) {
    let outcome = parse("\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n", feeding: feeding)
    #expect(outcome.error == nil)
    #expect(outcome.requests.count == 1)
  }

  @Test(arguments: Feeding.allCases)
  func knowsKeepAliveRulesOfBothVersions(feeding: Feeding) throws {
    let outcome = parse(
      "GET / HTTP/1.0\r\n\r\nGET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n"
        + "GET / HTTP/1.1\r\nHost: x\r\nConnection: Close\r\n\r\n", feeding: feeding)
    #expect(outcome.requests.map(\.wantsKeepAlive) == [false, true, true, false])
  }

  @Test(arguments: Feeding.allCases)
  func reportsExpectContinueAtTheHead(feeding: Feeding) throws {
    let outcome = parse("PUT /x HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n", feeding: feeding)
    #expect(outcome.error == nil)
    #expect(outcome.requests.isEmpty)
    #expect(try #require(outcome.heads.first).expectsContinue)
  }

  @Test(arguments: Feeding.allCases)
  func trimsOptionalWhitespaceAroundValues(feeding: Feeding) throws {
    let outcome = parse("GET / HTTP/1.1\r\nHost: x\r\nX-Thing: \t spaced value \t\r\nEmpty:\r\n\r\n", feeding: feeding)
    let request = try #require(outcome.requests.first)
    #expect(request.headers["x-thing"] == "spaced value")
    #expect(request.headers["empty"] == "")
  }

  /// Each of these is a smuggling vector or a malformed message: 400, never a guess.
  static let rejected: [(String, String)] = [
    ("Content-Length with Transfer-Encoding", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
    ("two Content-Length fields", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc"),
    ("conflicting Content-Length fields", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd"),
    ("list-valued Content-Length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3, 3\r\n\r\nabc"),
    ("signed Content-Length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +3\r\n\r\nabc"),
    ("empty Content-Length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length:\r\n\r\n"),
    ("last coding not chunked", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n"),
    ("identity coding", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity\r\n\r\n"),
    ("chunked twice", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"),
    ("Transfer-Encoding in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
    ("whitespace before the colon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n"),
    ("tab before the colon", "GET / HTTP/1.1\r\nHost\t: x\r\n\r\n"),
    ("obs-fold", "GET / HTTP/1.1\r\nHost: x\r\nX-A: one\r\n two\r\n\r\n"),
    ("bare LF line ending", "GET / HTTP/1.1\nHost: x\n\n"),
    ("bare CR inside a line", "GET / HTTP/1.1\r\nHost: x\rX: y\r\n\r\n"),
    ("NUL in a value", "GET / HTTP/1.1\r\nHost: x\r\nX: a\u{0}b\r\n\r\n"),
    ("DEL in a value", "GET / HTTP/1.1\r\nHost: x\r\nX: a\u{7F}b\r\n\r\n"),
    ("non-token header name", "GET / HTTP/1.1\r\nHost: x\r\nX(y): z\r\n\r\n"),
    ("space in target", "GET /a b HTTP/1.1\r\nHost: x\r\n\r\n"),
    ("control character in target", "GET /a\u{1}b HTTP/1.1\r\nHost: x\r\n\r\n"),
    ("two spaces after the method", "GET  / HTTP/1.1\r\nHost: x\r\n\r\n"),
    ("lower-case protocol", "GET / http/1.1\r\nHost: x\r\n\r\n"),
    ("missing version", "GET /\r\nHost: x\r\n\r\n"),
    ("invalid chunk size", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
    ("space after chunk size", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n0\r\n\r\n"),
    ("chunk data without CRLF", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n"),
    ("unterminated quoted extension", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;a=\"b\r\nhello\r\n0\r\n\r\n"),
  ]

  @Test(arguments: rejected)
  func rejectsMalformedAndAmbiguousFraming(name: String, text: String) {
    for feeding in Feeding.allCases {
      let outcome = parse(text, feeding: feeding)
      #expect(outcome.error?.status == .badRequest, "\(name), fed \(feeding)")
      #expect(outcome.requests.isEmpty, "\(name), fed \(feeding)")
    }
  }

  @Test(arguments: Feeding.allCases)
  func answersOtherVersionsWith505(feeding: Feeding) {
    #expect(parse("GET / HTTP/2.0\r\n\r\n", feeding: feeding).error?.status == .httpVersionNotSupported)
    #expect(parse("GET / HTTP/1.2\r\n\r\n", feeding: feeding).error?.status == .httpVersionNotSupported)
  }

  @Test(arguments: Feeding.allCases)
  func enforcesEachLimitWithItsStatus(feeding: Feeding) {
    var limits = HTTPRequestParser.Limits()
    limits.maxRequestLineBytes = 64
    limits.maxHeaderBytes = 256
    limits.maxHeaderCount = 5
    limits.maxBodyBytes = 10
    let longTarget = "GET /" + String(repeating: "a", count: 100) + " HTTP/1.1\r\nHost: x\r\n\r\n"
    #expect(parse(longTarget, feeding: feeding, limits: limits).error?.status == .uriTooLong)
    let bigHeader = "GET / HTTP/1.1\r\nHost: x\r\nX: " + String(repeating: "b", count: 300) + "\r\n\r\n"
    #expect(parse(bigHeader, feeding: feeding, limits: limits).error?.status == .requestHeaderFieldsTooLarge)
    let manyHeaders = "GET / HTTP/1.1\r\n" + (0..<6).map { "H\($0): v\r\n" }.joined() + "\r\n"
    #expect(parse(manyHeaders, feeding: feeding, limits: limits).error?.status == .requestHeaderFieldsTooLarge)
    let bigBody = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n"
    #expect(parse(bigBody, feeding: feeding, limits: limits).error?.status == .contentTooLarge)
    let bigChunks = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n6\r\naaaaaa\r\n6\r\n"
    #expect(parse(bigChunks, feeding: feeding, limits: limits).error?.status == .contentTooLarge)
    let hugeChunk = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\n"
    #expect(parse(hugeChunk, feeding: feeding, limits: limits).error?.status == .contentTooLarge)
    let hugeLength = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n"
    #expect(parse(hugeLength, feeding: feeding, limits: limits).error?.status == .badRequest)
  }

  @Test func detectsAnOverlongRequestLineBeforeItEnds() {
    var limits = HTTPRequestParser.Limits()
    limits.maxRequestLineBytes = 32
    let outcome = parse("GET /" + String(repeating: "a", count: 200), feeding: .whole, limits: limits)
    #expect(outcome.error?.status == .uriTooLong)
  }

  @Test func keepsFailingAfterAnError() {
    var parser = HTTPRequestParser()
    parser.append(Array("GET / HTTP/1.1\r\nBad Header: x\r\n\r\n".utf8))
    #expect(throws: HTTPParseError.self) { try parser.next() }
    parser.append(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
    #expect(throws: HTTPParseError.self) { try parser.next() }
  }

  @Test func waitsForMoreBytesWithoutAnswering() throws {
    var parser = HTTPRequestParser()
    parser.append(Array("GET / HTTP/1.1\r\nHost:".utf8))
    #expect(try parser.next() == nil)
    #expect(parser.isMidMessage)
  }
}
