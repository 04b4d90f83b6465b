import Content

/// One page of search results.
///
/// JSON keys: `query`, `mode`, `match_expression`, `relaxed`, `total`, `limit`, `offset`, `hits`,
/// `topic_facets`, `suggestions`, `took_ms`, `cached`. (``statements`` is not encoded.)
public struct SearchPage: Sendable, Hashable, Codable {
  /// The query text as given.
  public var query: String
  public var mode: SearchMode
  /// The FTS5 expression that was run (`"warp" "diverg"*` style for plain mode); empty when the
  /// text had no words.
  public var matchExpression: String
  /// `true` when no document held every word and the words were matched with OR instead.
  public var relaxed: Bool
  /// Hits across all pages (after the kind and topic filters).
  public var total: Int
  public var limit: Int
  public var offset: Int
  /// The hits on this page, best first.
  public var hits: [SearchHit]
  /// Hits per topic over the whole match set after the kind filter and *before* the topic filter,
  /// so a topic menu can show every choice with its count. Most hits first, then by name.
  public var topicFacets: [TopicCount]
  /// Corrected queries ("did you mean"), best first; empty unless a word of the query is not in
  /// the corpus vocabulary (the last word: does not start any word) or ``total`` is below
  /// ``Store/Configuration/suggestionThreshold``, and only corrections that find something.
  /// (`coalesing` finds question 8 through stemming and still suggests `coalescing`.)
  public var suggestions: [String]
  /// Time spent in ``Store/search(_:)``.
  public var took: Duration
  /// Whether the page came from the search cache (see
  /// ``Store/Configuration/searchCacheCapacity``).
  public var cached: Bool = false
  /// The SQL statements this search ran, with their arguments, for benchmarks
  /// (``Store/runStatements(_:)``). Not encoded.
  public var statements: [SearchStatement]

  public init(
    query: String, mode: SearchMode, matchExpression: String, relaxed: Bool, total: Int,
    limit: Int, offset: Int, hits: [SearchHit], topicFacets: [TopicCount], suggestions: [String],
    took: Duration, statements: [SearchStatement] = []
  ) {
    self.query = query
    self.mode = mode
    self.matchExpression = matchExpression
    self.relaxed = relaxed
    self.total = total
    self.limit = limit
    self.offset = offset
    self.hits = hits
    self.topicFacets = topicFacets
    self.suggestions = suggestions
    self.took = took
    self.statements = statements
  }

  enum CodingKeys: String, CodingKey {
    case query, mode, relaxed, total, limit, offset, hits, suggestions, cached
    case matchExpression = "match_expression"
    case topicFacets = "topic_facets"
    case tookMilliseconds = "took_ms"
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    query = try container.decode(String.self, forKey: .query)
    mode = try container.decode(SearchMode.self, forKey: .mode)
    matchExpression = try container.decode(String.self, forKey: .matchExpression)
    relaxed = try container.decode(Bool.self, forKey: .relaxed)
    total = try container.decode(Int.self, forKey: .total)
    limit = try container.decode(Int.self, forKey: .limit)
    offset = try container.decode(Int.self, forKey: .offset)
    hits = try container.decode([SearchHit].self, forKey: .hits)
    topicFacets = try container.decode([TopicCount].self, forKey: .topicFacets)
    suggestions = try container.decode([String].self, forKey: .suggestions)
    took = .microseconds(Int64((try container.decode(Double.self, forKey: .tookMilliseconds) * 1000).rounded()))
    cached = try container.decodeIfPresent(Bool.self, forKey: .cached) ?? false
    statements = []
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(query, forKey: .query)
    try container.encode(mode, forKey: .mode)
    try container.encode(matchExpression, forKey: .matchExpression)
    try container.encode(relaxed, forKey: .relaxed)
    try container.encode(total, forKey: .total)
    try container.encode(limit, forKey: .limit)
    try container.encode(offset, forKey: .offset)
    try container.encode(hits, forKey: .hits)
    try container.encode(topicFacets, forKey: .topicFacets)
    try container.encode(suggestions, forKey: .suggestions)
    try container.encode(tookMilliseconds, forKey: .tookMilliseconds)
    try container.encode(cached, forKey: .cached)
  }

  /// ``took`` in milliseconds (microsecond precision).
  public var tookMilliseconds: Double {
    let (seconds, attoseconds) = took.components
    let milliseconds = Double(seconds) * 1000 + Double(attoseconds) / 1e15
    return (milliseconds * 1000).rounded() / 1000
  }
}

/// One search result.
///
/// JSON keys: `kind`, `id` (questions only, else absent), `slug`, `title`, `title_html`,
/// `topics`, `snippet`, `score`.
public struct SearchHit: Sendable, Hashable, Codable {
  public var kind: EntryKind
  /// The question number; `nil` for keyword notes and tables.
  public var id: Int?
  public var slug: String
  /// The title as written (may hold inline Markdown such as backticks).
  public var title: String
  /// The title as inline HTML.
  public var titleHTML: String
  public var topics: [String]
  /// A passage of the body around the matches, as text with the matched ranges.
  public var snippet: Snippet
  /// Relevance: the negated FTS5 `bm25` with title ×10, keywords ×5, body ×1, so **higher is
  /// better**. Comparable only within one query.
  public var score: Double

  public init(
    kind: EntryKind, id: Int?, slug: String, title: String, titleHTML: String, topics: [String],
    snippet: Snippet, score: Double
  ) {
    self.kind = kind
    self.id = id
    self.slug = slug
    self.title = title
    self.titleHTML = titleHTML
    self.topics = topics
    self.snippet = snippet
    self.score = score
  }

  enum CodingKeys: String, CodingKey {
    case kind, id, slug, title, topics, snippet, score
    case titleHTML = "title_html"
  }
}

/// A topic and how many entries carry it. JSON keys: `topic`, `count`. Sorts by count
/// (descending), then topic.
public struct TopicCount: Sendable, Hashable, Codable, Comparable {
  public var topic: String
  public var count: Int

  public init(topic: String, count: Int) {
    self.topic = topic
    self.count = count
  }

  public static func < (lhs: TopicCount, rhs: TopicCount) -> Bool {
    (-lhs.count, lhs.topic) < (-rhs.count, rhs.topic)
  }
}

/// A SQL statement and its bound arguments, as run by a search (for benchmarking the raw query).
public struct SearchStatement: Sendable, Hashable {
  public var sql: String
  /// Positional arguments (`?1`, `?2`, …), all text.
  public var arguments: [String]

  public init(sql: String, arguments: [String]) {
    self.sql = sql
    self.arguments = arguments
  }
}
