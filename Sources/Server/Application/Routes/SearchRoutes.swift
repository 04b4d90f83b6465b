import Content
import HTTP
import Store

extension Application {
  /// `GET /search?q=` across questions, keywords, tables and terms (`kind=` narrows it);
  /// `GET /topics` with counts.
  func addSearchRoutes(to router: inout Router) {
    let store = self.store
    let metrics = self.metrics
    let searchBodies = self.searchBodies
    router.getBlocking("/search") { request, _ in
      let parameters = try QueryParameters(request: request)
      guard let text = try parameters.text() else {
        throw Problem.badRequest("Give the search text in q, e.g. /search?q=warp.", field: "q")
      }
      var kinds: Set<EntryKind> = []
      if let kind = parameters.value("kind") {
        for name in kind.split(separator: ",") {
          guard let entryKind = EntryKind(rawValue: String(name)) else {
            throw Problem.badRequest("kind must be question, keyword, table or term.", field: "kind")
          }
          kinds.insert(entryKind)
        }
      }
      let query = try parameters.searchQuery(text, kinds: kinds, topic: parameters.topic())
      let page = try metrics.timeSearch { try store.search(query) }
      return searchBodies.response(for: query, page: page)
    }
    router.get("/topics") { _, _ in
      .json(TopicsResponse(topics: store.topics()))
    }
  }
}

/// `GET /topics`: each topic with the number of questions that carry it.
struct TopicsResponse: Encodable {
  var topics: [TopicCount]
}
