import Content
import Foundation
import GRDB

/// What ``Store/syncCorpus(_:)`` did.
public enum CorpusSyncOutcome: Sendable, Hashable {
  /// The stored corpus already had this content hash; nothing was written.
  case unchanged
  /// The corpus tables and the search index were rebuilt with this many documents.
  case reloaded(documents: Int)
}

extension Store {
  /// The corpus hash stored by the last sync (`<16 hex digits>/index-v<N>`), or `nil` before the
  /// first sync.
  public var storedCorpusHash: String? { catalog.storedHash }

  /// Makes the stored corpus match `corpus`. When the stored hash (content hash plus
  /// ``indexVersion``) equals the corpus's, nothing is written; otherwise every corpus table and
  /// the search index are rebuilt in one write transaction (readers keep seeing the old corpus
  /// until it commits), and the in-memory catalog is reloaded.
  @discardableResult
  public func syncCorpus(_ corpus: Corpus) throws(StoreError) -> CorpusSyncOutcome {
    let hash = Self.storedHash(for: corpus)
    let outcome: CorpusSyncOutcome = try mappingErrors {
      try pool.write { db in
        let stored = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'corpus_hash'")
        guard stored != hash else { return .unchanged }
        let count = try Self.replaceCorpus(with: corpus, in: db)
        try db.execute(
          sql: """
            INSERT INTO meta (key, value) VALUES ('corpus_hash', ?)
            ON CONFLICT (key) DO UPDATE SET value = excluded.value
            """,
          arguments: [hash])
        return .reloaded(documents: count)
      }
    }
    if outcome != .unchanged || catalog.storedHash != hash {
      let fresh = try mappingErrors { try pool.read { db in try CorpusCatalog.load(db, leadWords: configuration.snippetTokens) } }
      catalogState.withLock { $0 = fresh }
      searchCache.removeAll()
    }
    return outcome
  }

  static func storedHash(for corpus: Corpus) -> String {
    "\(corpus.contentHashHex)/index-v\(indexVersion)"
  }

