/// One problem found while loading a corpus, tied to the file it was found in.
public struct CorpusProblem: Sendable, Hashable, CustomStringConvertible {
  /// What kind of problem it is, for callers and tests that match on it.
  public enum Kind: String, Sendable, Hashable, CaseIterable {
    /// The corpus directory does not exist or cannot be listed.
    case missingDirectory
    /// A file cannot be read or is not UTF-8.
    case unreadableFile
    /// The `---` front matter is missing or is not a YAML mapping.
    case invalidFrontMatter
    /// A required field is absent or empty.
    case missingField
    /// A field has the wrong type or an invalid value (a malformed slug, a bad reference).
    case invalidField
    /// Two questions share an id.
    case duplicateID
    /// Two entries of one kind share a slug.
    case duplicateSlug
    /// Question ids are not exactly 1…N.
    case nonContiguousIDs
    /// A cross-reference names an entry that does not exist.
    case danglingReference
    /// A table row does not have one cell per column.
    case tableShape
    /// Warning: a front-matter field the loader does not know (a typo?).
    case unknownField
    /// Warning: a topic outside the documented list.
    case unknownTopic
    /// Warning: the file name does not follow `NN-slug.md` / `SLUG.md`.
    case fileNameMismatch
    /// Warning: the Markdown body is empty.
    case emptyBody
    /// An entry without a `## Sources` list that cites a URL or DOI (editorial).
    case missingSources
    /// "question N" in prose that is not a link (editorial).
    case unlinkedMention
  }

  /// The file, relative to the corpus directory (`questions/08-….md`); empty for corpus-wide
  /// problems.
  public var file: String
  public var kind: Kind
  /// A sentence that says what is wrong and, where possible, what was expected.
  public var message: String

  public init(file: String, kind: Kind, message: String) {
    self.file = file
    self.kind = kind
    self.message = message
  }

  public var description: String {
    file.isEmpty ? message : "\(file): \(message)"
  }
}

/// The corpus failed validation. ``problems`` lists every problem found, in file order, not
/// only the first.
public struct CorpusError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The corpus directory's path.
  public var directory: String
  /// Every problem found (never empty).
  public var problems: [CorpusProblem]

  public init(directory: String, problems: [CorpusProblem]) {
    self.directory = directory
    self.problems = problems
  }

  /// The kinds of problem found, for matching in tests: `error.kinds.contains(.duplicateID)`.
  public var kinds: Set<CorpusProblem.Kind> { Set(problems.map(\.kind)) }

  public var description: String {
    let count = problems.count == 1 ? "1 problem" : "\(problems.count) problems"
    return "corpus at \(directory) has \(count):\n"
      + problems.map { "  - \($0.description)" }.joined(separator: "\n")
  }
}
