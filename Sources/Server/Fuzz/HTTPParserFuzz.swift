// libFuzzer entry for the HTTP request parser. `make fuzz` builds this target
// with `-sanitize=fuzzer,address -DFUZZING`; libFuzzer then supplies `main`.
// (The file is not main.swift so that both builds can parse it as a library.)
// Built normally (as `swift build` does), it is a replay tool instead:
// `HTTPParserFuzz FILE...` feeds each file through the same checks.
import Foundation
import HTTP

/// Feeds the input whole and split at a data-dependent point, and checks the
/// parser's invariants: it never crashes, both feedings agree, and whatever
/// it accepts respects the limits.
func fuzzOne(_ bytes: [UInt8]) {
  var limits = HTTPRequestParser.Limits()
  limits.maxBodyBytes = 1 << 16
  let whole = run(bytes, splitAt: nil, limits: limits)
  let split = run(bytes, splitAt: bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1), limits: limits)
  precondition(whole.count == split.count && whole.error == split.error, "feeding changed the outcome")
}

func run(_ bytes: [UInt8], splitAt: Int?, limits: HTTPRequestParser.Limits) -> (count: Int, error: HTTPParseError?) {
  var parser = HTTPRequestParser(limits: limits)
  var count = 0
  let pieces = splitAt.map { [Array(bytes[..<$0]), Array(bytes[$0...])] } ?? [bytes]
  for piece in pieces {
    parser.append(piece)
    do {
      while let event = try parser.next() {
        if case .request(let request) = event {
          precondition(request.body.count <= limits.maxBodyBytes)
          precondition(request.headers.count <= limits.maxHeaderCount)
          count += 1
        }
      }
    } catch {
      return (count, error)
    }
  }
  return (count, nil)
}

#if FUZZING
  @_cdecl("LLVMFuzzerTestOneInput")
  public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    fuzzOne(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
  }
#else
  @main
  enum Replay {
    static func main() {
      for path in CommandLine.arguments.dropFirst() {
        if let data = FileManager.default.contents(atPath: path) { fuzzOne([UInt8](data)) }
      }
    }
  }
#endif
