/// Where a cross-reference link points in rendered HTML. Content knows no URLs: the server
/// passes the resolver of its site (`/questions/8`, `/terms/warp`) when it loads the corpus.
public struct LinkResolver: Sendable {
  /// The `href` of a link to `reference`.
  public var path: @Sendable (CrossReference) -> String

  public init(path: @escaping @Sendable (CrossReference) -> String) { self.path = path }

  /// Links keep the reference itself as their target (`question:8`): for tools and tests.
  public static let references = LinkResolver { $0.description }
}
