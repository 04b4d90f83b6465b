extension Corpus {
  /// Cross-entry problems: duplicate ids and slugs, question ids that are not 1…N, and
  /// cross-references that do not resolve. Empty for a valid corpus. ``load(from:)`` runs this.
  public func validationProblems() -> [CorpusProblem] {
    var problems: [CorpusProblem] = []

    var questionFiles: [Int: String] = [:]
    for question in questions {
      if let first = questionFiles[question.id] {
        problems.append(.init(
          file: question.sourcePath, kind: .duplicateID,
          message: "question id \(question.id) is also used by \(first)"))
      } else {
        questionFiles[question.id] = question.sourcePath
      }
    }
    if let highest = questionFiles.keys.max() {
      // N is the number of question files, so a duplicate leaves a gap too.
      let missing = (1...max(highest, questions.count)).filter { questionFiles[$0] == nil }
      if !missing.isEmpty {
        problems.append(.init(
          file: "", kind: .nonContiguousIDs,
          message: "question ids must run 1…N without gaps; missing "
            + missing.map(String.init).joined(separator: ", ")))
      }
    }

    problems += duplicateSlugs(questions.map { ($0.slug, $0.sourcePath) }, kind: "question")
    problems += duplicateSlugs(keywordNotes.map { ($0.slug, $0.sourcePath) }, kind: "keyword")
    problems += duplicateSlugs(tables.map { ($0.slug, $0.sourcePath) }, kind: "table")

    let entries: [(String, [CrossReference])] =
      questions.map { ($0.sourcePath, $0.related) }
      + keywordNotes.map { ($0.sourcePath, $0.related) }
      + tables.map { ($0.sourcePath, $0.related) }
    for (file, related) in entries {
      for reference in related where !contains(reference) {
        problems.append(.init(
          file: file, kind: .danglingReference,
          message: "related `\(reference)` does not name an entry of the corpus"))
      }
    }

    let bodies: [(String, String)] =
      questions.map { ($0.sourcePath, $0.answerMarkdown) }
      + keywordNotes.map { ($0.sourcePath, $0.bodyMarkdown) }
      + tables.map { ($0.sourcePath, $0.bodyMarkdown) }
    for (file, markdown) in bodies {
      for target in Self.linkTargets(in: markdown) {
        guard let reference = CrossReference(target), contains(reference) else {
          problems.append(.init(
            file: file, kind: .danglingReference,
            message: "the link to `\(target)` in the body does not name an entry of the corpus"))
          continue
        }
      }
    }
    return problems
  }

  /// The targets of Markdown links that look like cross-references: `[text](question:8)`.
  static func linkTargets(in markdown: String) -> [String] {
    var targets: [String] = []
    var rest = markdown[...]
    while let open = rest.range(of: "](") {
      rest = rest[open.upperBound...]
      guard let close = rest.firstIndex(of: ")") else { break }
      let target = String(rest[..<close])
      if target.hasPrefix("question:") || target.hasPrefix("keyword:") || target.hasPrefix("table:") {
        targets.append(target)
      }
    }
    return targets
  }

  private func duplicateSlugs(_ slugs: [(String, String)], kind: String) -> [CorpusProblem] {
    var seen: [String: String] = [:]
    var problems: [CorpusProblem] = []
    for (slug, file) in slugs {
      if let first = seen[slug] {
        problems.append(.init(
          file: file, kind: .duplicateSlug, message: "\(kind) slug `\(slug)` is also used by \(first)"))
      } else {
        seen[slug] = file
      }
    }
    return problems
  }
}
