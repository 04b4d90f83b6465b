/// A note on a Python keyword or idiom, from `Corpus/keywords/SLUG.md`.
///
/// JSON keys: `slug`, `title`, `title_html`, `summary`, `summary_html`, `keywords`, `related`,
/// `body_markdown`, `body_html`, `source_path`.
public struct KeywordNote: Sendable, Hashable, Codable, Identifiable {
  /// The URL slug, unique among keyword notes.
  public var slug: String
  /// The title as written, usually inline code such as `` `frozenset` ``.
  public var title: String
  /// ``title`` rendered as inline HTML.
  public var titleHTML: String
  /// A one-sentence summary (inline Markdown).
  public var summary: String
  /// ``summary`` rendered as inline HTML.
  public var summaryHTML: String
  /// The key terms a searcher would type.
  public var keywords: [String]
  /// Links to other entries.
  public var related: [CrossReference]
  /// The note as written.
  public var bodyMarkdown: String
  /// The note rendered to HTML.
  public var bodyHTML: String
  /// The file it was loaded from, relative to the corpus directory.
  public var sourcePath: String

  public var id: String { slug }

  /// Creates an entry; HTML left `nil` is rendered from the Markdown.
  public init(
    slug: String, title: String, titleHTML: String? = nil, summary: String,
    summaryHTML: String? = nil, keywords: [String] = [], related: [CrossReference] = [],
    bodyMarkdown: String, bodyHTML: String? = nil, sourcePath: String = ""
  ) {
    self.slug = slug
    self.title = title
    self.titleHTML = titleHTML ?? MarkdownRenderer.inlineHTML(title)
    self.summary = summary
    self.summaryHTML = summaryHTML ?? MarkdownRenderer.inlineHTML(summary)
    self.keywords = keywords
    self.related = related
    self.bodyMarkdown = bodyMarkdown
    self.bodyHTML = bodyHTML ?? MarkdownRenderer.html(bodyMarkdown)
    self.sourcePath = sourcePath
  }

  enum CodingKeys: String, CodingKey {
    case slug, title, summary, keywords, related
    case titleHTML = "title_html"
    case summaryHTML = "summary_html"
    case bodyMarkdown = "body_markdown"
    case bodyHTML = "body_html"
    case sourcePath = "source_path"
  }
}
