/// The unstemmed words of the corpus with their frequencies, for "did you mean" suggestions.
///
/// The FTS5 index holds Porter stems (`coalesc`), which are not words to show a reader, so the
/// sync also stores every word as written (lower-cased) in the `vocabulary` table.
struct Vocabulary: Sendable {
  struct Word: Sendable {
    var text: String
    var frequency: Int
  }

  private let entries: [(word: Word, scalars: [Unicode.Scalar], letters: UInt64)]
  private let frequencies: [String: Int]
  /// Every word, sorted by code units, for prefix lookups by binary search.
  private let sorted: [String]

  init(_ words: [Word]) {
    entries = words.map { ($0, Array($0.text.unicodeScalars), Self.letterMask($0.text.unicodeScalars)) }
    frequencies = Dictionary(words.map { ($0.text, $0.frequency) }, uniquingKeysWith: +)
    sorted = words.map(\.text).sorted()
  }

  var isEmpty: Bool { entries.isEmpty }

  func contains(_ word: String) -> Bool { frequencies[word] != nil }

  /// Whether some word starts with `prefix` (O(log n)).
  func hasWord(withPrefix prefix: String) -> Bool {
    var low = 0
    var high = sorted.count
    while low < high {
      let middle = (low + high) / 2
      if sorted[middle] < prefix { low = middle + 1 } else { high = middle }
    }
    return low < sorted.count && sorted[low].hasPrefix(prefix)
  }

  /// Whether `word` is known: a vocabulary word, or (for the word being typed, `asPrefix`) the
  /// start of one.
  func knows(_ word: String, asPrefix: Bool) -> Bool {
    contains(word) || (asPrefix && hasWord(withPrefix: word))
  }

  /// Up to `limit` vocabulary words within Damerau–Levenshtein distance 2 of `word` (1 for words
  /// of four letters or fewer), closest first, then most frequent. Words shorter than three
  /// letters get no corrections.
  func corrections(for word: String, limit: Int = 3) -> [String] {
    let target = Array(word.unicodeScalars)
    guard target.count >= 3 else { return [] }
    let maximum = target.count <= 4 ? 1 : 2
    let targetLetters = Self.letterMask(word.unicodeScalars)
    var found: [(distance: Int, frequency: Int, text: String)] = []
    for (candidate, scalars, letters) in entries where abs(scalars.count - target.count) <= maximum {
      // Each edit adds or removes at most one kind of letter, a transposition none, so words
      // whose letter sets differ in more than 2 × maximum kinds are out of reach.
      guard (letters ^ targetLetters).nonzeroBitCount <= 2 * maximum, candidate.text != word else { continue }
      let distance = Self.distance(target, scalars, atMost: maximum)
      if distance <= maximum { found.append((distance, candidate.frequency, candidate.text)) }
    }
    found.sort { ($0.distance, -$0.frequency, $0.text) < ($1.distance, -$1.frequency, $1.text) }
    return found.prefix(limit).map(\.text)
  }

  /// The set of letters of a word, folded into 64 buckets (so a lower bound, never too high).
  static func letterMask(_ scalars: String.UnicodeScalarView) -> UInt64 {
    var mask: UInt64 = 0
    for scalar in scalars { mask |= 1 << UInt64(scalar.value & 63) }
    return mask
  }

  /// The optimal-string-alignment Damerau–Levenshtein distance (insertions, deletions,
  /// substitutions and transpositions of adjacent letters), or `atMost + 1` once every
  /// alignment is known to exceed `atMost`.
  static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar], atMost: Int) -> Int {
    if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
    let width = b.count + 1
    var previous2 = [Int](repeating: 0, count: width)
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: width)
    for i in 1...a.count {
      current[0] = i
      var rowMinimum = i
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
          value = min(value, previous2[j - 2] + 1)
        }
        current[j] = value
        rowMinimum = min(rowMinimum, value)
      }
      if rowMinimum > atMost { return atMost + 1 }
      (previous2, previous, current) = (previous, current, previous2)
    }
    return previous[b.count]
  }
}
