import Content
import Foundation
import GRDB

extension Store {
  /// Every match with its bm25 rank (title ×10, keywords ×5, body ×1; lower is better in SQLite),
  /// best first. Ranking reads only the index, never the document text.
  static let rankingSQL = """
    SELECT rowid, bm25(search_index, 10.0, 5.0, 1.0) FROM search_index
    WHERE search_index MATCH ?1 ORDER BY 2, rowid
    """

  /// The snippet length in tokens, clamped to FTS5's 1…64.
  var snippetTokenCount: Int { max(1, min(configuration.snippetTokens, 64)) }

  /// Plain-mode snippets: for each document of one page (`?2`, a JSON array of document ids) the
  /// best passage by bm25 under `?1` (the query's any-word expression), and its snippet. Only
  /// one passage per document is tokenized by `snippet()`. Matches are wrapped in U+E000/U+E001
  /// and turned into ranges by ``SnippetMarkup``.
  func passageSnippetSQL() -> String {
    """
    SELECT rowid / \(Self.passageStride), snippet(search_passages, 0, char(57344), char(57345), '…', \(snippetTokenCount))
    FROM search_passages
    WHERE search_passages MATCH ?1 AND rowid IN (
      SELECT rowid FROM (
        SELECT rowid, row_number() OVER (
          PARTITION BY rowid / \(Self.passageStride) ORDER BY bm25(search_passages), rowid) AS n
        FROM search_passages
        WHERE search_passages MATCH ?1
          AND rowid / \(Self.passageStride) IN (SELECT value FROM json_each(?2)))
      WHERE n = 1)
    """
  }

  /// Raw-mode snippets: the whole body column of the page's documents (`?2`) under the user's
  /// expression, which may use column filters and operators that passages cannot answer.
  func bodySnippetSQL() -> String {
    """
    SELECT rowid, snippet(search_index, 2, char(57344), char(57345), '…', \(snippetTokenCount))
    FROM search_index WHERE search_index MATCH ?1 AND rowid IN (SELECT value FROM json_each(?2))
    """
  }

  /// Searches the corpus. See ``SearchQuery`` and ``SearchMode`` for what the text means and
  /// ``SearchPage`` for what comes back.
  ///
  /// Plain mode never fails on the text: any string (operators, quotes, NUL, emoji, 10 KB) yields
  /// a page, possibly empty. Raw mode throws ``StoreError/invalidQuery(_:)`` for an expression
  /// FTS5 rejects. Either may throw ``StoreError/timeLimitExceeded(_:)``.
  ///
  /// Pages are cached per query until the corpus changes (``SearchPage/cached`` says so).
  public func search(_ query: SearchQuery) throws(StoreError) -> SearchPage {
    let started = ContinuousClock.now
    let catalog = self.catalog
    if var page = searchCache.page(for: query, catalog: catalog) {
      page.cached = true
      page.took = ContinuousClock.now - started
      return page
    }
    var page = try computeSearch(query, catalog: catalog)
    searchCache.store(page, for: query, catalog: catalog)
    page.took = ContinuousClock.now - started
    return page
  }

  /// Runs a search without the cache (the SQL path every time). Benchmarks and tests compare it
  /// with ``search(_:)``.
  public func searchUncached(_ query: SearchQuery) throws(StoreError) -> SearchPage {
    let started = ContinuousClock.now
    var page = try computeSearch(query, catalog: catalog)
    page.took = ContinuousClock.now - started
    return page
  }

