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
import Synchronization

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

/// Search bodies encoded once: a repeated search (the same query on the same corpus) is answered
/// from its bytes, with only `took_ms` written anew (the time of this lookup, as the store's own
/// cache reports it). Bounded: cleared when it holds `capacity` bodies.
final class SearchBodyCache: Sendable {
  private struct Body: Sendable {
    /// The body up to `"took_ms":`, and from the character after its value.
    var head: [UInt8]
    var tail: [UInt8]
  }

  private let bodies = Mutex<[SearchQuery: Body]>([:])
  let capacity: Int

  init(capacity: Int = 1024) { self.capacity = capacity }

  /// The JSON response for `query`: from the cache when the page came from the store's cache
  /// too, else encoded (and kept).
  func response(for query: SearchQuery, page: SearchPage) -> HTTPResponse {
    let took = Array(String((page.tookMilliseconds * 1000).rounded() / 1000).utf8)
    if page.cached, let body = bodies.withLock({ $0[query] }) {
      return HTTPResponse(headers: ["Content-Type": "application/json"], bytes: body.head + took + body.tail)
    }
    let bytes = SearchResponse(page: page).json.encoded()
    if let body = Self.split(bytes) {
      bodies.withLock { bodies in
        if bodies.count >= capacity { bodies.removeAll(keepingCapacity: true) }
        bodies[query] = body
      }
    }
    return HTTPResponse(headers: ["Content-Type": "application/json"], bytes: bytes)
  }

  /// The body cut around `took_ms`'s value (a number, so it ends at the next `,` or `}`).
  private static func split(_ bytes: [UInt8]) -> Body? {
    let key = Array(#""took_ms":"#.utf8)
    guard let start = bytes.firstRange(of: key)?.upperBound,
      let end = bytes[start...].firstIndex(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "}") })
    else { return nil }
    return Body(head: Array(bytes[..<start]), tail: Array(bytes[end...]))
  }
}
