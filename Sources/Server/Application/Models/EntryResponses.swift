import JSON
import Content
import Store

/// A related entry, with the link to it.
struct RelatedLink: Encodable {
  var kind: String
  var id: Int?
  var slug: String
  var title: String
  var href: String

  init(_ entry: RelatedEntry) {
    kind = entry.kind.rawValue
    id = entry.id
    slug = entry.slug
    title = entry.title
    href = SearchResult.href(kind: entry.kind, id: entry.id, slug: entry.slug)
  }
}

/// `GET /questions/{id or slug}`.
struct QuestionResponse: Encodable {
  var id: Int
  var slug: String
  var title: String
  var answerMarkdown: String
  var answerHTML: String
  var topics: [String]
  var keywords: [String]
  var experiments: [ExperimentLink]
  var exercises: [ExerciseLink]
  var beyondSeed: Bool
  var related: [RelatedLink]
  /// The answer's numeric claims, each checked against this machine's latest run.
  var claims: [JSONValue]

  enum CodingKeys: String, CodingKey {
    case id, slug, title, topics, keywords, experiments, exercises, related, claims
    case beyondSeed = "beyond_seed"
    case answerMarkdown = "answer_markdown"
    case answerHTML = "answer_html"
  }
}

/// An experiment that demonstrates an answer: `POST` its `params` to `href` to run it here.
struct ExperimentLink: Encodable {
  var kind: String
  var params: JSONValue
  var title: String
  var href: String

  init(_ experiment: Experiment) {
    kind = experiment.kind
    params = experiment.params
    title = experiment.title
    href = "/jobs/\(experiment.kind)"
  }
}

/// A predict-then-measure exercise: write a prediction, `POST` its `params` to `href`, compare.
struct ExerciseLink: Encodable {
  var prompt: String
  var kind: String
  var params: JSONValue
  var observe: String
  var explanation: String
  var href: String

  init(_ exercise: Exercise) {
    prompt = exercise.prompt
    kind = exercise.kind
    params = exercise.params
    observe = exercise.observe
    explanation = exercise.explanation
    href = "/jobs/\(exercise.kind)"
  }
}

/// `GET /terms/{slug}`: a glossary term, the entries that use it and related terms.
struct TermResponse: Encodable {
  var slug: String
  var title: String
  var summary: String
  var keywords: [String]
  var bodyMarkdown: String
  var bodyHTML: String
  var usedBy: [RelatedLink]
  var related: [RelatedLink]

  enum CodingKeys: String, CodingKey {
    case slug, title, summary, keywords, related
    case usedBy = "used_by"
    case bodyMarkdown = "body_markdown"
    case bodyHTML = "body_html"
  }
}

/// `GET /keywords/{slug}`.
struct KeywordResponse: Encodable {
  var slug: String
  var title: String
  var summary: String
  var keywords: [String]
  var bodyMarkdown: String
  var bodyHTML: String
  var related: [RelatedLink]

  enum CodingKeys: String, CodingKey {
    case slug, title, summary, keywords, related
    case bodyMarkdown = "body_markdown"
    case bodyHTML = "body_html"
  }
}

/// `GET /tables/{slug}`: the table as columns and rows, with rendered cells.
struct TableResponse: Encodable {
  var slug: String
  var title: String
  var keywords: [String]
  var columns: [String]
  var rows: [[String]]
  var columnsHTML: [String]
  var rowsHTML: [[String]]
  var bodyMarkdown: String
  var bodyHTML: String
  var related: [RelatedLink]

  enum CodingKeys: String, CodingKey {
    case slug, title, keywords, columns, rows, related
    case columnsHTML = "columns_html"
    case rowsHTML = "rows_html"
    case bodyMarkdown = "body_markdown"
    case bodyHTML = "body_html"
  }
}
