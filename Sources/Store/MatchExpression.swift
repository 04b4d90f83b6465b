import Foundation
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

  /// Why a raw FTS5 expression would always be too expensive to run within the time limit, or
  /// `nil` when it is not: more terms than plain searches take, more than 8 prefix terms, or a
  /// prefix of one character (`a*`: FTS5 expands it to every indexed word that starts with it;
  /// prefixes of 2 and 3 characters have an index of their own). The answer is a 400 naming
  /// this, at once, instead of a query that runs for seconds and then fails.
  static func costRefusal(ofRaw text: String, maximumTerms: Int) -> String? {
    let operators: Set<String> = ["AND", "OR", "NOT", "NEAR"]
    var terms = 0
    var prefixes = 0
    var quoted = false
    var token = ""
    func finish() -> String? {
      defer { token = "" }
      var word = token
      if let colon = word.lastIndex(of: ":") { word = String(word[word.index(after: colon)...]) }  // column filter
      word = word.trimmingCharacters(in: CharacterSet(charactersIn: "^+-\""))
      guard !word.isEmpty, !operators.contains(word) else { return nil }
      terms += 1
      if word.hasSuffix("*") {
        prefixes += 1
        if word.dropLast().trimmingCharacters(in: CharacterSet(charactersIn: "*")).count < 2 {
          return "the prefix \(word) is too short to search for: give at least 2 characters before *"
        }
      }
      return nil
    }
    for character in text {
      if character == "\"" { quoted.toggle() }
      if !quoted && (character.isWhitespace || "(){},".contains(character)) {
        if let refusal = finish() { return refusal }
      } else {
        token.append(character)
      }
    }
    if let refusal = finish() { return refusal }
    if terms > maximumTerms {
      return "the expression has \(terms) terms; at most \(maximumTerms) are searched (a longer one cannot finish in time)"
    }
    if prefixes > 8 {
      return "the expression has \(prefixes) prefix terms (word*); at most 8 are searched"
    }
    return nil
  }
}
