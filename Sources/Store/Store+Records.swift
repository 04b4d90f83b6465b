import Foundation
import GRDB

/// Run records (see the server's `RunRecord`): one row per record, its JSON kept as given.
extension Store {
  /// A stored record's index columns and its JSON text.
  public struct StoredRecord: Sendable, Equatable {
    public var id: String
    public var kind: String
    public var device: String
    /// `local` (a job of this server) or `imported` (`POST /records`).
    public var source: String
    public var createdAt: Date
    public var json: String
  }

  /// Adds a record; an existing id is left as it is (a record never changes), and the call says
  /// whether it inserted.
  @discardableResult
  public func saveRecord(
    id: String, kind: String, device: String, source: String, createdAt: Date, json: String
  ) throws(StoreError) -> Bool {
    try mappingErrors {
      try pool.write { db in
        try db.execute(
          sql: """
            INSERT INTO run_records (id, kind, device, source, created_at, record) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO NOTHING
            """,
          arguments: [id, kind, device, source, Timestamp.milliseconds(createdAt), json])
        return db.changesCount > 0
      }
    }
  }

  /// The record `id`, or nil.
  public func record(id: String) throws(StoreError) -> StoredRecord? {
    try limitedRead { db in
      try Row.fetchOne(db, sql: "SELECT * FROM run_records WHERE id = ?", arguments: [id]).map(Self.storedRecord)
    }
  }

  /// Records newest first, optionally of one kind and one source (`local`, `imported`); at most `limit`.
  public func records(kind: String? = nil, source: String? = nil, limit: Int = 100) throws(StoreError) -> [StoredRecord] {
    try limitedRead { db in
      var conditions: [String] = []
      var arguments: [any DatabaseValueConvertible] = []
      if let kind {
        conditions.append("kind = ?")
        arguments.append(kind)
      }
      if let source {
        conditions.append("source = ?")
        arguments.append(source)
      }
      let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
      arguments.append(limit)
      return try Row.fetchAll(
        db, sql: "SELECT * FROM run_records \(filter) ORDER BY created_at DESC LIMIT ?",
        arguments: StatementArguments(arguments)
      ).map(Self.storedRecord)
    }
  }

  private static func storedRecord(_ row: Row) -> StoredRecord {
    StoredRecord(
      id: row["id"], kind: row["kind"], device: row["device"], source: row["source"],
      createdAt: Timestamp.date(milliseconds: row["created_at"]), json: row["record"])
  }
}
