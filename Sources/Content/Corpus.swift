import Foundation

/// The loaded knowledge corpus: the questions, the keyword notes, the tables and the glossary.
///
/// Load it with ``load(from:)`` (which validates everything and throws ``CorpusError``), usually
/// from ``defaultDirectory``. A `Corpus` is an immutable value, safe to share between threads.
public struct Corpus: Sendable, Hashable {
  /// The questions, ordered by id (1…N).
  public var questions: [Question]
  /// The keyword notes, ordered by file name.
  public var keywordNotes: [KeywordNote]
  /// The tables, ordered by file name.
  public var tables: [DataTable]
  /// The glossary terms, ordered by file name.
  public var terms: [Term]
  /// A 64-bit FNV-1a hash over the sorted relative file names and bytes of every entry file;
  /// it changes when any file is added, removed, renamed or edited.
  public var contentHash: UInt64
  /// Problems that do not stop loading (unknown fields, unknown topics, unusual file names,
  /// empty bodies): worth logging at startup.
  public var warnings: [CorpusProblem]

  public init(
    questions: [Question], keywordNotes: [KeywordNote], tables: [DataTable], terms: [Term] = [],
    contentHash: UInt64, warnings: [CorpusProblem] = []
  ) {
    self.questions = questions.sorted { $0.id < $1.id }
    self.keywordNotes = keywordNotes
    self.tables = tables
    self.terms = terms
    self.contentHash = contentHash
    self.warnings = warnings
  }

  /// ``contentHash`` as 16 lower-case hex digits, for an `ETag` or a log line.
  public var contentHashHex: String { ContentHash.hex(contentHash) }

  /// The topics documented in `Content/README.md`; others load with an `unknownTopic` warning.
  public static let documentedTopics: Set<String> = [
    "python", "cpp", "gil", "api-design", "numpy", "scipy", "cuda", "opencl", "gpu", "cpu",
    "memory", "blas", "numerics", "benchmarking", "frameworks", "parallel", "jit",
  ]
}

// MARK: - Lookup

extension Corpus {
  public func question(id: Int) -> Question? {
    questions.first { $0.id == id }
  }

  public func question(slug: String) -> Question? {
    questions.first { $0.slug == slug }
  }

  public func keywordNote(slug: String) -> KeywordNote? {
    keywordNotes.first { $0.slug == slug }
  }

  public func table(slug: String) -> DataTable? {
    tables.first { $0.slug == slug }
  }

  public func term(slug: String) -> Term? {
    terms.first { $0.slug == slug }
  }

  /// Whether `reference` names an entry of this corpus.
  public func contains(_ reference: CrossReference) -> Bool {
    switch reference {
    case .question(let id): question(id: id) != nil
    case .keyword(let slug): keywordNote(slug: slug) != nil
    case .table(let slug): table(slug: slug) != nil
    case .term(let slug): term(slug: slug) != nil
    }
  }
}

// MARK: - Links

extension Corpus {
  /// Every entry with the file it came from, its reference, its Markdown body and its `related`.
  var entryTexts: [(file: String, reference: CrossReference, markdown: String, related: [CrossReference])] {
    questions.map { ($0.sourcePath, .question($0.id), $0.answerMarkdown, $0.related) }
      + keywordNotes.map { ($0.sourcePath, .keyword($0.slug), $0.bodyMarkdown, $0.related) }
      + tables.map { ($0.sourcePath, .table($0.slug), $0.bodyMarkdown, $0.related) }
      + terms.map { ($0.sourcePath, .term($0.slug), $0.bodyMarkdown, $0.related) }
  }

  /// Adds the targets of each entry's body links to its `related` (after the front matter's, once
  /// each, never itself), and fills each term's `usedBy` with the entries that link to it.
  mutating func linkEntries() {
    func merged(_ related: [CrossReference], _ markdown: String, _ own: CrossReference) -> [CrossReference] {
      var seen = Set(related)
      var result = related
      for target in Self.linkTargets(in: markdown) {
        guard let reference = CrossReference(target), reference != own, seen.insert(reference).inserted else { continue }
        result.append(reference)
      }
      return result
    }
    for index in questions.indices {
      questions[index].related = merged(questions[index].related, questions[index].answerMarkdown, .question(questions[index].id))
    }
    for index in keywordNotes.indices {
      keywordNotes[index].related = merged(keywordNotes[index].related, keywordNotes[index].bodyMarkdown, .keyword(keywordNotes[index].slug))
    }
    for index in tables.indices {
      tables[index].related = merged(tables[index].related, tables[index].bodyMarkdown, .table(tables[index].slug))
    }
    for index in terms.indices {
      terms[index].related = merged(terms[index].related, terms[index].bodyMarkdown, .term(terms[index].slug))
    }
    var users: [String: [CrossReference]] = [:]
    for entry in entryTexts {
      for target in Set(Self.linkTargets(in: entry.markdown)) {
        guard case .term(let slug)? = CrossReference(target), entry.reference != .term(slug) else { continue }
        users[slug, default: []].append(entry.reference)
      }
    }
    for index in terms.indices {
      terms[index].usedBy = (users[terms[index].slug] ?? []).sorted { $0.sortKey < $1.sortKey }
    }
  }
}

extension CrossReference {
  /// Questions first by number, then keyword notes, tables and terms by slug.
  var sortKey: String {
    switch self {
    case .question(let id): String(format: "0%05d", id)
    case .keyword(let slug): "1" + slug
    case .table(let slug): "2" + slug
    case .term(let slug): "3" + slug
    }
  }
}
