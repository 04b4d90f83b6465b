import ArgumentParser
import CSQLite
import Content
import Foundation
import Store

/// `hpclab bench-search`: in-process search latency beside the same SQL run
/// directly through SQLite's C API, in one process and one run (used by `make bench`).
struct BenchSearch: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench-search", abstract: "Measure search latency against raw SQLite (for make bench).")

  @Option(help: "Directory for a scratch database (default: a new temporary directory).")
  var dataDir: String?
  @Option(help: "Queries to time, comma-separated.")
  var queries = "warp,tensor cores,coalesing,__slots__"
  @Option(help: "Timed runs per query and path.")
  var runs = 2000

  func run() throws {
    let directory = dataDir ?? NSTemporaryDirectory() + "hpclab-bench-\(UUID().uuidString)"
    let store = try Store(dataDirectory: URL(fileURLWithPath: directory))
    try store.syncCorpus(Corpus.load(from: Corpus.defaultDirectory))
    let database = try RawDatabase(path: directory + "/hpclab.sqlite")
    print("query                  raw sqlite3 C p50/p99 µs   store uncached p50/p99 µs   ratio p50   store cached p50 µs")
    for text in queries.split(separator: ",").map(String.init) {
      let query = SearchQuery(text)
      let statements = try store.searchUncached(query).statements
      for _ in 0..<200 {
        _ = try store.searchUncached(query)
        try database.run(statements)
      }
      let raw = try measure { try database.run(statements) }
      let uncached = try measure { _ = try store.searchUncached(query) }
      let cached = try measure { _ = try store.search(query) }
      print(
        text.padding(toLength: 22, withPad: " ", startingAt: 0),
        String(format: "%12.1f / %-10.1f   %12.1f / %-10.1f   %7.2f     %10.2f", raw.p50, raw.p99, uncached.p50, uncached.p99,
          uncached.p50 / raw.p50, cached.p50))
    }
    print("(\(runs) runs each; ratio = store.searchUncached / the same statements through sqlite3_prepare/step, same process)")
    try? FileManager.default.removeItem(atPath: directory)
  }

  func measure(_ body: () throws -> Void) throws -> (p50: Double, p99: Double) {
    var samples: [Double] = []
    samples.reserveCapacity(runs)
    for _ in 0..<runs {
      let start = DispatchTime.now().uptimeNanoseconds
      try body()
      samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1000)
    }
    samples.sort()
    return (samples[samples.count / 2], samples[min(samples.count - 1, samples.count * 99 / 100)])
  }
}

/// The same SQL through SQLite's C API with statements prepared once: the floor for our search.
final class RawDatabase {
  private var db: OpaquePointer?
  private var prepared: [String: OpaquePointer] = [:]

  init(path: String) throws {
    guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK else {
      throw ValidationError("cannot open \(path)")
    }
  }

  deinit {
    for statement in prepared.values { sqlite3_finalize(statement) }
    sqlite3_close(db)
  }

  func run(_ statements: [SearchStatement]) throws {
    let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
    for statement in statements {
      var handle = prepared[statement.sql]
      if handle == nil {
        guard sqlite3_prepare_v3(db, statement.sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &handle, nil) == SQLITE_OK else {
          throw ValidationError(String(cString: sqlite3_errmsg(db)))
        }
        prepared[statement.sql] = handle
      }
      sqlite3_reset(handle)
      for (index, argument) in statement.arguments.enumerated() {
        sqlite3_bind_text(handle, Int32(index + 1), argument, -1, transient)
      }
      while sqlite3_step(handle) == SQLITE_ROW {}
    }
  }
}
