@testable import HTTP

/// How bytes are handed to the parser: all at once, or one at a time.
enum Feeding: CaseIterable, CustomStringConvertible {
  case whole, byteByByte
  var description: String { self == .whole ? "whole" : "byte by byte" }
}

struct ParseOutcome {
  var requests: [HTTPRequest] = []
  var heads: [HTTPRequestHead] = []
  var error: HTTPParseError?
}

/// Feeds `bytes` to a fresh parser and collects what it produces.
func parse(_ bytes: [UInt8], feeding: Feeding, limits: HTTPRequestParser.Limits = .init()) -> ParseOutcome {
  var parser = HTTPRequestParser(limits: limits)
  var outcome = ParseOutcome()
  func drain() -> Bool {
    do {
      while let event = try parser.next() {
        switch event {
        case .head(let head): outcome.heads.append(head)
        case .request(let request): outcome.requests.append(request)
        }
      }
      return true
    } catch {
      outcome.error = error
      return false
    }
  }
  switch feeding {
  case .whole:
    parser.append(bytes)
    _ = drain()
  case .byteByByte:
    for byte in bytes {
      parser.append([byte])
      if !drain() { break }
    }
  }
  return outcome
}

func parse(_ text: String, feeding: Feeding, limits: HTTPRequestParser.Limits = .init()) -> ParseOutcome {
  parse(Array(text.utf8), feeding: feeding, limits: limits)
}
