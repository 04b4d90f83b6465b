/// Splits text into words the way the index's `unicode61` tokenizer does (with `_` as a token
/// character): runs of letters, digits, marks, private-use characters and `_`, lower-cased.
/// Everything else (spaces, punctuation, symbols, emoji, NUL) separates words.
///
/// Used for plain-mode queries (each word becomes a quoted FTS5 string) and for the
/// "did you mean" vocabulary. The tokenizer inside SQLite has the last word, so a mismatch here
/// can only split or join words, never produce an invalid query.
enum SearchTokenizer {
  static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
    if scalar.isASCII {
      let value = scalar.value
      return (0x30...0x39).contains(value) || (0x41...0x5A).contains(value)
        || (0x61...0x7A).contains(value) || value == 0x5F
    }
    switch scalar.properties.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
      .decimalNumber, .letterNumber, .otherNumber, .nonspacingMark, .spacingMark, .enclosingMark,
      .privateUse:
      return true
    default:
      return false
    }
  }

  /// The lower-cased words of `text`, in order; at most `limit` of them when given.
  static func words(_ text: String, limit: Int = .max) -> [String] {
    var words: [String] = []
    var current = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      if isWordScalar(scalar) {
        current.append(scalar)
      } else if !current.isEmpty {
        words.append(String(current).lowercased())
        current = String.UnicodeScalarView()
        if words.count == limit { return words }
      }
    }
    if !current.isEmpty, words.count < limit { words.append(String(current).lowercased()) }
    return words
  }
}
