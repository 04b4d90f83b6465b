import Content
import Foundation
import Testing

@testable import Store

@Suite("Corpus sync and lookups")
struct CorpusSyncTests {
  @Test func sync_ReloadsOnlyWhenTheHashChanges() throws {
    let temporary = try TemporaryStore()
    defer { temporary.remove() }
    var files = Fixtures.searchFiles()
    let corpus = try Fixtures.corpus(files)
    #expect(temporary.store.storedCorpusHash == nil)
    #expect(try temporary.store.syncCorpus(corpus) == .reloaded(documents: 27))
    #expect(temporary.store.storedCorpusHash == "\(corpus.contentHashHex)/index-v\(Store.indexVersion)")
    #expect(try temporary.store.syncCorpus(corpus) == .unchanged)
    #expect(try temporary.reopen().syncCorpus(corpus) == .unchanged)

    files["questions/03-tensor-cores.md"] = files["questions/03-tensor-cores.md"]!
      .replacingOccurrences(of: "Café crème.", with: "Also see systolic arrays.")
    let edited = try Fixtures.corpus(files)
    #expect(edited.contentHash != corpus.contentHash)
    #expect(try temporary.store.syncCorpus(edited) == .reloaded(documents: 27))
    #expect(try temporary.store.search(SearchQuery("systolic")).hits.first?.id == 3)
    #expect(try temporary.store.search(SearchQuery("crème")).total == 0)
  }

  @Test func searchCache_ServesRepeatsUntilTheCorpusChanges() throws {
    let temporary = try TemporaryStore()
    defer { temporary.remove() }
    var files = Fixtures.searchFiles()
    try temporary.store.syncCorpus(try Fixtures.corpus(files))
    let first = try temporary.store.search(SearchQuery("systolic"))
    #expect(!first.cached && first.total == 0)
    let again = try temporary.store.search(SearchQuery("systolic"))
    #expect(again.cached && again.hits == first.hits)
    #expect(try !temporary.store.search(SearchQuery("systolic", limit: 5)).cached, "the whole query is the key")

    files["questions/03-tensor-cores.md"]! += "\nSystolic arrays."
    try temporary.store.syncCorpus(try Fixtures.corpus(files))
    let after = try temporary.store.search(SearchQuery("systolic"))
    #expect(!after.cached && after.hits.first?.id == 3)
    #expect(try temporary.store.searchUncached(SearchQuery("systolic")).hits == after.hits)
  }

  @Test func reopenedStore_ServesLookupsWithoutResync() throws {
    let temporary = try TemporaryStore()
    defer { temporary.remove() }
    let corpus = try Fixtures.searchCorpus()
    try temporary.store.syncCorpus(corpus)
    let reopened = try temporary.reopen()
    #expect(reopened.questions() == corpus.questions)
    #expect(reopened.keywordNotes() == corpus.keywordNotes)
    #expect(reopened.tables() == corpus.tables)
  }

  @Test func lookups_FindEntriesByIDAndSlug() throws {
    let temporary = try TemporaryStore()
    defer { temporary.remove() }
    try temporary.store.syncCorpus(try Fixtures.searchCorpus())
    let store = temporary.store

    #expect(store.questions().map(\.id) == Array(1...25))
    #expect(store.question(id: 2)?.slug == "memory-coalescing")
    #expect(store.question(slug: "tensor-cores")?.id == 3)
    #expect(store.question(id: 99) == nil)
    #expect(store.question(slug: "nope") == nil)
    #expect(store.keywordNotes().map(\.slug) == ["slots"])
    #expect(store.keywordNote(slug: "slots")?.titleHTML == "<code>__slots__</code>")
    #expect(store.tables().map(\.slug) == ["method-types"])
    #expect(store.table(slug: "method-types")?.rows.count == 2)
  }

  @Test func topics_CountQuestionsPerTopic() throws {
    let temporary = try TemporaryStore()
    defer { temporary.remove() }
    try temporary.store.syncCorpus(try Fixtures.searchCorpus())
    let topics = temporary.store.topics()
    #expect(topics.first == TopicCount(topic: "blas", count: 11))
    #expect(topics.contains(TopicCount(topic: "numerics", count: 11)))
    #expect(topics.contains(TopicCount(topic: "cuda", count: 2)))
    #expect(topics.contains(TopicCount(topic: "gpu", count: 2)))
    #expect(topics.contains(TopicCount(topic: "memory", count: 1)))
  }

  @Test func related_ResolvesToKindSlugIDAndTitle() throws {
    let temporary = try TemporaryStore()
    defer { temporary.remove() }
    try temporary.store.syncCorpus(try Fixtures.searchCorpus())
    let related = temporary.store.related(to: .question(1))
    #expect(related == [
      RelatedEntry(kind: .question, slug: "memory-coalescing", id: 2, title: "How does memory coalescing work?", titleHTML: "How does memory coalescing work?"),
      RelatedEntry(kind: .keyword, slug: "slots", id: nil, title: "`__slots__`", titleHTML: "<code>__slots__</code>"),
    ])
    #expect(temporary.store.resolve([.table("method-types"), .table("missing")]).map(\.title) == ["Method Types in Python"])

    let json = String(decoding: try JSONEncoder().encode(related[1]), as: UTF8.self)
    #expect(json.contains(#""title_html""#))
    #expect(!json.contains(#""id""#))
  }
}
