import Content
import Foundation
import GRDB

/// One indexed document as search results show it; `rowid` is its `documents.id` and its
/// `search_index` rowid.
struct DocumentEntry: Sendable {
  var rowid: Int64
  var kind: EntryKind
  var slug: String
  var questionID: Int?
  var title: String
  var titleHTML: String
  var topics: [String]
  /// The first words of the body (plain text), the snippet of a hit whose body does not match.
  var lead: String
}

/// An immutable snapshot of the synced corpus, loaded from the database once per sync and
/// shared by every lookup. Replaced whole (see ``Store/catalogState``).
final class CorpusCatalog: Sendable {
  /// The stored corpus hash (`<fnv hex>/index-v<N>`), or `nil` before the first sync.
  let storedHash: String?
  let questions: [Question]
  let keywordNotes: [KeywordNote]
  let tables: [DataTable]
  let terms: [Term]
  let termIndexBySlug: [String: Int]
  let questionIndexByID: [Int: Int]
  let questionIndexBySlug: [String: Int]
  let keywordIndexBySlug: [String: Int]
  let tableIndexBySlug: [String: Int]
  /// Indexed by rowid; `documents[0]` is unused.
  let documents: [DocumentEntry?]
  let topics: [TopicCount]
  let vocabulary: Vocabulary

