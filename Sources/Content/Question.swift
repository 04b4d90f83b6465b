/// One of the corpus questions with its answer, from `Corpus/questions/NN-slug.md`.
///
/// JSON keys: `id`, `slug`, `title`, `title_html`, `topics`, `keywords`, `related`,
/// `experiments`, `exercises`, `claims`, `beyond_seed`, `answer_markdown`, `answer_html`, `source_path`.
public struct Question: Sendable, Hashable, Codable, Identifiable {
  /// The question number, 1…N: 1–22 as in the source document, later ones beyond it.
  public var id: Int
  /// The URL slug, unique among questions.
  public var slug: String
  /// The question worded exactly as in the source document (may hold inline Markdown).
  public var title: String
  /// ``title`` rendered as inline HTML (no `<p>` wrapper).
  public var titleHTML: String
  /// Lower-case facets such as `cuda` or `numerics`.
  public var topics: [String]
  /// The key terms a searcher would type.
  public var keywords: [String]
  /// Links to other entries.
  public var related: [CrossReference]
  /// Compute jobs that demonstrate the answer.
  public var experiments: [Experiment]
  /// Predict-then-measure exercises (two on each hardware question).
  public var exercises: [Exercise]
  /// Numeric claims of the answer with the experiment and figure that test each.
  public var claims: [Claim]
  /// True for entries written beyond the source document's questions.
  public var beyondSeed: Bool
  /// The answer as written.
  public var answerMarkdown: String
  /// The answer rendered to HTML (fenced code carries `class="language-…"`).
  public var answerHTML: String
  /// The file it was loaded from, relative to the corpus directory (`questions/08-….md`).
  public var sourcePath: String

  /// Creates an entry; HTML left `nil` is rendered from the Markdown.
  public init(
    id: Int, slug: String, title: String, titleHTML: String? = nil, topics: [String] = [],
    keywords: [String] = [], related: [CrossReference] = [], experiments: [Experiment] = [],
    exercises: [Exercise] = [], claims: [Claim] = [], beyondSeed: Bool = false, answerMarkdown: String, answerHTML: String? = nil, sourcePath: String = ""
  ) {
    self.id = id
    self.slug = slug
    self.title = title
    self.titleHTML = titleHTML ?? MarkdownRenderer.inlineHTML(title)
    self.topics = topics
    self.keywords = keywords
    self.related = related
    self.experiments = experiments
    self.exercises = exercises
    self.claims = claims
    self.beyondSeed = beyondSeed
    self.answerMarkdown = answerMarkdown
    self.answerHTML = answerHTML ?? MarkdownRenderer.html(answerMarkdown)
    self.sourcePath = sourcePath
  }

  enum CodingKeys: String, CodingKey {
    case id, slug, title, topics, keywords, related, experiments, exercises, claims
    case beyondSeed = "beyond_seed"
    case titleHTML = "title_html"
    case answerMarkdown = "answer_markdown"
    case answerHTML = "answer_html"
    case sourcePath = "source_path"
  }
}