  /// Deletes the corpus rows and inserts `corpus`; returns the number of documents.
  private static func replaceCorpus(with corpus: Corpus, in db: Database) throws -> Int {
    // Entry rows are written before their `documents` rows; check the references at commit.
    try db.execute(sql: "PRAGMA defer_foreign_keys = ON")
    for table in [
      "questions", "keywords", "data_tables", "terms", "document_topics", "documents", "search_index", "search_passages",
      "vocabulary",
    ] {
      try db.execute(sql: "DELETE FROM \(table)")
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    func json<T: Encodable>(_ value: T) throws -> String {
      String(decoding: try encoder.encode(value), as: UTF8.self)
    }
    var documents: [IndexedDocument] = []

    for question in corpus.questions {
      let rowid = Int64(documents.count + 1)
      documents.append(IndexedDocument(
        rowid: rowid, kind: .question, slug: question.slug, questionID: question.id,
        title: question.title, titleText: PlainText.fromHTML(question.titleHTML),
        keywordsText: (question.keywords + question.topics).joined(separator: ", "),
        bodyText: PlainText.fromHTML(question.answerHTML), topics: question.topics))
      try db.execute(
        sql: """
          INSERT INTO questions (id, document_id, slug, title, title_html, topics, keywords, related,
            experiments, exercises, claims, beyond_seed, answer_markdown, answer_html, source_path)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          """,
        arguments: [
          question.id, rowid, question.slug, question.title, question.titleHTML,
          try json(question.topics), try json(question.keywords), try json(question.related),
          try json(question.experiments), try json(question.exercises), try json(question.claims), question.beyondSeed,
          question.answerMarkdown, question.answerHTML, question.sourcePath,
        ])
    }
    for (position, note) in corpus.keywordNotes.enumerated() {
      let rowid = Int64(documents.count + 1)
      documents.append(IndexedDocument(
        rowid: rowid, kind: .keyword, slug: note.slug, questionID: nil, title: note.title,
        titleText: PlainText.fromHTML(note.titleHTML),
        keywordsText: note.keywords.joined(separator: ", "),
        bodyText: PlainText.fromHTML(note.summaryHTML) + "\n" + PlainText.fromHTML(note.bodyHTML),
        topics: []))
      try db.execute(
        sql: """
          INSERT INTO keywords (slug, document_id, position, title, title_html, summary, summary_html,
            keywords, related, body_markdown, body_html, source_path)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          """,
        arguments: [
          note.slug, rowid, position, note.title, note.titleHTML, note.summary, note.summaryHTML,
          try json(note.keywords), try json(note.related), note.bodyMarkdown, note.bodyHTML,
          note.sourcePath,
        ])
    }
    for (position, table) in corpus.tables.enumerated() {
      let rowid = Int64(documents.count + 1)
      let cells = ([table.columnsHTML] + table.rowsHTML).map { row in
        row.map(PlainText.fromHTML).joined(separator: " · ")
      }
      documents.append(IndexedDocument(
        rowid: rowid, kind: .table, slug: table.slug, questionID: nil, title: table.title,
        titleText: PlainText.fromHTML(table.titleHTML),
        keywordsText: table.keywords.joined(separator: ", "),
        bodyText: cells.joined(separator: "\n") + "\n" + PlainText.fromHTML(table.bodyHTML),
        topics: []))
      try db.execute(
        sql: """
          INSERT INTO data_tables (slug, document_id, position, title, title_html, keywords, columns,
            rows, columns_html, rows_html, related, body_markdown, body_html, source_path)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          """,
        arguments: [
          table.slug, rowid, position, table.title, table.titleHTML, try json(table.keywords),
          try json(table.columns), try json(table.rows), try json(table.columnsHTML),
          try json(table.rowsHTML), try json(table.related), table.bodyMarkdown, table.bodyHTML,
          table.sourcePath,
        ])
    }
    for (position, term) in corpus.terms.enumerated() {
      let rowid = Int64(documents.count + 1)
      documents.append(IndexedDocument(
        rowid: rowid, kind: .term, slug: term.slug, questionID: nil, title: term.title,
        titleText: PlainText.fromHTML(term.titleHTML),
        keywordsText: term.keywords.joined(separator: ", "),
        bodyText: PlainText.fromHTML(term.summaryHTML) + "\n" + PlainText.fromHTML(term.bodyHTML),
        topics: []))
      try db.execute(
        sql: "INSERT INTO terms (slug, document_id, position, entry) VALUES (?, ?, ?, ?)",
        arguments: [term.slug, rowid, position, try json(term)])
    }

    var vocabulary: [String: (frequency: Int, documents: Int)] = [:]
    for document in documents {
      try db.execute(
        sql: "INSERT INTO documents (id, kind, slug, question_id, title) VALUES (?, ?, ?, ?, ?)",
        arguments: [document.rowid, document.kind.rawValue, document.slug, document.questionID, document.title])
      for topic in Set(document.topics) {
        try db.execute(
          sql: "INSERT INTO document_topics (topic, document_id) VALUES (?, ?)",
          arguments: [topic, document.rowid])
      }
      let title = SnippetMarkup.removingSentinels(document.titleText)
      let keywords = SnippetMarkup.removingSentinels(document.keywordsText)
      let body = SnippetMarkup.removingSentinels(document.bodyText)
      try db.execute(
        sql: "INSERT INTO search_index (rowid, title, keywords, body) VALUES (?, ?, ?, ?)",
        arguments: [document.rowid, title, keywords, body])
      for (number, passage) in Passages.split(body).enumerated() where number < Int(passageStride) {
        try db.execute(
          sql: "INSERT INTO search_passages (rowid, body) VALUES (?, ?)",
          arguments: [document.rowid * passageStride + Int64(number), passage])
      }
      var seen: Set<String> = []
      for word in SearchTokenizer.words(title + "\n" + keywords + "\n" + body)
      where word.unicodeScalars.count >= 2 && word.unicodeScalars.count <= 40
        && !word.allSatisfy({ $0.isNumber || $0 == "_" })
      {
        vocabulary[word, default: (0, 0)].frequency += 1
        if seen.insert(word).inserted { vocabulary[word, default: (0, 0)].documents += 1 }
      }
    }
    for (word, counts) in vocabulary {
      try db.execute(
        sql: "INSERT INTO vocabulary (word, frequency, documents) VALUES (?, ?, ?)",
        arguments: [word, counts.frequency, counts.documents])
    }
    try db.execute(sql: "INSERT INTO search_index (search_index) VALUES ('optimize')")
    try db.execute(sql: "INSERT INTO search_passages (search_passages) VALUES ('optimize')")
    return documents.count
  }
}

/// A document's index row before it is written.
private struct IndexedDocument {
  var rowid: Int64
  var kind: EntryKind
  var slug: String
  var questionID: Int?
  var title: String
  var titleText: String
  var keywordsText: String
  var bodyText: String
  var topics: [String]
}
