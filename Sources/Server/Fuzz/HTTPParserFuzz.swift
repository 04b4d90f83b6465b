// libFuzzer entry for the HTTP request parser. `make fuzz` builds this target
// with `-sanitize=fuzzer,address -DFUZZING`. Built normally (as `swift build` does),
// it is a replay tool instead:
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

/// libFuzzer's documented entry for running it as a library (`LLVMFuzzerRunDriver`).
/// SwiftPM links executables with `main` aliased to the target's `@main`, so we keep
/// our own `main` and hand control to libFuzzer's driver from it.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
  _ argc: UnsafeMutablePointer<CInt>,
  _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
  _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@main
enum HTTPParserFuzz {
  static func main() {
    #if FUZZING
      var argc = CommandLine.argc
      var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
      exit(runFuzzerDriver(&argc, &argv) { data, size in
        fuzzOne(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
        return 0
      })
    #else
      // Replay: feed each named file through the same checks.
      for path in CommandLine.arguments.dropFirst() {
        if let data = FileManager.default.contents(atPath: path) { fuzzOne([UInt8](data)) }
      }
    #endif
  }
}
