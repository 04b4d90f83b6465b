import JSON
import Store

/// The envelope of every search and listing: `/questions`, `/keywords`, `/tables`, `/search`.
struct SearchResponse: Encodable {
  var query: String?
  var mode: String
  var total: Int
  var limit: Int
  var offset: Int
  var tookMilliseconds: Double
  var relaxed: Bool
  var results: [SearchResult]
  var suggestions: [String]
  var facets: Facets

  struct Facets: Encodable {
    var topic: [String: Int]
  }

  enum CodingKeys: String, CodingKey {
    case query, mode, total, limit, offset, relaxed, results, suggestions, facets
    case tookMilliseconds = "took_ms"
  }

  init(page: SearchPage) {
    query = page.query
    mode = page.mode.rawValue
    total = page.total
    limit = page.limit
    offset = page.offset
    tookMilliseconds = page.tookMilliseconds
    relaxed = page.relaxed
    results = page.hits.map(SearchResult.init(hit:))
    suggestions = page.suggestions
    facets = Facets(topic: Dictionary(page.topicFacets.map { ($0.topic, $0.count) }, uniquingKeysWith: +))
  }

  /// A listing without a query: the entries in `topic` (all when nil), paged, with
  /// topic facets counted over every entry before the topic filter, as searches count them.
  init(listing: [SearchResult], topic: String? = nil, limit: Int, offset: Int) {
    let selected = listing.filter { topic == nil || $0.topics.contains(topic!) }
    query = nil
    mode = "list"
    total = selected.count
    self.limit = limit
    self.offset = offset
    tookMilliseconds = 0
    relaxed = false
    results = Array(selected.dropFirst(offset).prefix(limit))
    suggestions = []
    var counts: [String: Int] = [:]
    for entry in listing { for topic in entry.topics { counts[topic, default: 0] += 1 } }
    facets = Facets(topic: counts)
  }
}

/// One entry of a search or listing.
struct SearchResult: Encodable {
  var kind: String
  var id: Int?
  var slug: String
  var title: String
  var topics: [String]
  var snippet: String?
  var score: Double?
  var href: String

  init(hit: SearchHit) {
    kind = hit.kind.rawValue
    id = hit.id
    slug = hit.slug
    title = hit.title
    topics = hit.topics
    snippet = SnippetHTML.html(hit.snippet)
    score = hit.score
    href = Self.href(kind: hit.kind, id: hit.id, slug: hit.slug)
  }

  init(kind: EntryKind, id: Int?, slug: String, title: String, topics: [String]) {
    self.kind = kind.rawValue
    self.id = id
    self.slug = slug
    self.title = title
    self.topics = topics
    href = Self.href(kind: kind, id: id, slug: slug)
  }

  static func href(kind: EntryKind, id: Int?, slug: String) -> String {
    switch kind {
    case .question: id.map { SiteLinks.path(.question($0)) } ?? "/questions/\(slug)"
    case .keyword: SiteLinks.path(.keyword(slug))
    case .table: SiteLinks.path(.table(slug))
    case .term: SiteLinks.path(.term(slug))
    }
  }
}

import Content

import HTTP

/// The HTTP module's ordered JSON writer (Content has a JSONValue of its own for experiment parameters).
private typealias JSON = JSONValue

// The search envelope is the hot path of the knowledge API: it is written
// through `JSON` (a direct byte writer) rather than `JSONEncoder`, which
// cost most of the time of a cached search in `make bench`. Keys are sorted,
// as `JSONEncoder` writes them elsewhere.
extension SearchResponse {
  var json: JSONValue {
    let topics: [(String, JSON)] = facets.topic.keys.sorted().map { ($0, JSON.number(Double(facets.topic[$0]!))) }
    let members: [(String, JSON)] = [
      ("facets", .object([("topic", .object(topics))])),
      ("limit", .number(Double(limit))),
      ("mode", .string(mode)),
      ("offset", .number(Double(offset))),
      ("query", query.map(JSON.string) ?? .null),
      ("relaxed", .bool(relaxed)),
      ("results", .array(results.map(\.json))),
      ("suggestions", .array(suggestions.map(JSON.string))),
      ("took_ms", .number(tookMilliseconds)),
      ("total", .number(Double(total))),
    ]
    return .object(members)
  }
}

extension SearchResult {
  var json: JSONValue {
    var members: [(String, JSON)] = [("href", .string(href))]
    if let id { members.append(("id", .number(Double(id)))) }
    members.append(("kind", .string(kind)))
    if let score { members.append(("score", .number(score))) }
    members.append(("slug", .string(slug)))
    if let snippet { members.append(("snippet", .string(snippet))) }
    members.append(("title", .string(title)))
    members.append(("topics", .array(topics.map(JSON.string))))
    return .object(members)
  }
}
