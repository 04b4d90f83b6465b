import Foundation

extension Store {
  /// Where the store keeps its files and the limits it works under. Every default is stated.
  public struct Configuration: Sendable {
    /// The data directory: the database is `<dataDirectory>/hpclab.sqlite` (with its `-wal` and
    /// `-shm` files) and job result payloads live in `<dataDirectory>/results/`. Created when
    /// missing.
    public var dataDirectory: URL
    /// How long a connection waits for a lock held by another connection before failing with
    /// ``StoreError/busy(_:)``. Default: 5 seconds.
    public var busyTimeout: Duration = .seconds(5)
    /// The longest a read (a search, a lookup, a job listing) may run before SQLite interrupts it
    /// and the call throws ``StoreError/timeLimitExceeded(_:)``. Default: 1 s (generous: a loaded
    /// 2-core CI machine must not turn an ordinary search into a 503); a search of the
    /// corpus takes well under 1 ms.
    public var queryTimeLimit: Duration = .seconds(1)
    /// The most reader connections the pool opens (one writer besides). Default: 4.
    public var maximumReaderCount: Int = 4
    /// Plain-mode searches use at most this many words of the query text; the rest is ignored,
    /// so 10 KB of text costs what 32 words cost. Default: 32.
    public var maximumQueryTerms: Int = 32
    /// Raw-mode expressions longer than this many bytes are refused as
    /// ``StoreError/invalidQuery(_:)``. Default: 4096.
    public var maximumRawQueryBytes: Int = 4096
    /// A search that matches fewer documents than this gets "did you mean" suggestions (as does
    /// one with a word missing from the corpus vocabulary). Default: 3.
    public var suggestionThreshold: Int = 3
    /// How many search pages to keep, keyed by the whole query; a page is valid until the next
    /// corpus sync that changes the corpus. 0 turns the cache off. Default: 512 (a page is a few
    /// KB).
    public var searchCacheCapacity: Int = 512
    /// The number of tokens in each snippet. Default: 24.
    public var snippetTokens: Int = 24
    /// The file extension of job result payloads (`<id>.<ext>`). Default: `npy`.
    public var resultFileExtension: String = "npy"

    /// A configuration with every default and the given data directory.
    public init(dataDirectory: URL) {
      self.dataDirectory = dataDirectory
    }

    /// `<dataDirectory>/hpclab.sqlite`.
    public var databaseURL: URL { dataDirectory.appendingPathComponent("hpclab.sqlite") }

    /// `<dataDirectory>/results`.
    public var resultsDirectory: URL { dataDirectory.appendingPathComponent("results", isDirectory: true) }
  }
}
