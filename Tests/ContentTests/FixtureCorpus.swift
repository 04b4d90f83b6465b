import Foundation

/// A small corpus written to a fresh temporary directory, for loader tests.
struct FixtureCorpus {
  let directory: URL

  /// Writes `files` (relative path → contents) under a new temporary directory.
  init(_ files: [String: String]) throws {
    directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("hpclab-content-\(UUID().uuidString)", isDirectory: true)
    for (path, text) in files {
      try write(path, text)
    }
  }

  func write(_ path: String, _ text: String) throws {
    let url = directory.appendingPathComponent(path)
    try FileManager.default.createDirectory(
      at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(text.utf8).write(to: url)
  }

  func remove() {
    try? FileManager.default.removeItem(at: directory)
  }

  // MARK: - A valid three-question corpus

  static func question(
    id: Int, slug: String, title: String, related: String = "[]", experiments: String = "[]",
    body: String = "An answer with `code`."
  ) -> String {
    """
    ---
    id: \(id)
    slug: \(slug)
    title: "\(title)"
    topics: [cuda, gpu]
    keywords: [warp, coalescing]
    related: \(related)
    experiments: \(experiments)
    ---
    \(body)
    """
  }

  static let validFiles: [String: String] = [
    "questions/01-first.md": question(
      id: 1, slug: "first", title: "What is the first question?",
      related: "[question:2, keyword:frozenset, table:method-types]",
      body: """
        Intro paragraph with a < b && c.

        ```python
        def f(x):
            return x < 1 and "<b>"
        ```
        """),
    "questions/02-second.md": question(
      id: 2, slug: "second", title: "Second: why?", related: "[question:1]",
      experiments: """

          - kind: matmul
            params: {n: 256, dtype: float32, fast: true, scale: 0.5, label: "1024"}
            title: "Time a 256×256 product"
        """),
    "questions/03-third.md": question(id: 3, slug: "third", title: "Third?"),
    "keywords/frozenset.md": """
      ---
      slug: frozenset
      title: "`frozenset`"
      summary: "An immutable, hashable set."
      keywords: [frozenset, set, hashable]
      related: [question:1]
      ---
      A `frozenset` cannot change.
      """,
    "tables/method-types.md": """
      ---
      slug: method-types
      title: "Method Types in Python"
      keywords: [classmethod, staticmethod]
      columns: ["Feature", "Instance Method", "Class Method"]
      rows:
        - ["Decorator", "_(none)_", "`@classmethod`"]
        - ["First Argument", "`self` (instance)", "`cls` (class)"]
      related: [keyword:frozenset]
      ---
      Commentary.
      """,
  ]
}
