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
    problems += duplicateSlugs(terms.map { ($0.slug, $0.sourcePath) }, kind: "term")

    for entry in entryTexts {
      var reported: Set<String> = []
      for target in Self.linkTargets(in: entry.markdown) where reported.insert(target).inserted {
        guard let reference = CrossReference(target), contains(reference) else {
          problems.append(.init(
            file: entry.file, kind: .danglingReference,
            message: "the link to `\(target)` in the body does not name an entry of the corpus"))
          continue
        }
      }
      // Body links were merged into `related`; report each dangling one once, above.
      for reference in entry.related where !contains(reference) && !reported.contains(reference.description) {
        problems.append(.init(
          file: entry.file, kind: .danglingReference,
          message: "related `\(reference)` does not name an entry of the corpus"))
      }
    }
    return problems
  }

  /// Editorial checks that the handbook meets and a corpus being written may not yet: each entry
  /// ends with a `## Sources` list citing at least one URL or DOI, and no entry mentions another
  /// question ("question 8") without linking it. Loading reports them as warnings; the corpus
  /// test requires none.
  public func editorialProblems() -> [CorpusProblem] {
    var problems: [CorpusProblem] = []
    for entry in entryTexts {
      if !Self.hasSources(entry.markdown) {
        problems.append(.init(
          file: entry.file, kind: .missingSources,
          message: "the body must end with a `## Sources` list citing at least one URL or DOI"))
      }
      for mention in Self.unlinkedQuestionMentions(in: entry.markdown) {
        problems.append(.init(
          file: entry.file, kind: .unlinkedMention,
          message: "`\(mention)` is not a link; write [\(mention)](question:N)"))
      }
    }
    return problems
  }

  /// Whether the Markdown has a `## Sources` heading followed only by list items, at least one of
  /// which carries a URL or a DOI.
  static func hasSources(_ markdown: String) -> Bool {
    let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false)
    guard let heading = lines.lastIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "## Sources" }) else {
      return false
    }
    let items = lines[(heading + 1)...].map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    guard !items.isEmpty, items.allSatisfy({ $0.hasPrefix("- ") || $0.hasPrefix("* ") || !$0.hasPrefix("#") }) else {
      return false
    }
    return items.contains { $0.contains("http://") || $0.contains("https://") || $0.lowercased().contains("doi:") }
  }

  /// "question 8" / "Question 12" written in prose outside a link's text, code spans and fences.
  static func unlinkedQuestionMentions(in markdown: String) -> [String] {
    var mentions: [String] = []
    var inFence = false
    for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
      if line.trimmingCharacters(in: .whitespaces).hasPrefix("```") {
        inFence.toggle()
        continue
      }
      guard !inFence else { continue }
      // Blank out code spans and the text of links, keeping the rest.
      var text = ""
      var inCode = false
      var linkDepth = 0
      var inTarget = false
      var previous: Character = " "
      for character in line {
        defer { previous = character }
        if character == "`" { inCode.toggle(); text.append(" "); continue }
        if inCode { text.append(" "); continue }
        if inTarget {  // the `(question:8)` after a link's text
          text.append(" ")
          if character == ")" { inTarget = false }
          continue
        }
        if character == "(" && previous == "]" && linkDepth == 0 {
          inTarget = true
          text.append(" ")
          continue
        }
        if character == "[" { linkDepth += 1 }
        text.append(linkDepth > 0 ? " " : character)
        if character == "]" { linkDepth = max(0, linkDepth - 1) }
      }
      let words = text.split(whereSeparator: { !$0.isLetter && !$0.isNumber })
      for (index, word) in words.enumerated() where word.lowercased() == "question" || word.lowercased() == "questions" {
        guard index + 1 < words.count, words[index + 1].allSatisfy(\.isNumber) else { continue }
        mentions.append("\(word) \(words[index + 1])")
      }
    }
    return mentions
  }

  /// The targets of Markdown links that look like cross-references: `[text](question:8)`.
  static func linkTargets(in markdown: String) -> [String] {
    var targets: [String] = []
    var rest = markdown[...]
    while let open = rest.range(of: "](") {
      rest = rest[open.upperBound...]
      guard let close = rest.firstIndex(of: ")") else { break }
      let target = String(rest[..<close])
      if target.hasPrefix("question:") || target.hasPrefix("keyword:") || target.hasPrefix("table:")
        || target.hasPrefix("term:")
      {
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
