import Content
import HTTP
import Store

extension Application {
  /// `GET /tables`, `GET /tables/{slug}`.
  func addTableRoutes(to router: inout Router) {
    let store = self.store
    router.get("/tables") { request, _ in
      let parameters = try QueryParameters(request: request)
      let listing = store.tables().map {
        SearchResult(kind: .table, id: nil, slug: $0.slug, title: $0.title, topics: [])
      }
      return .json(SearchResponse(listing: listing, limit: try parameters.limit(default: 100), offset: try parameters.offset()).json)
    }
    router.get("/tables/{slug}") { request, context in
      let slug = context.parameters["slug"] ?? ""
      guard let table = store.table(slug: slug) else {
        throw Problem.notFound("No table \(slug); GET /tables lists them.")
      }
      return Negotiation.respond(to: request) {
        TablePage(table: table, related: store.resolve(table.related)).response()
      } json: {
        .json(
          TableResponse(
            slug: table.slug, title: table.title, keywords: table.keywords, columns: table.columns, rows: table.rows,
            columnsHTML: table.columnsHTML, rowsHTML: table.rowsHTML, bodyMarkdown: table.bodyMarkdown,
            bodyHTML: table.bodyHTML, related: store.resolve(table.related).map(RelatedLink.init)))
      }
    }
  }
}
