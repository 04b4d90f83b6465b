import Foundation
import GRDB
import JSON

/// Tuned configurations of the OpenCL GEMM, one row per device, dtype and size class. The store
/// keeps each entry as the JSON the caller gives and knows nothing of its fields beyond the key.
extension Store {
  /// Adds or replaces the entry for (`deviceKey`, `dtype`, `sizeClass`).
  public func saveTunedConfiguration(
    deviceKey: String, dtype: String, sizeClass: String, entry: JSONValue, at date: Date = Date()
  ) throws(StoreError) {
    try mappingErrors {
      try pool.write { db in
        try db.execute(
          sql: """
            INSERT INTO tuned_configurations (device_key, dtype, size_class, entry, updated_at)
            VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (device_key, dtype, size_class) DO UPDATE SET entry = excluded.entry, updated_at = excluded.updated_at
            """,
          arguments: [
            deviceKey, dtype, sizeClass, String(decoding: entry.encoded(), as: UTF8.self),
            Timestamp.milliseconds(date),
          ])
      }
    }
  }

  /// Every stored entry's JSON text, oldest first.
  public func tunedConfigurations() throws(StoreError) -> [String] {
    try mappingErrors {
      try pool.read { db in
        try String.fetchAll(db, sql: "SELECT entry FROM tuned_configurations ORDER BY updated_at")
      }
    }
  }
}
