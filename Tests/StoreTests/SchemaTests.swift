import Foundation
import GRDB
import Testing

@testable import Store

@Suite("Schema and opening")
struct SchemaTests {
  @Test func newDatabase_GetsEveryMigrationInWALMode() throws {
    let temporary = try TemporaryStore()
    defer { temporary.remove() }
    #expect(try temporary.store.appliedMigrations() == ["v1: meta", "v1: corpus", "v1: jobs", "v2: glossary and exercises", "v3: job inputs", "v4: tuned configurations", "v5: run records"])
    #expect(FileManager.default.fileExists(atPath: temporary.directory.appendingPathComponent("hpclab.sqlite").path))
    #expect(FileManager.default.fileExists(atPath: temporary.directory.appendingPathComponent("results").path))
    let (journal, synchronous, tables) = try temporary.store.pool.read { db in
      (
        try String.fetchOne(db, sql: "PRAGMA journal_mode"),
        try Int.fetchOne(db, sql: "PRAGMA synchronous"),
        try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      )
    }
    #expect(journal == "wal")
    #expect(synchronous == 1)  // NORMAL
    #expect(tables.contains("search_index"))
    #expect(tables.contains("search_terms"))
    #expect(tables.contains("jobs"))
  }

  @Test func reopening_KeepsDataAndRunsNoMigrationTwice() throws {
    let temporary = try TemporaryStore()
    defer { temporary.remove() }
    let inserted = try temporary.store.insertJob(NewJob(kind: "test", spec: ["n": 1])).job
    try temporary.store.syncCorpus(try Fixtures.searchCorpus())

    let reopened = try temporary.reopen()
    #expect(try reopened.appliedMigrations() == ["v1: meta", "v1: corpus", "v1: jobs", "v2: glossary and exercises", "v3: job inputs", "v4: tuned configurations", "v5: run records"])
    #expect(try reopened.job(id: inserted.id) == inserted)
    #expect(reopened.questions().count == 25)
    #expect(try reopened.search(SearchQuery("warp")).total > 0)
  }

  @Test func searchIndex_UsesPorterUnicodeTokenizerWithUnderscore() throws {
    let temporary = try TemporaryStore()
    defer { temporary.remove() }
    let sql = try temporary.store.pool.read { db in
      try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'search_index'")
    }
    #expect(sql?.contains("porter unicode61 remove_diacritics 2 tokenchars '_'") == true)
  }

  @Test func runawayRead_IsInterruptedWithTypedError() throws {
    let temporary = try TemporaryStore { $0.queryTimeLimit = .milliseconds(30) }
    defer { temporary.remove() }
    // The recursive query never ends: returning at all shows the time limit interrupted it.
    #expect(throws: StoreError.timeLimitExceeded(.milliseconds(30))) {
      try temporary.store.limitedRead { db in
        try Int.fetchOne(db, sql: "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c")
      }
    }
    // The connection is usable afterwards and the handler is gone.
    #expect(try temporary.store.limitedRead { db in try Int.fetchOne(db, sql: "SELECT 1") } == 1)
  }
}
