import Foundation

extension Corpus {
  /// The environment variable that overrides ``defaultDirectory``.
  public static let directoryEnvironmentVariable = "HPCLAB_CONTENT_DIR"

  /// Where the corpus lives: `$HPCLAB_CONTENT_DIR` when set and not empty, else the `Corpus`
  /// folder next to this source file. The fallback works for `swift run` and `swift test` on the
  /// machine that built the binary; a copied binary needs the environment variable.
  public static var defaultDirectory: URL {
    if let path = ProcessInfo.processInfo.environment[directoryEnvironmentVariable], !path.isEmpty {
      return URL(fileURLWithPath: path, isDirectory: true)
    }
    return sourceDirectory
  }

  /// `Sources/Content/Corpus`, resolved from this file's path at compile time.
  public static var sourceDirectory: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("Corpus", isDirectory: true)
  }

  /// Loads and validates the corpus under `directory` (`questions/`, `keywords/`, `tables/`, `terms/`, each
  /// holding `*.md` files; a missing subfolder counts as empty).
  ///
  /// - Throws: ``CorpusError`` listing every problem found in every file: unreadable files,
  ///   bad front matter, missing required fields, duplicate ids or slugs, ids that are not 1…N,
  ///   cross-references that do not resolve, table rows of the wrong width.
  /// - Parameter renderer: renders every entry's Markdown once (links through its resolver,
  ///   code highlighted); the server passes one that knows its URLs.
  public static func load(from directory: URL, renderer: MarkdownRenderer = .standard) throws(CorpusError) -> Corpus {
    let (corpus, problems) = loadAllowingProblems(from: directory, renderer: renderer)
    guard problems.isEmpty else { throw CorpusError(directory: directory.path, problems: problems) }
    return corpus
  }

  /// Loads what can be loaded and returns it with every problem ``load(from:)`` would throw, for
  /// tools that report problems or work on a corpus being written (entries whose front matter is
  /// broken are left out; dangling references are kept). Servers should use ``load(from:)``.
  public static func loadAllowingProblems(
    from directory: URL, renderer: MarkdownRenderer = .standard
  ) -> (corpus: Corpus, problems: [CorpusProblem]) {
    var problems: [CorpusProblem] = []
    var warnings: [CorpusProblem] = []
    var hash = ContentHash()
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory),
      isDirectory.boolValue
    else {
      let problem = CorpusProblem(file: "", kind: .missingDirectory, message: "no corpus directory at \(directory.path)")
      return (Corpus(questions: [], keywordNotes: [], tables: [], terms: [], contentHash: 0), [problem])
    }

    var questions: [Question] = []
    for (file, text) in readEntries(in: directory, folder: "questions", hash: &hash, problems: &problems) {
      guard let matter = FrontMatter(file: file, text: text, problems: &problems) else { continue }
      if let question = parseQuestion(matter, renderer, problems: &problems, warnings: &warnings) {
        questions.append(question)
      }
    }
    var notes: [KeywordNote] = []
    for (file, text) in readEntries(in: directory, folder: "keywords", hash: &hash, problems: &problems) {
      guard let matter = FrontMatter(file: file, text: text, problems: &problems) else { continue }
      if let note = parseKeywordNote(matter, renderer, problems: &problems, warnings: &warnings) {
        notes.append(note)
      }
    }
    var tables: [DataTable] = []
    for (file, text) in readEntries(in: directory, folder: "tables", hash: &hash, problems: &problems) {
      guard let matter = FrontMatter(file: file, text: text, problems: &problems) else { continue }
      if let table = parseTable(matter, renderer, problems: &problems, warnings: &warnings) {
        tables.append(table)
      }
    }
    var terms: [Term] = []
    for (file, text) in readEntries(in: directory, folder: "terms", hash: &hash, problems: &problems) {
      guard let matter = FrontMatter(file: file, text: text, problems: &problems) else { continue }
      if let term = parseTerm(matter, renderer, problems: &problems, warnings: &warnings) {
        terms.append(term)
      }
    }

    var corpus = Corpus(
      questions: questions, keywordNotes: notes, tables: tables, terms: terms, contentHash: hash.value,
      warnings: warnings)
    corpus.linkEntries()
    problems += corpus.validationProblems()
    return (corpus, problems)
  }

  /// The content hash of the corpus under `directory`, computed from the files alone (no
  /// parsing): equal to ``contentHash`` of what ``load(from:)`` would return. Cheap enough to poll
  /// for "reload when changed" (it reads the files, about 150 KB).
  public static func contentHash(at directory: URL) -> UInt64 {
    var hash = ContentHash()
    for folder in folders {
      for (file, url) in entryFiles(in: directory, folder: folder) {
        guard let data = FileManager.default.contents(atPath: url.path) else { continue }
        hash.combine(file: file, data: data)
      }
    }
    return hash.value
  }

  /// The entry subfolders, in the order they are read and hashed.
  static let folders = ["questions", "keywords", "tables", "terms"]

  /// The `*.md` files of one subfolder, sorted by name: (relative path, URL).
  private static func entryFiles(in directory: URL, folder: String) -> [(String, URL)] {
    let folderURL = directory.appendingPathComponent(folder, isDirectory: true)
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: folderURL.path) else {
      return []
    }
    return names.sorted().filter { $0.hasSuffix(".md") && !$0.hasPrefix(".") }
      .map { ("\(folder)/\($0)", folderURL.appendingPathComponent($0)) }
  }

  /// The `*.md` files of one subfolder, sorted by name, as (relative path, text); folds each name
  /// and its bytes into `hash`.
  private static func readEntries(
    in directory: URL, folder: String, hash: inout ContentHash, problems: inout [CorpusProblem]
  ) -> [(String, String)] {
    var entries: [(String, String)] = []
    for (file, url) in entryFiles(in: directory, folder: folder) {
      guard let data = FileManager.default.contents(atPath: url.path) else {
        problems.append(.init(file: file, kind: .unreadableFile, message: "cannot read the file"))
        continue
      }
      hash.combine(file: file, data: data)
      guard let text = String(data: data, encoding: .utf8) else {
        problems.append(.init(file: file, kind: .unreadableFile, message: "the file is not UTF-8"))
        continue
      }
      entries.append((file, text))
    }
    return entries
  }
}

