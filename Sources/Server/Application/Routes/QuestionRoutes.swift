import Content
import HTTP
import Store

extension Application {
  /// `GET /questions` (list, or search with `q`), `GET /questions/{id or slug}`.
  func addQuestionRoutes(to router: inout Router) {
    let store = self.store
    let metrics = self.metrics
    let searchBodies = self.searchBodies
    let jobs = self.jobs
    router.getBlocking("/questions") { request, _ in
      let parameters = try QueryParameters(request: request)
      if let text = try parameters.text() {
        let query = try parameters.searchQuery(text, kinds: [.question], topic: parameters.topic())
        let page = try metrics.timeSearch { try store.search(query) }
        return searchBodies.response(for: query, page: page)
      }
      let listing = store.questions().map {
        SearchResult(kind: .question, id: $0.id, slug: $0.slug, title: $0.title, topics: $0.topics)
      }
      return .json(
        SearchResponse(
          listing: listing, topic: parameters.topic(), limit: try parameters.limit(default: 100),
          offset: try parameters.offset()
        ).json)
    }
    router.getBlocking("/questions/{id}") { request, context in
      let key = context.parameters["id"] ?? ""
      guard let question = Int(key).flatMap({ store.question(id: $0) }) ?? store.question(slug: key) else {
        throw Problem.notFound("No question with id or slug \(key); GET /questions lists them.")
      }
      let claims = ClaimCheck.evaluate(question.claims, jobs: jobs)
      return Negotiation.respond(to: request) {
        QuestionPage(question: question, related: store.resolve(question.related), claims: claims).response()
      } json: {
        .json(
          QuestionResponse(
            id: question.id, slug: question.slug, title: question.title, answerMarkdown: question.answerMarkdown,
            answerHTML: question.answerHTML, topics: question.topics, keywords: question.keywords,
            experiments: question.experiments.map(ExperimentLink.init),
            exercises: question.exercises.map(ExerciseLink.init), beyondSeed: question.beyondSeed,
            related: store.resolve(question.related).map(RelatedLink.init), claims: claims.map(\.json)))
      }
    }
  }
}
