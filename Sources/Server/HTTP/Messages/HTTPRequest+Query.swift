extension HTTPRequest {
  /// The query's `name=value` pairs, decoded (`+` is a space), in order.
  /// Pairs whose encoding is malformed are dropped.
  public var queryItems: [(name: String, value: String)] {
    queryPairs().compactMap { pair in pair.decoded }
  }

  /// The query's pairs, decoded, in order; a pair whose percent-encoding is malformed or not
  /// UTF-8 (`q=%ff`) is a 400 naming it, rather than a parameter silently absent.
  public func strictQueryItems() throws -> [(name: String, value: String)] {
    try queryPairs().map { pair in
      guard let decoded = pair.decoded else {
        let raw = String(pair.rawName.prefix(40))
        throw Problem.badRequest(
          "The query parameter \(raw) is not valid percent-encoded UTF-8.",
          field: PercentEncoding.decode(pair.rawName) ?? raw)
      }
      return decoded
    }
  }

  /// The first value of a query parameter.
  public func query(_ name: String) -> String? {
    queryItems.first { $0.name == name }?.value
  }

  /// Each `name=value` pair with its raw name, decoded when its encoding is valid.
  private func queryPairs() -> [(rawName: Substring, decoded: (name: String, value: String)?)] {
    guard let query, !query.isEmpty else { return [] }
    return query.split(separator: "&").map { pair in
      let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      guard let name = PercentEncoding.decode(parts[0], plusIsSpace: true),
        let value = parts.count > 1 ? PercentEncoding.decode(parts[1], plusIsSpace: true) : ""
      else { return (parts[0], nil) }
      return (parts[0], (name, value))
    }
  }
}
