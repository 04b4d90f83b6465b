import Content

/// A cross-reference resolved for display. JSON keys: `kind`, `slug`, `id` (questions only),
/// `title`, `title_html`.
public struct RelatedEntry: Sendable, Hashable, Codable {
  public var kind: EntryKind
  /// The slug (questions have one too).
  public var slug: String
  /// The question number; `nil` for keyword notes and tables.
  public var id: Int?
  public var title: String
  public var titleHTML: String

  public init(kind: EntryKind, slug: String, id: Int?, title: String, titleHTML: String) {
    self.kind = kind
    self.slug = slug
    self.id = id
    self.title = title
    self.titleHTML = titleHTML
  }

  enum CodingKeys: String, CodingKey {
    case kind, slug, id, title
    case titleHTML = "title_html"
  }
}
