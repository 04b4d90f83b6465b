import HTTP

extension Application {
  /// The server's settings; `hpclab serve` fills them from flags and `HPCLAB_*` variables.
  public struct Configuration: Sendable {
    /// Address, port, limits and timeouts of the HTTP server.
    public var http = HTTPServer.Configuration()
    /// Where the SQLite database and job results live; created if missing. Default `./data`.
    public var dataDirectory = "./data"
    /// The static pages. Default `./public`.
    public var publicDirectory = "./public"
    /// The corpus of Markdown files; nil: `HPCLAB_CONTENT_DIR`, else `Sources/Content/Corpus` of this checkout.
    public var contentDirectory: String?

    public init() {}
  }
}
