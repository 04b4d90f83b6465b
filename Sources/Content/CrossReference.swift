import Foundation

/// A link from one corpus entry to another, written `question:N`, `keyword:SLUG`, `table:SLUG` or
/// `term:SLUG` in front matter and encoded as that same string in JSON.
public enum CrossReference: Sendable, Hashable {
  case question(Int)
  case keyword(String)
  case table(String)
  /// A glossary term.
  case term(String)

  /// Parses `question:8`, `keyword:frozenset` or `table:method-types`; `nil` for anything else
  /// (unknown kind, empty slug, non-numeric question id).
  public init?(_ text: String) {
    guard let colon = text.firstIndex(of: ":") else { return nil }
    let kind = text[..<colon].trimmingCharacters(in: .whitespaces)
    let value = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    guard !value.isEmpty else { return nil }
    switch kind {
    case "question":
      guard let id = Int(value), id > 0 else { return nil }
      self = .question(id)
    case "keyword": self = .keyword(value)
    case "table": self = .table(value)
    case "term": self = .term(value)
    default: return nil
    }
  }

  /// The kind of entry referred to.
  public var kind: EntryKind {
    switch self {
    case .question: .question
    case .keyword: .keyword
    case .table: .table
    case .term: .term
    }
  }
}

extension CrossReference: CustomStringConvertible {
  /// The front-matter form, e.g. `question:8`.
  public var description: String {
    switch self {
    case .question(let id): "question:\(id)"
    case .keyword(let slug): "keyword:\(slug)"
    case .table(let slug): "table:\(slug)"
    case .term(let slug): "term:\(slug)"
    }
  }
}

extension CrossReference: Codable {
  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    let text = try container.decode(String.self)
    guard let reference = CrossReference(text) else {
      throw DecodingError.dataCorruptedError(
        in: container, debugDescription: "not a cross-reference: \(text)")
    }
    self = reference
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(description)
  }
}

/// The kinds of corpus entries. Raw values are the JSON and URL forms.
public enum EntryKind: String, Sendable, Hashable, Codable, CaseIterable {
  case question
  case keyword
  case table
  /// A glossary term (`Corpus/terms/SLUG.md`).
  case term
}
