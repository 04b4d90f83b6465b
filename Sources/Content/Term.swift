/// A glossary term, from `Corpus/terms/SLUG.md`: a short definition (60–200 words) with its
/// primary sources, linked from the first mention in each answer that uses it.
///
/// JSON keys: `slug`, `title`, `title_html`, `summary`, `summary_html`, `keywords`, `related`,
/// `used_by`, `body_markdown`, `body_html`, `source_path`.
public struct Term: Sendable, Hashable, Codable, Identifiable {
  /// The URL slug, unique among terms (`warp`, `roofline-model`).
  public var slug: String
  /// The term as a heading (`Warp`, `Condition number (κ)`).
  public var title: String
  /// ``title`` rendered as inline HTML.
  public var titleHTML: String
  /// One sentence (inline Markdown).
  public var summary: String
  /// ``summary`` rendered as inline HTML.
  public var summaryHTML: String
  /// The words a searcher would type.
  public var keywords: [String]
  /// Links to other terms and entries (front matter plus the links in the body).
  public var related: [CrossReference]
  /// The entries whose text links to this term, filled in when the corpus loads.
  public var usedBy: [CrossReference]
  /// The definition as written, ending with its `## Sources`.
  public var bodyMarkdown: String
  /// The definition rendered to HTML.
  public var bodyHTML: String
  /// The file it was loaded from, relative to the corpus directory.
  public var sourcePath: String

  public var id: String { slug }

  /// Creates a term; HTML left `nil` is rendered from the Markdown.
  public init(
    slug: String, title: String, titleHTML: String? = nil, summary: String, summaryHTML: String? = nil,
    keywords: [String] = [], related: [CrossReference] = [], usedBy: [CrossReference] = [],
    bodyMarkdown: String, bodyHTML: String? = nil, sourcePath: String = ""
  ) {
    self.slug = slug
    self.title = title
    self.titleHTML = titleHTML ?? MarkdownRenderer.inlineHTML(title)
    self.summary = summary
    self.summaryHTML = summaryHTML ?? MarkdownRenderer.inlineHTML(summary)
    self.keywords = keywords
    self.related = related
    self.usedBy = usedBy
    self.bodyMarkdown = bodyMarkdown
    self.bodyHTML = bodyHTML ?? MarkdownRenderer.html(bodyMarkdown)
    self.sourcePath = sourcePath
  }

  enum CodingKeys: String, CodingKey {
    case slug, title, summary, keywords, related
    case usedBy = "used_by"
    case titleHTML = "title_html"
    case summaryHTML = "summary_html"
    case bodyMarkdown = "body_markdown"
    case bodyHTML = "body_html"
    case sourcePath = "source_path"
  }
}
