import Content
import HTTP
import Store

extension Application {
  /// `GET /keywords` (list, or search with `q`), `GET /keywords/{slug}`.
  func addKeywordRoutes(to router: inout Router) {
    let store = self.store
    let metrics = self.metrics
    let searchBodies = self.searchBodies
    router.getBlocking("/keywords") { request, _ in
      let parameters = try QueryParameters(request: request)
      if let text = try parameters.text() {
        let query = try parameters.searchQuery(text, kinds: [.keyword], topic: nil)
        let page = try metrics.timeSearch { try store.search(query) }
        return searchBodies.response(for: query, page: page)
      }
      let listing = store.keywordNotes().map {
        SearchResult(kind: .keyword, id: nil, slug: $0.slug, title: $0.title, topics: [])
      }
      return .json(SearchResponse(listing: listing, limit: try parameters.limit(default: 100), offset: try parameters.offset()).json)
    }
    router.get("/keywords/{slug}") { request, context in
      let slug = context.parameters["slug"] ?? ""
      guard let note = store.keywordNote(slug: slug) else {
        throw Problem.notFound("No keyword note \(slug); GET /keywords lists them.")
      }
      return Negotiation.respond(to: request) {
        KeywordPage(note: note, related: store.resolve(note.related)).response()
      } json: {
        .json(
          KeywordResponse(
            slug: note.slug, title: note.title, summary: note.summary, keywords: note.keywords,
            bodyMarkdown: note.bodyMarkdown, bodyHTML: note.bodyHTML,
            related: store.resolve(note.related).map(RelatedLink.init)))
      }
    }
  }
}
