import Content
import Foundation
import Testing

@testable import Store

/// What a query must find in the real corpus: `target` ranked first, or within the top three.
struct RelevanceCase: CustomTestStringConvertible, Sendable {
  enum Target: Sendable, CustomStringConvertible {
    case question(Int)
    case keyword(String)
    case table(String)

    var description: String {
      switch self {
      case .question(let id): "question:\(id)"
      case .keyword(let slug): "keyword:\(slug)"
      case .table(let slug): "table:\(slug)"
      }
    }

    func matches(_ hit: SearchHit) -> Bool {
      switch self {
      case .question(let id): hit.kind == .question && hit.id == id
      case .keyword(let slug): hit.kind == .keyword && hit.slug == slug
      case .table(let slug): hit.kind == .table && hit.slug == slug
      }
    }
  }

  var query: String
  var target: Target
  /// 1: must rank first; 3: must be in the top three.
  var within: Int

  init(_ query: String, _ target: Target, within: Int = 1) {
    self.query = query
    self.target = target
    self.within = within
  }

  var testDescription: String { "\(query) → \(target)\(within == 1 ? "" : " (top \(within))")" }
}

/// Relevance over the real corpus in `Sources/Content/Corpus`: every question, every keyword
/// note and both tables have at least one query that must find them at the top.
@Suite("Relevance on the real corpus", .enabled(if: RealCorpus.isPresent, "Sources/Content/Corpus has no question files"))
struct RelevanceTests {
  // Lenient load so that a corpus being written can still be searched; ContentTests checks
  // that it is valid.
  static let shared: TemporaryStore = try! TemporaryStore.shared(
    syncing: Corpus.loadAllowingProblems(from: RealCorpus.directory).corpus)

  static let cases: [RelevanceCase] = [
    // Questions, 1…22.
    .init("API design", .question(1)),
    .init("user-friendly API", .question(1)),
    .init("Python overhead", .question(2)),
    .init("minimize overhead", .question(2)),
    .init("__array_function__", .question(3)),
    .init("array API standard", .question(3)),
    .init("pybind11", .question(4)),
    .init("nanobind", .question(4), within: 3),
    .init("return_value_policy", .question(5)),
    .init("calling into C++", .question(5), within: 3),
    .init("GIL", .question(6)),
    .init("gil_scoped_release", .question(6)),
    .init("tensor cores", .question(7)),
    .init("CUDA cores", .question(7)),
    .init("coalescing", .question(8)),
    .init("coalesced access", .question(8)),
    .init("warp", .question(9)),
    .init("warp divergence", .question(9)),
    .init("shared memory", .question(10)),
    .init("bank conflicts", .question(10)),
    .init("OpenCL", .question(11)),
    .init("work-group", .question(11)),
    .init("LAPACK", .question(12)),
    .init("OpenBLAS", .question(12), within: 3),
    .init("roofline", .question(13)),
    .init("benchmark kernel CPU GPU", .question(13)),
    .init("Kahan", .question(14)),
    .init("catastrophic cancellation", .question(14)),
    .init("false sharing", .question(15)),
    .init("cache lines", .question(15), within: 3),
    .init("pure Python", .question(16), within: 3),
    .init("ndarray", .question(16), within: 3),
    .init("CuPy", .question(17)),
    .init("RawKernel", .question(17)),
    .init("scipy.sparse", .question(18)),
    .init("solve_ivp", .question(18)),
    .init("numba", .question(19)),
    .init("cuda.jit", .question(19), within: 3),
    .init("PyTorch", .question(20)),
    .init("TensorFlow", .question(20)),
    .init("JAX", .question(21)),
    .init("vmap", .question(21)),
    .init("MPI", .question(22)),
    .init("Dask", .question(22)),
    // Keyword notes.
    .init("__slots__", .keyword("slots")),
    .init("frozenset", .keyword("frozenset")),
    .init("namedtuple", .keyword("namedtuple")),
    .init("__exit__", .keyword("context-managers")),
    .init("context manager", .keyword("context-managers")),
    .init("yield", .keyword("generators")),
    .init("functools.wraps", .keyword("decorators")),
    .init("@property", .keyword("properties")),
    .init("dataclass frozen", .keyword("dataclass-frozen")),
    .init("parameters arguments", .keyword("parameters-and-arguments")),
    .init("instance attribute", .keyword("attributes"), within: 3),
    // Tables.
    .init("name mangling", .table("attribute-naming-conventions")),
    .init("staticmethod", .table("method-types"), within: 3),
    .init("method types", .table("method-types")),
  ]

  /// The cases whose target exists in the corpus on disk (all of them once it is complete).
  static var presentCases: [RelevanceCase] {
    let store = shared.store
    return cases.filter { item in
      switch item.target {
      case .question(let id): store.question(id: id) != nil
      case .keyword(let slug): store.keywordNote(slug: slug) != nil
      case .table(let slug): store.table(slug: slug) != nil
      }
    }
  }

  @Test(arguments: RelevanceTests.presentCases)
  func query_RanksItsTargetAtTheTop(_ item: RelevanceCase) throws {
    let page = try Self.shared.store.search(SearchQuery(item.query, limit: 10))
    let rank = page.hits.firstIndex(where: item.target.matches).map { $0 + 1 }
    let top = page.hits.prefix(5).map { $0.id.map { "q\($0)" } ?? $0.slug }.joined(separator: ", ")
    #expect(rank != nil && rank! <= item.within, "rank \(rank.map(String.init) ?? "none"); top: \(top)")
  }

  @Test func everyQuestionHasARelevanceCase() {
    let covered = Set(Self.cases.compactMap { item -> Int? in
      if case .question(let id) = item.target { return id }
      return nil
    })
    #expect(covered == Set(1...22))
    let store = Self.shared.store
    #expect(Set(store.keywordNotes().map(\.slug)).isSubset(of: Set(Self.cases.compactMap { item -> String? in
      if case .keyword(let slug) = item.target { return slug }
      return nil
    })))
  }

  @Test func misspellings_GetSuggestions() throws {
    let store = Self.shared.store
    #expect(try store.search(SearchQuery("coalesing")).suggestions.first == "coalescing")
    #expect(try store.search(SearchQuery("warpp")).suggestions.first == "warp")
    #expect(try store.search(SearchQuery("numbaa")).suggestions.first == "numba")
    #expect(try store.search(SearchQuery("tensr cores")).suggestions.first == "tensor cores")
  }

  @Test func prefixes_FindWhatTheyStart() throws {
    let store = Self.shared.store
    #expect(try store.search(SearchQuery("coal")).hits.first?.id == 8)
    #expect(try store.search(SearchQuery("__sl")).hits.first?.slug == "slots")
    #expect(try store.search(SearchQuery("warps")).hits.first?.id == 9)
  }
}