// MARK: - Entries

extension Corpus {
  static let questionFields: Set<String> = [
    "id", "slug", "title", "topics", "keywords", "related", "experiments", "exercises", "claims", "beyond_seed",
  ]
  static let termFields: Set<String> = ["slug", "title", "summary", "keywords", "related"]
  static let keywordFields: Set<String> = ["slug", "title", "summary", "keywords", "related"]
  static let tableFields: Set<String> = ["slug", "title", "keywords", "columns", "rows", "related"]

  private static func parseQuestion(
    _ matter: FrontMatter, _ renderer: MarkdownRenderer, problems: inout [CorpusProblem], warnings: inout [CorpusProblem]
  ) -> Question? {
    let id = matter.positiveInt("id", problems: &problems)
    let slug = validSlug(matter, problems: &problems)
    let title = matter.string("title", required: true, problems: &problems)
    let topics = matter.stringList("topics", problems: &problems)
    let keywords = matter.stringList("keywords", problems: &problems)
    let related = matter.references("related", problems: &problems)
    let experiments = matter.experiments("experiments", problems: &problems)
    let exercises = matter.exercises("exercises", problems: &problems)
    let claims = matter.claims("claims", problems: &problems)
    let beyondSeed = matter.bool("beyond_seed", problems: &problems)
    commonWarnings(matter, known: questionFields, warnings: &warnings)
    for topic in topics where !documentedTopics.contains(topic) {
      warnings.append(.init(file: matter.file, kind: .unknownTopic, message: "topic `\(topic)` is not in the documented list"))
    }
    guard let id, let slug, let title else { return nil }
    let expected = "questions/" + (id < 10 ? "0\(id)" : "\(id)") + "-\(slug).md"
    if matter.file != expected {
      warnings.append(.init(file: matter.file, kind: .fileNameMismatch, message: "expected the file name \(expected)"))
    }
    return Question(
      id: id, slug: slug, title: title, titleHTML: renderer.inlineHTML(title), topics: topics, keywords: keywords,
      related: related, experiments: experiments, exercises: exercises, claims: claims, beyondSeed: beyondSeed,
      answerMarkdown: matter.body, answerHTML: renderer.html(matter.body), sourcePath: matter.file)
  }