  private func computeSearch(_ query: SearchQuery, catalog: CorpusCatalog) throws(StoreError) -> SearchPage {
    let started = ContinuousClock.now
    let deadline = queryDeadline
    var words: [String] = []
    var expressions: [String] = []
    switch query.mode {
    case .plain:
      words = MatchExpression.words(in: query.text, limit: max(1, configuration.maximumQueryTerms))
      if !words.isEmpty { expressions.append(MatchExpression.all(words)) }
      if words.count > 1 { expressions.append(MatchExpression.any(words)) }
    case .raw:
      guard query.text.utf8.count <= configuration.maximumRawQueryBytes else {
        throw .invalidQuery("the expression is longer than \(configuration.maximumRawQueryBytes) bytes")
      }
      if let refusal = MatchExpression.costRefusal(ofRaw: query.text, maximumTerms: max(1, configuration.maximumQueryTerms)) {
        throw .invalidQuery(refusal)
      }
      if !query.text.allSatisfy(\.isWhitespace) { expressions.append(query.text) }
    }
    guard !expressions.isEmpty else {
      return SearchPage(
        query: query.text, mode: query.mode, matchExpression: "", relaxed: false, total: 0,
        limit: query.limit, offset: query.offset, hits: [], topicFacets: [], suggestions: [],
        took: ContinuousClock.now - started)
    }

    let snippetSQL = query.mode == .plain ? passageSnippetSQL() : bodySnippetSQL()
    var page = try limitedRead(until: deadline) { db -> SearchPage in
      var expressionIndex = 0
      var matches = try Self.matches(of: expressions[0], in: db, query: query, catalog: catalog)
      if matches.ranked.isEmpty, expressions.count > 1 {
        expressionIndex = 1
        matches = try Self.matches(of: expressions[1], in: db, query: query, catalog: catalog)
      }
      let expression = expressions[expressionIndex]
      // Passages are matched with any word: a passage holding some of the words is still the
      // right excerpt of a document that holds them all.
      let snippetExpression = query.mode == .plain ? expressions[expressions.count - 1] : expression
      let pageRows = matches.ranked.dropFirst(query.offset).prefix(query.limit)
      var statements = [SearchStatement(sql: Self.rankingSQL, arguments: [expression])]

      var snippets: [Int64: Snippet] = [:]
      if !pageRows.isEmpty {
        let rowids = "[" + pageRows.map { String($0.document.rowid) }.joined(separator: ",") + "]"
        statements.append(SearchStatement(sql: snippetSQL, arguments: [snippetExpression, rowids]))
        let cursor = try Row.fetchCursor(db.cachedStatement(sql: snippetSQL), arguments: [snippetExpression, rowids])
        while let row = try cursor.next() {
          snippets[row[0]] = SnippetMarkup.snippet(row[1] as String? ?? "")
        }
      }
      let hits = pageRows.map { match in
        SearchHit(
          kind: match.document.kind, id: match.document.questionID, slug: match.document.slug,
          title: match.document.title, titleHTML: match.document.titleHTML,
          topics: match.document.topics,
          snippet: snippets[match.document.rowid] ?? Snippet(text: match.document.lead),
          score: -match.rank)
      }
      return SearchPage(
        query: query.text, mode: query.mode, matchExpression: expression,
        relaxed: expressionIndex == 1, total: matches.ranked.count, limit: query.limit,
        offset: query.offset, hits: hits, topicFacets: matches.facets, suggestions: [],
        took: .zero, statements: statements)
    }

    if query.mode == .plain, page.total < configuration.suggestionThreshold || page.relaxed
      || words.enumerated().contains(where: { !catalog.vocabulary.knows($1, asPrefix: $0 == words.count - 1) })
    {
      page.suggestions = try suggestions(
        for: words, matchingAtLeast: page.relaxed ? 0 : page.total, query: query, catalog: catalog, deadline: deadline)
    }
    page.took = ContinuousClock.now - started
    return page
  }

  /// Runs statements as a search ran them (``SearchPage/statements``), stepping through every
  /// row and doing nothing else; returns the number of rows. A baseline for benchmarks: the
  /// difference from ``search(_:)`` is the Swift side's cost.
  @discardableResult
  public func runStatements(_ statements: [SearchStatement]) throws(StoreError) -> Int {
    try limitedRead { db in
      var rows = 0
      for statement in statements {
        let prepared = try db.cachedStatement(sql: statement.sql)
        prepared.arguments = StatementArguments(statement.arguments)
        let cursor = try Row.fetchCursor(prepared)
        while try cursor.next() != nil { rows += 1 }
      }
      return rows
    }
  }

