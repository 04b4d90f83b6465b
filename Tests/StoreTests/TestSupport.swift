import Content
import Foundation
import Store

/// A store in a fresh temporary data directory, removed by ``remove()``.
struct TemporaryStore {
  let directory: URL
  let store: Store

  init(prefix: String = "hpclab-store-", _ configure: (inout Store.Configuration) -> Void = { _ in }) throws {
    directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("\(prefix)\(UUID().uuidString)", isDirectory: true)
    var configuration = Store.Configuration(dataDirectory: directory)
    configure(&configuration)
    store = try Store(configuration: configuration)
  }

  /// Opens a second store on the same directory (as a restarted process would).
  func reopen() throws -> Store {
    try Store(dataDirectory: directory)
  }

  func remove() {
    try? FileManager.default.removeItem(at: directory)
  }

  /// A store for a suite's shared static, which no teardown removes: each call first deletes
  /// shared stores left by earlier runs (older than ten minutes, so parallel runs are spared).
  static func shared(syncing corpus: Corpus) throws -> TemporaryStore {
    let prefix = "hpclab-store-shared-"
    let fileManager = FileManager.default
    let temporary = fileManager.temporaryDirectory
    for name in (try? fileManager.contentsOfDirectory(atPath: temporary.path)) ?? [] where name.hasPrefix(prefix) {
      let url = temporary.appendingPathComponent(name)
      let modified = (try? fileManager.attributesOfItem(atPath: url.path)[.modificationDate] as? Date) ?? Date()
      if modified < Date() - 600 { try? fileManager.removeItem(at: url) }
    }
    let store = try TemporaryStore(prefix: prefix)
    try store.store.syncCorpus(corpus)
    return store
  }
}

/// Corpus fixtures written to temporary directories.
enum Fixtures {
  /// Writes `files` (relative path → text) under a new temporary directory and loads them.
  static func corpus(_ files: [String: String]) throws -> Corpus {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("hpclab-corpus-\(UUID().uuidString)", isDirectory: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    for (path, text) in files {
      let url = directory.appendingPathComponent(path)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(text.utf8).write(to: url)
    }
    return try Corpus.load(from: directory)
  }

  static func question(
    _ id: Int, _ slug: String, _ title: String, topics: [String], keywords: [String],
    related: [String] = [], body: String
  ) -> (String, String) {
    let name = "questions/\(id < 10 ? "0" : "")\(id)-\(slug).md"
    return (name, """
      ---
      id: \(id)
      slug: \(slug)
      title: "\(title)"
      topics: [\(topics.joined(separator: ", "))]
      keywords: [\(keywords.joined(separator: ", "))]
      related: [\(related.joined(separator: ", "))]
      experiments: []
      ---
      \(body)
      """)
  }

  /// A small corpus with known words: three GPU questions, 22 "matrix" filler questions (for
  /// paging), a `__slots__` keyword note and a table.
  static func searchFiles() -> [String: String] {
    var files: [String: String] = [:]
    let entries = [
      question(
        1, "warp-divergence", "What is warp divergence?", topics: ["cuda", "gpu"],
        keywords: ["warp", "divergence", "branch"], related: ["question:2", "keyword:slots"],
        body: """
          Threads of a warp diverge when a branch such as `if (a < b && c > d)` takes different
          paths; the warp then runs both paths one after the other.

          ```cpp
          if (x < 0 && y > 0) { out[i] = "<none>"; }
          ```
          """),
      question(
        2, "memory-coalescing", "How does memory coalescing work?", topics: ["cuda", "memory"],
        keywords: ["coalescing", "global memory", "stride"], related: ["question:1"],
        body: "Coalescing merges the global memory accesses of a warp into few transactions. Strided access breaks it."),
      question(
        3, "tensor-cores", "What are Tensor Cores?", topics: ["gpu"],
        keywords: ["tensor cores", "mixed precision"],
        body: "Tensor Cores multiply small matrices in mixed precision; CUDA cores do scalar work. Café crème."),
    ]
    for (name, text) in entries { files[name] = text }
    for id in 4...25 {
      let (name, text) = question(
        id, "matrix-note-\(id)", "Matrix note \(id)", topics: [id.isMultiple(of: 2) ? "blas" : "numerics"],
        keywords: ["matrix"], body: "A matrix product note number \(id), about blocking and caches.")
      files[name] = text
    }
    files["keywords/slots.md"] = """
      ---
      slug: slots
      title: "`__slots__`"
      summary: "Fixed attribute storage without a per-instance `__dict__`."
      keywords: [__slots__, memory, attributes]
      related: [question:1]
      ---
      Declaring `__slots__` saves memory; context managers use `__enter__` and `__exit__` instead.
      """
    files["tables/method-types.md"] = """
      ---
      slug: method-types
      title: "Method Types in Python"
      keywords: [classmethod, staticmethod]
      columns: ["Feature", "Class Method"]
      rows:
        - ["Decorator", "`@classmethod`"]
        - ["First Argument", "`cls` (class)"]
      ---
      Class methods receive `cls`.
      """
    return files
  }

  static func searchCorpus() throws -> Corpus { try corpus(searchFiles()) }
}

/// The real corpus in `Sources/Content/Corpus`, when it has question files.
enum RealCorpus {
  static let directory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Sources/Content/Corpus")

  static var isPresent: Bool {
    let questions = directory.appendingPathComponent("questions").path
    return ((try? FileManager.default.contentsOfDirectory(atPath: questions)) ?? []).contains { $0.hasSuffix(".md") }
  }

  /// Whether the real corpus loads without problems (it may be mid-edit).
  static var isLoadable: Bool { (try? Corpus.load(from: directory)) != nil }
}
