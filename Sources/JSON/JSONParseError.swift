/// Why a text is not acceptable JSON, with the byte offset where reading stopped.
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
  public enum Reason: Sendable, Hashable {
    /// Not JSON at all at this point (a stray character, a truncated text, bad UTF-8).
    case syntax(String)
    /// An object names the same key twice (RFC 8259 §4 leaves the meaning open; we refuse it).
    case duplicateKey(String)
    /// Nesting deeper than the parser's limit.
    case tooDeep(Int)
    /// A number beyond `Double`'s range.
    case numberOutOfRange(String)
  }

  public var reason: Reason
  /// The byte offset in the input.
  public var offset: Int

  public var description: String {
    switch reason {
    case .syntax(let detail): "invalid JSON at byte \(offset): \(detail)"
    case .duplicateKey(let key): "the key \"\(key)\" appears twice in one object (byte \(offset))"
    case .tooDeep(let limit): "JSON nested deeper than \(limit) levels (byte \(offset))"
    case .numberOutOfRange(let text): "the number \(text) is out of range (byte \(offset))"
    }
  }
}