  init(
    storedHash: String?, questions: [Question], keywordNotes: [KeywordNote], tables: [DataTable], terms: [Term],
    documents: [DocumentEntry], vocabulary: Vocabulary
  ) {
    self.terms = terms
    termIndexBySlug = Dictionary(terms.enumerated().map { ($1.slug, $0) }, uniquingKeysWith: { a, _ in a })
    self.storedHash = storedHash
    self.questions = questions
    self.keywordNotes = keywordNotes
    self.tables = tables
    questionIndexByID = Dictionary(questions.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
    questionIndexBySlug = Dictionary(questions.enumerated().map { ($1.slug, $0) }, uniquingKeysWith: { a, _ in a })
    keywordIndexBySlug = Dictionary(keywordNotes.enumerated().map { ($1.slug, $0) }, uniquingKeysWith: { a, _ in a })
    tableIndexBySlug = Dictionary(tables.enumerated().map { ($1.slug, $0) }, uniquingKeysWith: { a, _ in a })
    var byRowID = [DocumentEntry?](repeating: nil, count: Int(documents.map(\.rowid).max() ?? 0) + 1)
    for document in documents { byRowID[Int(document.rowid)] = document }
    self.documents = byRowID
    var counts: [String: Int] = [:]
    for question in questions {
      for topic in Set(question.topics) { counts[topic, default: 0] += 1 }
    }
    topics = counts.map { TopicCount(topic: $0.key, count: $0.value) }.sorted()
    self.vocabulary = vocabulary
  }

  func document(rowid: Int64) -> DocumentEntry? {
    rowid > 0 && rowid < documents.count ? documents[Int(rowid)] : nil
  }

  func title(of reference: CrossReference) -> (title: String, titleHTML: String)? {
    switch reference {
    case .question(let id): questionIndexByID[id].map { (questions[$0].title, questions[$0].titleHTML) }
    case .keyword(let slug): keywordIndexBySlug[slug].map { (keywordNotes[$0].title, keywordNotes[$0].titleHTML) }
    case .table(let slug): tableIndexBySlug[slug].map { (tables[$0].title, tables[$0].titleHTML) }
    case .term(let slug): termIndexBySlug[slug].map { (terms[$0].title, terms[$0].titleHTML) }
    }
  }

  // MARK: - Loading

  /// Reads the corpus tables (once per sync; the JSON list columns are decoded here, never on
  /// the request path).
  static func load(_ db: Database, leadWords: Int) throws -> CorpusCatalog {
    let storedHash = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'corpus_hash'")
    let decoder = JSONDecoder()
    func list<T: Decodable>(_ row: Row, _ column: String, as type: T.Type = T.self) throws -> T {
      try decoder.decode(T.self, from: Data((row[column] as String? ?? "[]").utf8))
    }

    let questions = try Row.fetchAll(db, sql: "SELECT * FROM questions ORDER BY id").map { row in
      Question(
        id: row["id"], slug: row["slug"], title: row["title"], titleHTML: row["title_html"] as String,
        topics: try list(row, "topics"), keywords: try list(row, "keywords"),
        related: try list(row, "related"), experiments: try list(row, "experiments"),
        exercises: try list(row, "exercises"), claims: try list(row, "claims"), beyondSeed: row["beyond_seed"],
        answerMarkdown: row["answer_markdown"], answerHTML: row["answer_html"] as String,
        sourcePath: row["source_path"])
    }
    let notes = try Row.fetchAll(db, sql: "SELECT * FROM keywords ORDER BY position").map { row in
      KeywordNote(
        slug: row["slug"], title: row["title"], titleHTML: row["title_html"] as String,
        summary: row["summary"], summaryHTML: row["summary_html"] as String,
        keywords: try list(row, "keywords"), related: try list(row, "related"),
        bodyMarkdown: row["body_markdown"], bodyHTML: row["body_html"] as String,
        sourcePath: row["source_path"])
    }
    let tables = try Row.fetchAll(db, sql: "SELECT * FROM data_tables ORDER BY position").map { row in
      DataTable(
        slug: row["slug"], title: row["title"], titleHTML: row["title_html"] as String,
        keywords: try list(row, "keywords"), columns: try list(row, "columns"),
        rows: try list(row, "rows"), columnsHTML: try list(row, "columns_html"),
        rowsHTML: try list(row, "rows_html"), related: try list(row, "related"),
        bodyMarkdown: row["body_markdown"], bodyHTML: row["body_html"] as String,
        sourcePath: row["source_path"])
    }
    let terms = try Row.fetchAll(db, sql: "SELECT entry FROM terms ORDER BY position").map { row in
      try decoder.decode(Term.self, from: Data((row["entry"] as String).utf8))
    }

    var topicsByDocument: [Int64: [String]] = [:]
    for row in try Row.fetchAll(db, sql: "SELECT document_id, topic FROM document_topics ORDER BY document_id, topic") {
      topicsByDocument[row[0], default: []].append(row[1])
    }
    let titlesHTML: [String: String] =
      Dictionary(questions.map { ("question/\($0.slug)", $0.titleHTML) }, uniquingKeysWith: { a, _ in a })
      .merging(notes.map { ("keyword/\($0.slug)", $0.titleHTML) }, uniquingKeysWith: { a, _ in a })
      .merging(tables.map { ("table/\($0.slug)", $0.titleHTML) }, uniquingKeysWith: { a, _ in a })
      .merging(terms.map { ("term/\($0.slug)", $0.titleHTML) }, uniquingKeysWith: { a, _ in a })
    var leads: [Int64: String] = [:]
    let firstPassages = try Row.fetchAll(
      db, sql: "SELECT rowid / ?1, body FROM search_passages WHERE rowid % ?1 = 0",
      arguments: [Store.passageStride])
    for row in firstPassages {
      leads[row[0]] = Passages.lead(of: row[1], words: leadWords)
    }
    let documents = try Row.fetchAll(db, sql: "SELECT id, kind, slug, question_id, title FROM documents ORDER BY id")
      .compactMap { row -> DocumentEntry? in
        guard let kind = EntryKind(rawValue: row["kind"]) else { return nil }
        let rowid: Int64 = row["id"]
        let slug: String = row["slug"]
        let title: String = row["title"]
        return DocumentEntry(
          rowid: rowid, kind: kind, slug: slug, questionID: row["question_id"], title: title,
          titleHTML: titlesHTML["\(kind.rawValue)/\(slug)"] ?? HTMLEscaping.escape(title),
          topics: topicsByDocument[rowid] ?? [], lead: leads[rowid] ?? "")
      }

    let words = try Row.fetchAll(db, sql: "SELECT word, frequency FROM vocabulary").map {
      Vocabulary.Word(text: $0[0], frequency: $0[1])
    }
    return CorpusCatalog(
      storedHash: storedHash, questions: questions, keywordNotes: notes, tables: tables, terms: terms,
      documents: documents, vocabulary: Vocabulary(words))
  }
}
