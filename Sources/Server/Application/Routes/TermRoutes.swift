import Content
import HTTP
import Store

extension Application {
  /// `GET /terms` (the glossary, or a search of it with `q`), `GET /terms/{slug}`.
  func addTermRoutes(to router: inout Router) {
    let store = self.store
    let metrics = self.metrics
    let searchBodies = self.searchBodies
    router.getBlocking("/terms") { request, _ in
      let parameters = try QueryParameters(request: request)
      if let text = try parameters.text() {
        let query = try parameters.searchQuery(text, kinds: [.term], topic: nil)
        let page = try metrics.timeSearch { try store.search(query) }
        return searchBodies.response(for: query, page: page)
      }
      let listing = store.terms().map {
        SearchResult(kind: .term, id: nil, slug: $0.slug, title: $0.title, topics: [])
      }
      return .json(
        SearchResponse(listing: listing, limit: try parameters.limit(default: 100), offset: try parameters.offset()).json)
    }
    router.get("/terms/{slug}") { request, context in
      let slug = context.parameters["slug"] ?? ""
      guard let term = store.term(slug: slug) else {
        throw Problem.notFound("No term \(slug); GET /terms lists them.")
      }
      let usedBy = store.resolve(term.usedBy)
      let related = store.resolve(term.related)
      return Negotiation.respond(to: request) {
        TermPage(term: term, usedBy: usedBy, related: related).response()
      } json: {
        .json(
          TermResponse(
            slug: term.slug, title: term.title, summary: term.summary, keywords: term.keywords,
            bodyMarkdown: term.bodyMarkdown, bodyHTML: term.bodyHTML, usedBy: usedBy.map(RelatedLink.init),
            related: related.map(RelatedLink.init)))
      }
    }
  }
}
