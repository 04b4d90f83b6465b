import Foundation

/// The loaded knowledge corpus: the questions, the keyword notes and the tables.
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
  /// A 64-bit FNV-1a hash over the sorted relative file names and bytes of every entry file;
  /// it changes when any file is added, removed, renamed or edited.
  public var contentHash: UInt64
  /// Problems that do not stop loading (unknown fields, unknown topics, unusual file names,
  /// empty bodies): worth logging at startup.
  public var warnings: [CorpusProblem]

  public init(
    questions: [Question], keywordNotes: [KeywordNote], tables: [DataTable],
    contentHash: UInt64, warnings: [CorpusProblem] = []
  ) {
    self.questions = questions.sorted { $0.id < $1.id }
    self.keywordNotes = keywordNotes
    self.tables = tables
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

  /// Whether `reference` names an entry of this corpus.
  public func contains(_ reference: CrossReference) -> Bool {
    switch reference {
    case .question(let id): question(id: id) != nil
    case .keyword(let slug): keywordNote(slug: slug) != nil
    case .table(let slug): table(slug: slug) != nil
    }
  }
}