  private static func parseKeywordNote(
    _ matter: FrontMatter, _ renderer: MarkdownRenderer, problems: inout [CorpusProblem], warnings: inout [CorpusProblem]
  ) -> KeywordNote? {
    let slug = validSlug(matter, problems: &problems)
    let title = matter.string("title", required: true, problems: &problems)
    let summary = matter.string("summary", required: true, problems: &problems)
    let keywords = matter.stringList("keywords", problems: &problems)
    let related = matter.references("related", problems: &problems)
    commonWarnings(matter, known: keywordFields, warnings: &warnings)
    guard let slug, let title, let summary else { return nil }
    if matter.file != "keywords/\(slug).md" {
      warnings.append(.init(file: matter.file, kind: .fileNameMismatch, message: "expected the file name keywords/\(slug).md"))
    }
    return KeywordNote(
      slug: slug, title: title, titleHTML: renderer.inlineHTML(title), summary: summary,
      summaryHTML: renderer.inlineHTML(summary), keywords: keywords, related: related,
      bodyMarkdown: matter.body, bodyHTML: renderer.html(matter.body), sourcePath: matter.file)
  }

  private static func parseTable(
    _ matter: FrontMatter, _ renderer: MarkdownRenderer, problems: inout [CorpusProblem], warnings: inout [CorpusProblem]
  ) -> DataTable? {
    let slug = validSlug(matter, problems: &problems)
    let title = matter.string("title", required: true, problems: &problems)
    let keywords = matter.stringList("keywords", problems: &problems)
    let columns = matter.stringList("columns", required: true, problems: &problems)
    let rows = matter.rows("rows", problems: &problems)
    let related = matter.references("related", problems: &problems)
    commonWarnings(matter, known: tableFields, warnings: &warnings)
    if let rows, !columns.isEmpty {
      for (index, row) in rows.enumerated() where row.count != columns.count {
        problems.append(.init(
          file: matter.file, kind: .tableShape,
          message: "row \(index + 1) has \(row.count) cells, expected \(columns.count) (one per column)"))
      }
    }
    guard let slug, let title, !columns.isEmpty, let rows else { return nil }
    if matter.file != "tables/\(slug).md" {
      warnings.append(.init(file: matter.file, kind: .fileNameMismatch, message: "expected the file name tables/\(slug).md"))
    }
    return DataTable(
      slug: slug, title: title, titleHTML: renderer.inlineHTML(title), keywords: keywords, columns: columns, rows: rows,
      columnsHTML: columns.map(renderer.inlineHTML), rowsHTML: rows.map { $0.map(renderer.inlineHTML) },
      related: related, bodyMarkdown: matter.body, bodyHTML: renderer.html(matter.body), sourcePath: matter.file)
  }

  private static func parseTerm(
    _ matter: FrontMatter, _ renderer: MarkdownRenderer, problems: inout [CorpusProblem], warnings: inout [CorpusProblem]
  ) -> Term? {
    let slug = validSlug(matter, problems: &problems)
    let title = matter.string("title", required: true, problems: &problems)
    let summary = matter.string("summary", required: true, problems: &problems)
    let keywords = matter.stringList("keywords", problems: &problems)
    let related = matter.references("related", problems: &problems)
    commonWarnings(matter, known: termFields, warnings: &warnings)
    guard let slug, let title, let summary else { return nil }
    if matter.file != "terms/\(slug).md" {
      warnings.append(.init(file: matter.file, kind: .fileNameMismatch, message: "expected the file name terms/\(slug).md"))
    }
    return Term(
      slug: slug, title: title, titleHTML: renderer.inlineHTML(title), summary: summary,
      summaryHTML: renderer.inlineHTML(summary), keywords: keywords, related: related, bodyMarkdown: matter.body,
      bodyHTML: renderer.html(matter.body), sourcePath: matter.file)
  }

  /// The `slug` field when present and made of `a-z`, `0-9`, `-` and `_` (starting with a letter
  /// or digit).
  private static func validSlug(_ matter: FrontMatter, problems: inout [CorpusProblem]) -> String? {
    guard let slug = matter.string("slug", required: true, problems: &problems) else { return nil }
    let allowed = slug.unicodeScalars.allSatisfy {
      ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_"
    }
    guard allowed, let first = slug.unicodeScalars.first, first != "-", first != "_" else {
      problems.append(.init(
        file: matter.file, kind: .invalidField,
        message: "field `slug` must use only a-z, 0-9, `-` and `_`, found `\(slug)`"))
      return nil
    }
    return slug
  }

  private static func commonWarnings(_ matter: FrontMatter, known: Set<String>, warnings: inout [CorpusProblem]) {
    for field in matter.unknownFields(known: known) {
      warnings.append(.init(file: matter.file, kind: .unknownField, message: "unknown field `\(field)`"))
    }
    if matter.body.isEmpty {
      warnings.append(.init(file: matter.file, kind: .emptyBody, message: "the Markdown body is empty"))
    }
  }
}
