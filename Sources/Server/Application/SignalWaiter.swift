import Dispatch

#if canImport(Glibc)
  import Glibc
#endif

/// Waits for the first of some signals, delivered through Dispatch signal
/// sources (the default handlers are ignored so the process is not killed).
/// Lives in a nonisolated type on purpose: closures in top-level code would be
/// inferred `@MainActor` and crash when Dispatch calls them on another queue.
public final class SignalWaiter: Sendable {
  private let queue = DispatchQueue(label: "hpclab.signals")
  private let sources: [SignalSource]
  private let stream: AsyncStream<Int32>
  private let continuation: AsyncStream<Int32>.Continuation

  private struct SignalSource: @unchecked Sendable {  // Dispatch sources are thread-safe; never mutated after init
    let source: DispatchSourceSignal
  }

  public init(signals: [Int32]) {
    (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
    var sources: [SignalSource] = []
    for number in signals {
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
      let continuation = self.continuation
      source.setEventHandler { continuation.yield(number) }
      source.activate()
      sources.append(SignalSource(source: source))
    }
    self.sources = sources
  }

  /// The number of the first signal received.
  public func wait() async -> Int32 {
    for await number in stream { return number }
    return 0
  }
}
