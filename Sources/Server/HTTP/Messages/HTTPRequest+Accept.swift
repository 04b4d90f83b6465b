extension HTTPRequest {
  /// The quality (0…1) the `Accept` fields give `mediaType` (`type/subtype`, lower case), from the
  /// most specific range that matches it: `text/html` over `text/*` over `*/*` (RFC 9110 §12.5.1).
  /// No `Accept` field accepts everything at 1; a listed field that matches nothing gives 0.
  public func acceptQuality(for mediaType: String) -> Double {
    let fields = headers.values(for: "Accept")
    guard !fields.isEmpty else { return 1 }
    let type = mediaType.split(separator: "/", maxSplits: 1).first.map(String.init) ?? mediaType
    var best: (specificity: Int, quality: Double) = (-1, 0)
    for field in fields {
      for item in field.split(separator: ",") {
        let parts = item.split(separator: ";").map { $0.trimmingASCIIWhitespace().lowercased() }
        guard let range = parts.first, !range.isEmpty else { continue }
        let specificity: Int
        if range == mediaType {
          specificity = 2
        } else if range == type + "/*" {
          specificity = 1
        } else if range == "*/*" {
          specificity = 0
        } else {
          continue
        }
        var quality = 1.0
        for parameter in parts.dropFirst() where parameter.hasPrefix("q=") {
          quality = Double(parameter.dropFirst(2)).map { min(max($0, 0), 1) } ?? 0
        }
        if specificity > best.specificity { best = (specificity, quality) }
      }
    }
    return best.quality
  }

  /// Whether the client ranks `preferred` strictly above `other` by `Accept` q-values; a tie
  /// (`*/*`, or no `Accept`) is `false`, so the caller's default wins.
  public func prefers(_ preferred: String, over other: String) -> Bool {
    acceptQuality(for: preferred) > acceptQuality(for: other)
  }
}
