import Content
import HTTP
import Store

/// Reading and validating the query parameters the knowledge endpoints share.
struct QueryParameters {
  /// The first value of each query parameter, decoded once per request.
  private let values: [String: String]

  /// Reads the query. A pair whose percent-encoding is malformed or not UTF-8 (`q=%ff`) is a 400
  /// naming it, on every endpoint alike (``HTTPRequest/strictQueryItems()``).
  init(request: HTTPRequest) throws {
    var values: [String: String] = [:]
    for item in try request.strictQueryItems() where values[item.name] == nil { values[item.name] = item.value }
    self.values = values
  }

  /// A query parameter's first value.
  func value(_ name: String) -> String? { values[name] }

  /// The search the knowledge endpoints run for `text`: paging and mode from the query.
  func searchQuery(_ text: String, kinds: Set<EntryKind>, topic: String?) throws -> SearchQuery {
    SearchQuery(text, kinds: kinds, topic: topic, limit: try limit(), offset: try offset(), mode: try mode())
  }

  /// Longest accepted search text in bytes.
  static let maximumQueryBytes = 2000
  /// Largest accepted offset.
  static let maximumOffset = 10_000

  /// `q`, trimmed; nil when absent or blank. Over 2000 bytes: 400.
  func text() throws -> String? {
    guard let q = value("q") else { return nil }
    guard q.utf8.count <= Self.maximumQueryBytes else {
      throw Problem.badRequest("The query is longer than \(Self.maximumQueryBytes) bytes.", field: "q")
    }
    let trimmed = q.trimmingCharacters(in: .whitespacesAndNewlines)
    return trimmed.isEmpty ? nil : trimmed
  }

  /// `limit`: an integer, clamped to 1…100; absent: `fallback`. Not an integer: 400.
  func limit(default fallback: Int = SearchQuery.defaultLimit) throws -> Int {
    guard let text = value("limit") else { return fallback }
    guard let value = Int(text) else { throw Problem.badRequest("limit must be an integer.", field: "limit") }
    return min(max(value, 1), SearchQuery.maximumLimit)
  }

  /// `offset`: an integer in 0…10000; absent: 0. Otherwise 400.
  func offset() throws -> Int {
    guard let text = value("offset") else { return 0 }
    guard let value = Int(text), value >= 0, value <= Self.maximumOffset else {
      throw Problem.badRequest("offset must be an integer from 0 to \(Self.maximumOffset).", field: "offset")
    }
    return value
  }

  /// `mode`: `plain` (default) or `raw` (FTS5 syntax). Otherwise 400.
  func mode() throws -> SearchMode {
    guard let text = value("mode") else { return .plain }
    guard let mode = SearchMode(rawValue: text) else {
      throw Problem.badRequest("mode must be plain or raw.", field: "mode")
    }
    return mode
  }

  /// `topic`, lower-cased; nil when absent.
  func topic() -> String? {
    value("topic").map { $0.lowercased() }.flatMap { $0.isEmpty ? nil : $0 }
  }
}

import Foundation