  // MARK: - Matching

  struct Match {
    var document: DocumentEntry
    /// SQLite's bm25 (lower is better).
    var rank: Double
  }

  struct MatchSet {
    /// Matches after the kind and topic filters, best first.
    var ranked: [Match]
    /// Topic counts after the kind filter, before the topic filter.
    var facets: [TopicCount]
  }

  /// How much of its bm25 score a glossary term keeps in a search over every kind. A definition
  /// of 150 words that names the word in its title outscores any answer under bm25's length
  /// normalisation; the answers are what a search is for, the term is one click away in them,
  /// and `kind=term` (or `/terms?q=`) ranks terms on their own score.
  static let termWeight = 0.3

  /// Runs the ranking statement and applies the kind and topic filters in memory (from the
  /// catalog). Raw-mode expressions that FTS5 rejects become ``StoreError/invalidQuery(_:)``.
  static func matches(of expression: String, in db: Database, query: SearchQuery, catalog: CorpusCatalog) throws -> MatchSet {
    var ranked: [Match] = []
    var topicCounts: [String: Int] = [:]
    let termsOnly = query.kinds == [.term]
    do {
      let cursor = try Row.fetchCursor(db.cachedStatement(sql: rankingSQL), arguments: [expression])
      while let row = try cursor.next() {
        guard let document = catalog.document(rowid: row[0]) else { continue }
        if !query.kinds.isEmpty, !query.kinds.contains(document.kind) { continue }
        for topic in document.topics { topicCounts[topic, default: 0] += 1 }
        if let topic = query.topic, !document.topics.contains(topic) { continue }
        let rank: Double = row[1]
        ranked.append(Match(document: document, rank: document.kind == .term && !termsOnly ? rank * termWeight : rank))
      }
    } catch let error as DatabaseError where error.resultCode == .SQLITE_ERROR && query.mode == .raw {
      throw StoreError.invalidQuery(error.message ?? "invalid FTS5 expression")
    }
    if !termsOnly { ranked.sort { ($0.rank, $0.document.rowid) < ($1.rank, $1.document.rowid) } }
    let facets = topicCounts.map { TopicCount(topic: $0.key, count: $0.value) }.sorted()
    return MatchSet(ranked: ranked, facets: facets)
  }

  // MARK: - Did you mean

  /// Corrected queries for `words` that find at least one document and no fewer than `total`
  /// (with the same filters): each word that is not in the vocabulary (the last word: not a
  /// prefix of any word) is replaced by its nearest vocabulary words. (A misspelling can still
  /// match through stemming and the prefix rule, `coalesing` → stem `coales*`, so "finds more"
  /// would be too strict.)
  private func suggestions(
    for words: [String], matchingAtLeast total: Int, query: SearchQuery, catalog: CorpusCatalog, deadline: UInt64
  ) throws(StoreError) -> [String] {
    let vocabulary = catalog.vocabulary
    guard !words.isEmpty, !vocabulary.isEmpty else { return [] }
    let corrections = words.enumerated().map { index, word -> [String] in
      vocabulary.knows(word, asPrefix: index == words.count - 1) ? [] : vocabulary.corrections(for: word)
    }
    guard let first = corrections.firstIndex(where: { !$0.isEmpty }) else { return [] }
    var candidates: [[String]] = []
    for alternative in corrections[first] {
      var corrected = words
      corrected[first] = alternative
      for (index, options) in corrections.enumerated() where index > first && !options.isEmpty {
        corrected[index] = options[0]
      }
      candidates.append(corrected)
    }
    var plainQuery = query
    plainQuery.mode = .plain
    return try limitedRead(until: deadline) { db in
      var accepted: [String] = []
      for corrected in candidates {
        let found = try Self.matches(of: MatchExpression.all(corrected), in: db, query: plainQuery, catalog: catalog)
        if !found.ranked.isEmpty, found.ranked.count >= total { accepted.append(corrected.joined(separator: " ")) }
      }
      return accepted
    }
  }
}
