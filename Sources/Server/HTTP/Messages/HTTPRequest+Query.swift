extension HTTPRequest {
  /// The query's `name=value` pairs, decoded (`+` is a space), in order.
  /// Pairs whose encoding is malformed are dropped.
  public var queryItems: [(name: String, value: String)] {
    guard let query, !query.isEmpty else { return [] }
    return query.split(separator: "&").compactMap { pair in
      let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      guard let name = PercentEncoding.decode(parts[0], plusIsSpace: true) else { return nil }
      let value = parts.count > 1 ? PercentEncoding.decode(parts[1], plusIsSpace: true) : ""
      return value.map { (name, $0) }
    }
  }

  /// The first value of a query parameter.
  public func query(_ name: String) -> String? {
    queryItems.first { $0.name == name }?.value
  }
}
