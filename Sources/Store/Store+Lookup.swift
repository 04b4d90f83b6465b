import Content

/// Listing and lookup, answered from the in-memory catalog (no SQL, no JSON decoding on the
/// request path). The catalog is what the database held after the last ``syncCorpus(_:)``.
extension Store {
  /// All questions, ordered by id.
  public func questions() -> [Question] { catalog.questions }

  public func question(id: Int) -> Question? {
    let catalog = self.catalog
    return catalog.questionIndexByID[id].map { catalog.questions[$0] }
  }

  public func question(slug: String) -> Question? {
    let catalog = self.catalog
    return catalog.questionIndexBySlug[slug].map { catalog.questions[$0] }
  }

  /// All keyword notes, in corpus order (by file name).
  public func keywordNotes() -> [KeywordNote] { catalog.keywordNotes }

  public func keywordNote(slug: String) -> KeywordNote? {
    let catalog = self.catalog
    return catalog.keywordIndexBySlug[slug].map { catalog.keywordNotes[$0] }
  }

  /// All tables, in corpus order (by file name).
  public func tables() -> [DataTable] { catalog.tables }

  public func table(slug: String) -> DataTable? {
    let catalog = self.catalog
    return catalog.tableIndexBySlug[slug].map { catalog.tables[$0] }
  }

  /// All glossary terms, in corpus order (by file name).
  public func terms() -> [Term] { catalog.terms }

  public func term(slug: String) -> Term? {
    let catalog = self.catalog
    return catalog.termIndexBySlug[slug].map { catalog.terms[$0] }
  }

  /// Every question topic with the number of questions that carry it, most used first.
  public func topics() -> [TopicCount] { catalog.topics }

  /// `references` resolved to titles, in order; references that do not resolve are left out
  /// (a validated corpus has none).
  public func resolve(_ references: [CrossReference]) -> [RelatedEntry] {
    let catalog = self.catalog
    return references.compactMap { reference in
      guard let (title, titleHTML) = catalog.title(of: reference) else { return nil }
      switch reference {
      case .question(let id):
        let slug = catalog.questionIndexByID[id].map { catalog.questions[$0].slug } ?? ""
        return RelatedEntry(kind: .question, slug: slug, id: id, title: title, titleHTML: titleHTML)
      case .keyword(let slug):
        return RelatedEntry(kind: .keyword, slug: slug, id: nil, title: title, titleHTML: titleHTML)
      case .table(let slug):
        return RelatedEntry(kind: .table, slug: slug, id: nil, title: title, titleHTML: titleHTML)
      case .term(let slug):
        return RelatedEntry(kind: .term, slug: slug, id: nil, title: title, titleHTML: titleHTML)
      }
    }
  }

  /// The resolved `related` list of the entry `reference` names (empty when it does not exist).
  public func related(to reference: CrossReference) -> [RelatedEntry] {
    switch reference {
    case .question(let id): resolve(question(id: id)?.related ?? [])
    case .keyword(let slug): resolve(keywordNote(slug: slug)?.related ?? [])
    case .table(let slug): resolve(table(slug: slug)?.related ?? [])
    case .term(let slug): resolve(term(slug: slug)?.related ?? [])
    }
  }
}
