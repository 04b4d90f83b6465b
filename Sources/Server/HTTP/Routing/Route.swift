/// A path pattern such as `/questions/{id}` with its handlers by method.
struct Route: Sendable {
  enum Segment: Sendable, Equatable {
    case literal(String)
    case parameter(String)
  }

  let pattern: String
  let segments: [Segment]
  /// The pattern up to its first parameter: a cheap filter before splitting a path.
  let literalPrefix: String
  var methods: [HTTPMethod: Router.Entry] = [:]

  init(pattern: String) {
    self.pattern = pattern
    self.literalPrefix = pattern.firstIndex(of: "{").map { String(pattern[..<$0]) } ?? pattern
    self.segments = pattern.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map { part in
      if part.hasPrefix("{") && part.hasSuffix("}") { return .parameter(String(part.dropFirst().dropLast())) }
      return .literal(String(part))
    }
  }

  var isLiteral: Bool { !segments.contains { if case .parameter = $0 { true } else { false } } }

  /// The `Allow` value: the registered methods, with HEAD wherever GET is, and OPTIONS.
  var allowHeader: String { Self.allowHeader(for: [self]) }

  /// The `Allow` value for routes that share a path shape.
  static func allowHeader(for routes: [Route]) -> String {
    var names = Set(routes.flatMap { $0.methods.keys.map(\.rawValue) })
    if names.contains("GET") { names.insert("HEAD") }
    names.insert("OPTIONS")
    return names.sorted().joined(separator: ", ")
  }

  /// The percent-decoded parameters when `path` matches, else nil.
  func match(_ path: Substring) -> [String: String]? {
    guard path.hasPrefix(literalPrefix) else { return nil }
    let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
    guard parts.count == segments.count else { return nil }
    var parameters: [String: String] = [:]
    for (part, segment) in zip(parts, segments) {
      switch segment {
      case .literal(let literal):
        guard part == literal else { return nil }
      case .parameter(let name):
        guard !part.isEmpty, let value = PercentEncoding.decode(part) else { return nil }
        parameters[name] = value
      }
    }
    return parameters
  }
}
