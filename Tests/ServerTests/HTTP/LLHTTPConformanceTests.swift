import Foundation
import Testing
import TestSupport

@testable import HTTP

/// Replays the strict request cases of llhttp's test corpus
/// (`../shared/conformance/llhttp/request/*.md`) through our parser, whole and
/// byte by byte, and compares acceptance and the parsed messages.
@Suite struct LLHTTPConformanceTests {
  /// Where we deliberately differ from llhttp, and why. The test fails if one of
  /// these starts agreeing (so the list stays true) or if any other case differs.
  static let deviations: [String: String] = [
    "No restart when keep-alive is off (1.0)":
      "Our parser frames every message; the connection stops reading after a message that closes it (tested end to end).",
    "CRLF between requests, explicit `close`":
      "As above: the connection, not the parser, ignores data after `Connection: close`.",
    "CRLF between requests, explicit `close` followed by tab":
      "As above: the connection, not the parser, ignores data after `Connection: close`.",
    "HTTP protocol and ANNOUNCE method":
      "llhttp rejects methods it does not know while parsing; we parse any token method and the router answers 501.",
    "Invalid method":
      "As above: `MKCOLA` is a valid token; the router answers 501 Not Implemented.",
    "SOURCE request with ICE": "We serve HTTP/1.x only; ICE and RTSP request lines are rejected (505 or 400).",
    "OPTIONS request with RTSP": "We serve HTTP/1.x only; ICE and RTSP request lines are rejected (505 or 400).",
    "ANNOUNCE request with RTSP": "We serve HTTP/1.x only; ICE and RTSP request lines are rejected (505 or 400).",
    "No HTTP version": "HTTP/0.9 simple requests (no version) are not served: 400.",
    "Invalid HTTP version":
      "The case ends before the line's CRLF; we judge a request line when it ends (then 505), llhttp at the version digits.",
    "Setting flag on `close` followed by tab":
      "We strip trailing whitespace from field values (RFC 9110 §5.5: OWS is not part of the value); llhttp keeps it.",
  ]

  struct Case {
    var file: String
    var name: String
    var bytes: [UInt8]
    var rejected: Bool
    var paused: Bool
    var messages: [Message]
  }

  struct Message: Equatable {
    var method = ""
    var url = ""
    var version = ""
    var headers: [[String]] = []
    var body: [UInt8] = []
  }

  static var corpusDirectory: String { packageRoot + "/../shared/conformance/llhttp/request" }

  @Test func agreesWithLLHTTPOnStrictRequestCases() throws {
    let files = try? FileManager.default.contentsOfDirectory(atPath: Self.corpusDirectory).filter { $0.hasSuffix(".md") }.sorted()
    guard let files, !files.isEmpty else {
      Issue.record("The llhttp corpus is missing at \(Self.corpusDirectory)")
      return
    }
    var cases: [Case] = []
    for file in files {
      let text = try String(contentsOfFile: Self.corpusDirectory + "/" + file, encoding: .utf8)
      cases += Self.cases(in: text, file: file)
    }
    var agree = 0
    var differences: [String] = []
    var staleDeviations: [String] = []
    for testCase in cases {
      var problems: [String] = []
      for feeding in Feeding.allCases {
        if let problem = Self.compare(testCase, feeding: feeding) { problems.append("\(feeding): \(problem)") }
      }
      let deviates = Self.deviations[testCase.name] != nil
      if problems.isEmpty {
        agree += 1
        if deviates { staleDeviations.append(testCase.name) }
      } else if !deviates {
        differences.append("\(testCase.file) «\(testCase.name)»: \(problems.joined(separator: "; "))")
      }
    }
    print("llhttp conformance: \(agree) of \(cases.count) strict request cases agree; \(Self.deviations.count) listed deviations")
    #expect(cases.count > 100, "expected the whole corpus to be read")
    #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
    #expect(staleDeviations.isEmpty, "listed as deviations but agreeing now: \(staleDeviations)")
  }

  static func compare(_ testCase: Case, feeding: Feeding) -> String? {
    let outcome = parse(testCase.bytes, feeding: feeding)
    if testCase.rejected {
      if outcome.error == nil {
        return "llhttp rejects, we accept (\(outcome.requests.count) messages)"
      }
      return nil
    }
    if testCase.paused {
      // llhttp pauses at CONNECT/Upgrade after the head: compare the heads only.
      guard outcome.error == nil || outcome.heads.count >= testCase.messages.count else {
        return "llhttp accepts the head, we reject: \(outcome.error!)"
      }
      for (expected, head) in zip(testCase.messages, outcome.heads) {
        let got = Message(
          method: head.method.rawValue, url: head.target, version: "\(head.version.major).\(head.version.minor)",
          headers: head.headers.map { [$0.name, $0.value] })
        var want = expected
        want.body = []
        if got != want { return "head differs: want \(want), got \(got)" }
      }
      return nil
    }
    if let error = outcome.error { return "llhttp accepts, we reject: \(error)" }
    guard outcome.requests.count == testCase.messages.count else {
      return "message count: llhttp \(testCase.messages.count), we \(outcome.requests.count)"
    }
    for (expected, request) in zip(testCase.messages, outcome.requests) {
      // llhttp reports trailer fields as header spans of the same message.
      let got = Message(
        method: request.method.rawValue, url: request.target, version: "\(request.version.major).\(request.version.minor)",
        headers: (request.headers.fields + request.trailers.fields).map { [$0.name, $0.value] }, body: request.body)
      if got != expected { return "message differs: want \(expected), got \(got)" }
    }
    return nil
  }

