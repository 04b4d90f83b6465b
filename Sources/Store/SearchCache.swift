import Synchronization

/// Recently computed search pages, keyed by the whole ``SearchQuery``.
///
/// The corpus only changes through ``Store/syncCorpus(_:)``, so a page stays right until the
/// catalog is replaced: each entry remembers the catalog it was computed from and is ignored
/// (and overwritten) once another catalog is current. Eviction drops the least recently used
/// half when full. Queries longer than ``maximumKeyBytes`` are not cached.
final class SearchCache: Sendable {
  private struct Entry {
    var page: SearchPage
    var catalog: ObjectIdentifier
    var lastUse: UInt64
  }

  private struct State {
    var entries: [SearchQuery: Entry] = [:]
    var clock: UInt64 = 0
  }

  /// Query texts longer than this are computed every time.
  static let maximumKeyBytes = 256

  let capacity: Int
  private let state = Mutex(State())

  init(capacity: Int) {
    self.capacity = max(0, capacity)
  }

  func page(for query: SearchQuery, catalog: CorpusCatalog) -> SearchPage? {
    guard capacity > 0 else { return nil }
    return state.withLock { state in
      guard var entry = state.entries[query], entry.catalog == ObjectIdentifier(catalog) else { return nil }
      state.clock += 1
      entry.lastUse = state.clock
      state.entries[query] = entry
      return entry.page
    }
  }

  func store(_ page: SearchPage, for query: SearchQuery, catalog: CorpusCatalog) {
    guard capacity > 0, query.text.utf8.count <= Self.maximumKeyBytes else { return }
    state.withLock { state in
      if state.entries.count >= capacity, state.entries[query] == nil {
        let keep = state.entries.sorted { $0.value.lastUse > $1.value.lastUse }.prefix(capacity / 2)
        state.entries = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
      }
      state.clock += 1
      state.entries[query] = Entry(page: page, catalog: ObjectIdentifier(catalog), lastUse: state.clock)
    }
  }

  func removeAll() {
    state.withLock { $0.entries.removeAll() }
  }

  var count: Int { state.withLock { $0.entries.count } }
}
