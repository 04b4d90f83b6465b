import Content

/// What to search for. Build one with ``init(_:kinds:topic:limit:offset:mode:)``; out-of-range
/// values are clamped, never rejected.
public struct SearchQuery: Sendable, Hashable {
  /// The user's text (plain mode) or an FTS5 expression (raw mode).
  public var text: String
  /// Only these kinds of entry; empty means all. Default: all.
  public var kinds: Set<EntryKind>
  /// Only entries with this topic (questions; keyword notes and tables have no topics), compared
  /// lower-cased. Default: `nil`, any topic.
  public var topic: String?
  /// Hits per page, clamped to 1…100. Default: 20.
  public var limit: Int {
    get { _limit }
    set { _limit = min(max(newValue, 1), 100) }
  }
  /// Hits to skip, at least 0. Default: 0.
  public var offset: Int {
    get { _offset }
    set { _offset = max(newValue, 0) }
  }
  /// How ``text`` is read. Default: ``SearchMode/plain``.
  public var mode: SearchMode

  private var _limit = 20
  private var _offset = 0

  /// The default page size.
  public static let defaultLimit = 20
  /// The largest page size.
  public static let maximumLimit = 100

  public init(
    _ text: String, kinds: Set<EntryKind> = [], topic: String? = nil, limit: Int = 20,
    offset: Int = 0, mode: SearchMode = .plain
  ) {
    self.text = text
    self.kinds = kinds
    self.topic = topic.flatMap { $0.isEmpty ? nil : $0.lowercased() }
    self.mode = mode
    self.limit = limit
    self.offset = offset
  }
}

/// How a query's text is turned into an FTS5 expression.
public enum SearchMode: String, Sendable, Hashable, Codable, CaseIterable {
  /// Any text is safe: it is split into words, each quoted as an FTS5 string, all required (AND);
  /// the last word also matches as a prefix (`coal` finds *coalescing*). When every word together
  /// matches nothing, the search is retried with any word (OR) and the page says ``SearchPage/relaxed``.
  case plain
  /// The text is an FTS5 expression (`warp NEAR(divergence branch)`, `title:numba`, `cuda*`); a
  /// syntax error throws ``StoreError/invalidQuery(_:)``.
  case raw
}