  // MARK: - Reading the corpus (format in shared/conformance/llhttp/README.md)

  static func cases(in text: String, file: String) -> [Case] {
    var result: [Case] = []
    let lines = text.components(separatedBy: "\n")
    var name = ""
    var meta = ""
    var i = 0
    var httpBlock: [String]?
    while i < lines.count {
      let line = lines[i]
      if line.hasPrefix("#") {
        name = line.drop(while: { $0 == "#" }).trimmingCharacters(in: .whitespaces)
        meta = ""
        httpBlock = nil
      } else if line.hasPrefix("<!-- meta=") {
        meta = line
      } else if line.hasPrefix("```http") {
        var block: [String] = []
        i += 1
        while i < lines.count && !lines[i].hasPrefix("```") {
          block.append(lines[i])
          i += 1
        }
        httpBlock = block
      } else if line.hasPrefix("```log"), let block = httpBlock {
        var log: [String] = []
        i += 1
        while i < lines.count && !lines[i].hasPrefix("```") {
          log.append(lines[i])
          i += 1
        }
        if let testCase = makeCase(file: file, name: name, meta: meta, http: block, log: log) {
          result.append(testCase)
        }
        httpBlock = nil
      }
      i += 1
    }
    return result
  }

  static func makeCase(file: String, name: String, meta: String, http: [String], log: [String]) -> Case? {
    let compact = meta.replacingOccurrences(of: " ", with: "")
    guard compact.contains("\"type\":\"request\""), !compact.contains("\"pause\""), !compact.contains("skipBody")
    else { return nil }
    let errorLine = log.first { $0.contains(" error code=") }
    let paused = errorLine.map { $0.contains("Pause on") } ?? false
    var messages: [Message] = []
    var current = Message()
    var started = false
    var lastKind = ""
    for line in log {
      if line.contains("message begin") {
        current = Message()
        started = true
        lastKind = ""
      }
      if line.contains("message complete") || (paused && line.contains("headers complete")) {
        if started { messages.append(current) }
        started = false
      }
      guard let spanRange = line.range(of: " span["), let close = line.range(of: "]=\"", range: spanRange.upperBound..<line.endIndex)
      else { continue }
      let kind = String(line[spanRange.upperBound..<close.lowerBound])
      var value = String(line[close.upperBound...])
      value.removeLast()  // closing quote
      let bytes = unescape(value)
      let text = String(decoding: bytes, as: UTF8.self)
      switch kind {
      case "method": current.method += text
      case "url": current.url += text
      case "version": current.version += text
      case "header_field":
        if lastKind == "header_field" { current.headers[current.headers.count - 1][0] += text }
        else { current.headers.append([text, ""]) }
      case "header_value": current.headers[current.headers.count - 1][1] += text
      case "body": current.body += bytes
      default: break
      }
      lastKind = kind
    }
    return Case(
      file: file, name: name, bytes: bytes(fromHTTPBlock: http), rejected: errorLine != nil && !paused, paused: paused,
      messages: messages)
  }

  /// llhttp's rules: drop the final newline, join lines ending in `\`, CRLF
  /// for the remaining newlines, then decode escapes.
  static func bytes(fromHTTPBlock lines: [String]) -> [UInt8] {
    var text = lines.joined(separator: "\n")
    var joined = ""
    var index = text.startIndex
    while index < text.endIndex {
      let c = text[index]
      let next = text.index(after: index)
      if c == "\\", next < text.endIndex, text[next] == "\n" {
        index = text.index(after: next)
        continue
      }
      joined.append(c)
      index = next
    }
    text = joined.replacingOccurrences(of: "\n", with: "\r\n")
    return unescape(text)
  }

  /// Decodes the README's escapes (CR, LF, tab, form feed, hex and octal); any other backslash stays.
  static func unescape(_ text: String) -> [UInt8] {
    let utf8 = Array(text.utf8)
    var out: [UInt8] = []
    var i = 0
    while i < utf8.count {
      guard utf8[i] == UInt8(ascii: "\\"), i + 1 < utf8.count else {
        out.append(utf8[i])
        i += 1
        continue
      }
      let c = utf8[i + 1]
      switch c {
      case UInt8(ascii: "r"): out.append(0x0D); i += 2
      case UInt8(ascii: "n"): out.append(0x0A); i += 2
      case UInt8(ascii: "t"): out.append(0x09); i += 2
      case UInt8(ascii: "f"): out.append(0x0C); i += 2
      case UInt8(ascii: "x"):
        let hex = String(decoding: utf8[(i + 2)..<min(i + 4, utf8.count)], as: UTF8.self)
        out.append(UInt8(hex, radix: 16) ?? 0)
        i += 4
      case UInt8(ascii: "0")...UInt8(ascii: "7"):
        var j = i + 1
        var value = 0
        while j < utf8.count, j < i + 4, (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(utf8[j]) {
          value = value * 8 + Int(utf8[j] - UInt8(ascii: "0"))
          j += 1
        }
        out.append(UInt8(truncatingIfNeeded: value))
        i = j
      default:
        out.append(utf8[i])
        i += 1
      }
    }
    return out
  }
}
