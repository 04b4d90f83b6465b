import CSQLite
import GRDB

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The monotonic clock in nanoseconds, cheap enough to read from SQLite's progress handler.
@inline(__always)
func monotonicNanoseconds() -> UInt64 {
  var now = timespec()
  clock_gettime(CLOCK_MONOTONIC, &now)
  return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
}

/// Called by SQLite every ``progressInterval`` virtual-machine instructions; a non-zero return
/// interrupts the statement with `SQLITE_INTERRUPT`. The context points at the deadline.
private let deadlineCallback: @convention(c) (UnsafeMutableRawPointer?) -> Int32 = { context in
  guard let context else { return 0 }
  return monotonicNanoseconds() > context.load(as: UInt64.self) ? 1 : 0
}

/// Instructions between deadline checks (each check reads the clock, about 20 ns).
private let progressInterval: Int32 = 1000

extension Store {
  /// Reads on a pool reader with the configured time limit: every statement `body` runs is
  /// interrupted once the limit has passed, and the call throws
  /// ``StoreError/timeLimitExceeded(_:)``.
  ///
  /// The deadline lives on this stack frame and the progress handler is installed on the
  /// reader's connection for the duration of `body` only; GRDB serializes each connection, so
  /// no other thread sees it. (FTS5 work inside a single step is not interruptible; the corpus
  /// is small enough for that not to matter.)
  func limitedRead<T>(until deadline: UInt64? = nil, _ body: (Database) throws -> T) throws(StoreError) -> T {
    let limit = configuration.queryTimeLimit
    let deadline = deadline ?? monotonicNanoseconds() &+ limit.nanoseconds
    do {
      return try pool.read { db in try Self.withDeadline(deadline, limit: limit, on: db, body) }
    } catch {
      throw StoreError(error)
    }
  }

  /// The deadline of a query that starts now: every statement of one search shares it, so the
  /// whole search, not each statement, keeps to the time limit.
  var queryDeadline: UInt64 { monotonicNanoseconds() &+ configuration.queryTimeLimit.nanoseconds }

  static func withDeadline<T>(
    _ deadline: UInt64, limit: Duration, on db: Database, _ body: (Database) throws -> T
  ) throws -> T {
    var deadline = deadline
    return try withUnsafeMutablePointer(to: &deadline) { pointer in
      sqlite3_progress_handler(db.sqliteConnection, progressInterval, deadlineCallback, pointer)
      defer { sqlite3_progress_handler(db.sqliteConnection, 0, nil, nil) }
      do {
        return try body(db)
      } catch let error as DatabaseError where error.resultCode == .SQLITE_INTERRUPT {
        throw StoreError.timeLimitExceeded(limit)
      }
    }
  }

  static func withTimeLimit<T>(_ limit: Duration, on db: Database, _ body: (Database) throws -> T) throws -> T {
    try withDeadline(monotonicNanoseconds() &+ limit.nanoseconds, limit: limit, on: db, body)
  }
}
