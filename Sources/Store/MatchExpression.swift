/// Builds FTS5 MATCH expressions from words, never from raw user text: each word becomes an
/// FTS5 string (double quotes, inner quotes doubled), so no operator, column filter or syntax
/// character in the input can reach the FTS5 parser.
enum MatchExpression {
  /// `word` as an FTS5 string literal.
  static func quoted(_ word: String) -> String {
    "\"" + word.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  /// Every word required; the last one also matches as a prefix when it has at least
  /// ``minimumPrefixLength`` characters: `"tensor" "cores"*`.
  static func all(_ words: [String]) -> String {
    join(words, separator: " ")
  }

  /// Any word suffices; ranking prefers documents with more of them: `"a" OR "b"*`.
  static func any(_ words: [String]) -> String {
    join(words, separator: " OR ")
  }

  /// A single letter is matched as a word, not a prefix: `c` finds the C language, not every
  /// word starting with c (which would also cost milliseconds to rank and highlight).
  static let minimumPrefixLength = 2

  private static func join(_ words: [String], separator: String) -> String {
    var parts = words.map(quoted)
    if let last = words.last, last.count >= minimumPrefixLength { parts[parts.count - 1] += "*" }
    return parts.joined(separator: separator)
  }

  /// The words of `text` for a plain-mode query: tokenized like the index, duplicates dropped,
  /// at most `limit`.
  static func words(in text: String, limit: Int) -> [String] {
    var seen: Set<String> = []
    var words: [String] = []
    for word in SearchTokenizer.words(text, limit: limit * 4) where seen.insert(word).inserted {
      words.append(word)
      if words.count == limit { break }
    }
    return words
  }
}
