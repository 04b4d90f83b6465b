import Content
import Foundation
import GRDB
import Synchronization

/// The server's SQLite store: the searchable corpus index and the compute jobs.
///
/// One file, `<dataDirectory>/hpclab.sqlite`, in WAL mode behind a GRDB `DatabasePool`: one
/// writer connection and up to ``Configuration/maximumReaderCount`` readers, so searches never
/// wait for job writes. `synchronous = NORMAL`: a committed write survives a crash of the
/// process (the WAL is in the OS page cache); a power loss may lose the last transactions.
///
/// All methods are synchronous and thread-safe; call them from any thread. Reads have a time
/// limit (``Configuration/queryTimeLimit``). Corpus lookups (``questions()``, ``question(id:)``,
/// …) are answered from an in-memory catalog loaded from the database after each
/// ``syncCorpus(_:)``; searches run SQL on a reader.
///
/// ```swift
/// let store = try Store(configuration: .init(dataDirectory: dataURL))
/// try store.syncCorpus(try Corpus.load(from: Corpus.defaultDirectory))
/// let page = try store.search(SearchQuery("warp divergence"))
/// ```
public final class Store: Sendable {
  /// The configuration the store was opened with.
  public let configuration: Configuration
  let pool: DatabasePool
  /// The corpus as last synced or loaded; replaced whole, read without holding the lock.
  let catalogState: Mutex<CorpusCatalog>
  /// Search pages computed from the current catalog.
  let searchCache: SearchCache

  /// Opens (creating when needed) the database in ``Configuration/dataDirectory``, runs pending
  /// migrations and loads the corpus catalog left by the last ``syncCorpus(_:)``.
  public init(configuration: Configuration) throws(StoreError) {
    self.configuration = configuration
    searchCache = SearchCache(capacity: configuration.searchCacheCapacity)
    let fileManager = FileManager.default
    for directory in [configuration.dataDirectory, configuration.resultsDirectory] {
      do {
        try fileManager.createDirectory(at: directory, withIntermediateDirectories: true)
      } catch {
        throw .io(path: directory.path, message: "\(error)")
      }
    }

    var grdb = GRDB.Configuration()
    grdb.label = "hpclab"
    grdb.busyMode = .timeout(configuration.busyTimeout.timeInterval)
    grdb.maximumReaderCount = max(1, configuration.maximumReaderCount)
    grdb.prepareDatabase { db in
      try db.execute(sql: "PRAGMA synchronous = NORMAL")
    }
    do {
      pool = try DatabasePool(path: configuration.databaseURL.path, configuration: grdb)
      // A damaged file (truncated, overwritten) must stop the server here, saying so, not start
      // a server whose every job route fails.
      let check = try pool.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check") }
      guard check == ["ok"] else {
        throw StoreError.damaged(path: configuration.databaseURL.path, detail: check.prefix(3).joined(separator: "; "))
      }
      try Self.migrator.migrate(pool)
      let catalog = try pool.read { db in try CorpusCatalog.load(db, leadWords: configuration.snippetTokens) }
      catalogState = Mutex(catalog)
    } catch let error as DatabaseError
      where error.resultCode == .SQLITE_CORRUPT || error.resultCode == .SQLITE_NOTADB
    {
      throw .damaged(path: configuration.databaseURL.path, detail: error.message ?? "\(error.resultCode)")
    } catch {
      throw StoreError(error)
    }
  }

  /// Opens a store with the default configuration in `dataDirectory`.
  public convenience init(dataDirectory: URL) throws(StoreError) {
    try self.init(configuration: Configuration(dataDirectory: dataDirectory))
  }

  /// Closes the database connections (checkpointing the WAL). Every later call fails with a
  /// ``StoreError/database(code:message:)``. Optional: the connections also close when the store
  /// is released.
  public func close() throws(StoreError) {
    try mappingErrors { try pool.close() }
  }

  /// The catalog currently served.
  var catalog: CorpusCatalog {
    catalogState.withLock { $0 }
  }
}

extension Duration {
  /// Seconds as a `TimeInterval`.
  var timeInterval: TimeInterval {
    let (seconds, attoseconds) = components
    return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
  }

  /// Whole nanoseconds (saturating).
  var nanoseconds: UInt64 {
    let (seconds, attoseconds) = components
    guard seconds >= 0 else { return 0 }
    let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
    return overflow ? .max : whole &+ UInt64(attoseconds / 1_000_000_000)
  }
}
