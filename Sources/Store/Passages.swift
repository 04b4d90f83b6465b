/// Cuts a document body (plain text, one block per line) into passages for snippets.
enum Passages {
  /// Passages grow line by line up to about this many characters; a longer line is a passage of
  /// its own.
  static let targetLength = 360

  static func split(_ body: String) -> [String] {
    var passages: [String] = []
    var current = ""
    for line in body.split(separator: "\n", omittingEmptySubsequences: true) {
      if !current.isEmpty, current.count + line.count + 1 > targetLength {
        passages.append(current)
        current = ""
      }
      if !current.isEmpty { current += "\n" }
      current += line
    }
    if !current.isEmpty { passages.append(current) }
    return passages
  }

  /// The first `words` words of `body`, for a hit whose body has no matching passage.
  static func lead(of body: String, words: Int) -> String {
    var count = 0
    var end = body.startIndex
    var inWord = false
    for index in body.indices {
      let isSpace = body[index].isWhitespace
      if !isSpace, !inWord {
        count += 1
        if count > words { break }
      }
      inWord = !isSpace
      end = body.index(after: index)
    }
    let lead = body[..<end].split(whereSeparator: \.isNewline).joined(separator: " ")
    return end < body.endIndex ? lead + "…" : lead
  }
}
