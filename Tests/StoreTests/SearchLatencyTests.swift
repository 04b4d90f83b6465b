import Content
import Foundation
import Testing

import Store

/// In-process search latency on the real corpus. Prints the median and p99 of 1000 searches
/// (`swift test -c release -Xswiftc -enable-testing --filter SearchLatency` for release numbers);
/// it asserts no time (speed lives in `make bench`), only that the cache and the raw SQL agree
/// with a fresh search.
@Suite("Search latency", .serialized, .enabled(if: RealCorpus.isPresent, "Sources/Content/Corpus has no question files"))
struct SearchLatencyTests {
  @Test(arguments: ["warp", "tensor cores", "coalesing", "__slots__"])
  func search_CachedAndRawRunsAgreeWithAFreshSearch(_ text: String) throws {
    let temporary = try TemporaryStore()
    defer { temporary.remove() }
    let store = temporary.store
    try store.syncCorpus(Corpus.loadAllowingProblems(from: RealCorpus.directory).corpus)
    let query = SearchQuery(text)
    for _ in 0..<100 { _ = try store.search(query) }

    let cached = try Self.measure(runs: 1000) { _ = try store.search(query) }
    let uncached = try Self.measure(runs: 1000) { _ = try store.searchUncached(query) }
    let statements = try store.search(query).statements
    let raw = try Self.measure(runs: 1000) { try store.runStatements(statements) }
    print(
      "search latency \(text.debugDescription): search (cached) p50 \(cached.p50) µs p99 \(cached.p99) µs;",
      "searchUncached p50 \(uncached.p50) µs p99 \(uncached.p99) µs;",
      "raw SQL p50 \(raw.p50) µs p99 \(raw.p99) µs")
    #expect(try store.search(query).hits == store.searchUncached(query).hits)
    #expect(try store.runStatements(statements) > 0)
  }

  /// Median and 99th percentile in microseconds (0.1 µs resolution).
  static func measure(runs: Int, _ body: () throws -> Void) throws -> (p50: Double, p99: Double) {
    var samples: [Duration] = []
    samples.reserveCapacity(runs)
    let clock = ContinuousClock()
    for _ in 0..<runs {
      let start = clock.now
      try body()
      samples.append(clock.now - start)
    }
    samples.sort()
    func micros(_ duration: Duration) -> Double {
      let (seconds, attoseconds) = duration.components
      return ((Double(seconds) * 1e6 + Double(attoseconds) / 1e12) * 10).rounded() / 10
    }
    return (micros(samples[runs / 2]), micros(samples[runs * 99 / 100]))
  }
}
