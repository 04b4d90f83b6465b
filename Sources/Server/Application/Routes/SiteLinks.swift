import Content

/// The site's URL for each entry: the one place that knows where questions, notes, tables and
/// terms live. The corpus is rendered with this resolver (Content knows no URLs), and search
/// results and related links use it too.
enum SiteLinks {
  static func path(_ reference: CrossReference) -> String {
    switch reference {
    case .question(let id): "/questions/\(id)"
    case .keyword(let slug): "/keywords/\(slug)"
    case .table(let slug): "/tables/\(slug)"
    case .term(let slug): "/terms/\(slug)"
    }
  }

  static let resolver = LinkResolver { SiteLinks.path($0) }

  /// The renderer the server loads the corpus with.
  static let renderer = MarkdownRenderer(links: resolver)
}
