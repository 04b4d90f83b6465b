/// A reference table (rows and columns), from `Corpus/tables/SLUG.md`.
///
/// Cells are inline Markdown and keep the source document's wording; ``columnsHTML`` and
/// ``rowsHTML`` hold them rendered. JSON keys: `slug`, `title`, `title_html`, `keywords`,
/// `columns`, `rows`, `columns_html`, `rows_html`, `related`, `body_markdown`, `body_html`,
/// `source_path`.
public struct DataTable: Sendable, Hashable, Codable, Identifiable {
  /// The URL slug, unique among tables.
  public var slug: String
  /// The table's heading as in the source document.
  public var title: String
  /// ``title`` rendered as inline HTML.
  public var titleHTML: String
  /// The key terms a searcher would type.
  public var keywords: [String]
  /// Column headings (inline Markdown).
  public var columns: [String]
  /// Rows of cells (inline Markdown); every row has `columns.count` cells.
  public var rows: [[String]]
  /// ``columns`` rendered as inline HTML.
  public var columnsHTML: [String]
  /// ``rows`` rendered as inline HTML.
  public var rowsHTML: [[String]]
  /// Links to other entries.
  public var related: [CrossReference]
  /// Commentary as written.
  public var bodyMarkdown: String
  /// Commentary rendered to HTML.
  public var bodyHTML: String
  /// The file it was loaded from, relative to the corpus directory.
  public var sourcePath: String

  public var id: String { slug }

  /// Creates a table; HTML left `nil` is rendered from the Markdown.
  public init(
    slug: String, title: String, titleHTML: String? = nil, keywords: [String] = [],
    columns: [String], rows: [[String]], columnsHTML: [String]? = nil, rowsHTML: [[String]]? = nil,
    related: [CrossReference] = [], bodyMarkdown: String, bodyHTML: String? = nil,
    sourcePath: String = ""
  ) {
    self.slug = slug
    self.title = title
    self.titleHTML = titleHTML ?? MarkdownRenderer.inlineHTML(title)
    self.keywords = keywords
    self.columns = columns
    self.rows = rows
    self.columnsHTML = columnsHTML ?? columns.map(MarkdownRenderer.inlineHTML)
    self.rowsHTML = rowsHTML ?? rows.map { $0.map(MarkdownRenderer.inlineHTML) }
    self.related = related
    self.bodyMarkdown = bodyMarkdown
    self.bodyHTML = bodyHTML ?? MarkdownRenderer.html(bodyMarkdown)
    self.sourcePath = sourcePath
  }

  enum CodingKeys: String, CodingKey {
    case slug, title, keywords, columns, rows, related
    case titleHTML = "title_html"
    case columnsHTML = "columns_html"
    case rowsHTML = "rows_html"
    case bodyMarkdown = "body_markdown"
    case bodyHTML = "body_html"
    case sourcePath = "source_path"
  }
}
