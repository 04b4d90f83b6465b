/// What the fleet store throws: a bad address, or the database failing or unreachable (the
/// server answers 503 for those: the client's request was fine).
public enum FleetStoreError: Error, Sendable, CustomStringConvertible {
  case invalidURL(String)
  /// The database refused or failed a statement, or could not be reached.
  case database(String)
  /// A stored value did not decode (written by another version).
  case corrupt(String)

  public var description: String {
    switch self {
    case .invalidURL(let why): "invalid database address: \(why)"
    case .database(let why): "the job database failed: \(why)"
    case .corrupt(let why): "a stored fleet value does not decode: \(why)"
    }
  }
}
