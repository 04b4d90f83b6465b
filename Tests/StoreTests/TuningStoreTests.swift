import Foundation
import JSON
import Testing

@testable import Store

/// Tuned configurations: one row per device, dtype and size class, replaced in place.
@Suite struct TuningStoreTests {
  @Test func savesAndReplacesEntriesByTheirKey() throws {
    let temporary = try TemporaryStore()
    defer { temporary.remove() }
    let store = temporary.store
    #expect(try store.tunedConfigurations().isEmpty)
    try store.saveTunedConfiguration(
      deviceKey: "PoCL | cpu | 1", dtype: "float32", sizeClass: "small", entry: .object([("gflops", .double(10))]),
      at: Date(timeIntervalSince1970: 1))
    try store.saveTunedConfiguration(
      deviceKey: "PoCL | cpu | 1", dtype: "float64", sizeClass: "small", entry: .object([("gflops", .double(5))]),
      at: Date(timeIntervalSince1970: 2))
    try store.saveTunedConfiguration(
      deviceKey: "PoCL | cpu | 1", dtype: "float32", sizeClass: "small", entry: .object([("gflops", .double(12))]),
      at: Date(timeIntervalSince1970: 3))
    let entries = try store.tunedConfigurations().map { try JSONValue(parsing: Array($0.utf8)) }
    #expect(entries.count == 2)
    #expect(entries.map { $0["gflops"]?.doubleValue } == [5, 12])
  }
}
