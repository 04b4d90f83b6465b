import JSON
/// An experiment that demonstrates an answer: a compute job the reader can run from the page.
///
/// JSON: `{"kind": "matmul", "params": {"n": 1024}, "title": "…"}`. The content module does not
/// know the experiment kinds; the server checks `kind` and `params` against what it can run.
public struct Experiment: Sendable, Hashable, Codable {
  /// The job kind, e.g. `matmul`.
  public var kind: String
  /// The job parameters, an object (`{}` when none are given).
  public var params: JSONValue
  /// A short human-readable title for the button or link.
  public var title: String

  public init(kind: String, params: JSONValue = .emptyObject, title: String) {
    self.kind = kind
    self.params = params
    self.title = title
  }
}
