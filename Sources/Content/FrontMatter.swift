import JSON
import Foundation
import Yams

/// The YAML front matter of one corpus file and its Markdown body, with typed accessors that
/// record problems instead of stopping at the first one.
struct FrontMatter {
  /// The file, relative to the corpus directory, for problem messages.
  let file: String
  /// The Markdown after the closing `---`.
  let body: String
  private let fields: [String: Node]
  private let keyOrder: [String]

  /// Splits `text` into front matter and body and parses the YAML mapping. Returns `nil` and
  /// appends a problem when there is no front matter or it is not a mapping.
  init?(file: String, text: String, problems: inout [CorpusProblem]) {
    self.file = file
    var normalized = text.replacingOccurrences(of: "\r\n", with: "\n")
    if normalized.hasPrefix("\u{FEFF}") { normalized.removeFirst() }
    let lines = normalized.split(separator: "\n", omittingEmptySubsequences: false)
    guard lines.first.map({ $0.trimmingCharacters(in: .whitespaces) }) == "---",
      let end = lines.dropFirst().firstIndex(where: {
        let line = $0.trimmingCharacters(in: .whitespaces)
        return line == "---" || line == "..."
      })
    else {
      problems.append(
        .init(file: file, kind: .invalidFrontMatter,
              message: "expected YAML front matter between two `---` lines at the top"))
      return nil
    }
    let yaml = lines[1..<end].joined(separator: "\n")
    body = lines[(end + 1)...].joined(separator: "\n")
      .trimmingCharacters(in: .whitespacesAndNewlines)
    let node: Node?
    do {
      node = try Yams.compose(yaml: yaml)
    } catch {
      problems.append(.init(file: file, kind: .invalidFrontMatter, message: "YAML: \(error)"))
      return nil
    }
    guard let mapping = node?.mapping else {
      problems.append(
        .init(file: file, kind: .invalidFrontMatter, message: "front matter is not a YAML mapping"))
      return nil
    }
    var fields: [String: Node] = [:]
    var order: [String] = []
    for (key, value) in mapping {
      guard let name = key.scalar?.string else { continue }
      if fields[name] != nil {
        problems.append(.init(file: file, kind: .invalidFrontMatter, message: "field `\(name)` appears twice"))
      }
      fields[name] = value
      order.append(name)
    }
    self.fields = fields
    self.keyOrder = order
  }

  /// Field names present but not in `known`, in file order.
  func unknownFields(known: Set<String>) -> [String] {
    keyOrder.filter { !known.contains($0) }
  }

  func has(_ key: String) -> Bool { fields[key] != nil }

  // MARK: - Typed accessors

  /// A non-empty string. Missing or empty: `missingField` when required.
  func string(_ key: String, required: Bool, problems: inout [CorpusProblem]) -> String? {
    guard let node = fields[key], !isNull(node) else {
      if required { problems.append(missing(key)) }
      return nil
    }
    guard let scalar = node.scalar else {
      problems.append(invalid(key, "must be a string"))
      return nil
    }
    let value = scalar.string.trimmingCharacters(in: .whitespacesAndNewlines)
    if value.isEmpty {
      if required { problems.append(missing(key)) }
      return nil
    }
    return value
  }

  /// A positive integer.
  func positiveInt(_ key: String, problems: inout [CorpusProblem]) -> Int? {
    guard let node = fields[key], !isNull(node) else {
      problems.append(missing(key))
      return nil
    }
    guard let value = try? Self.decoder.decode(Int.self, from: node), value > 0 else {
      problems.append(invalid(key, "must be a positive integer, found `\(node.scalar?.string ?? "a collection")`"))
      return nil
    }
    return value
  }

  /// A list of non-empty strings; absent means `[]`. A single scalar is taken as a one-item list.
  func stringList(_ key: String, required: Bool = false, problems: inout [CorpusProblem]) -> [String] {
    guard let node = fields[key], !isNull(node) else {
      if required { problems.append(missing(key)) }
      return []
    }
    if let scalar = node.scalar {
      let value = scalar.string.trimmingCharacters(in: .whitespaces)
      return value.isEmpty ? [] : [value]
    }
    guard let sequence = node.sequence else {
      problems.append(invalid(key, "must be a list of strings"))
      return []
    }
    var values: [String] = []
    for (index, item) in sequence.enumerated() {
      guard let scalar = item.scalar else {
        problems.append(invalid(key, "item \(index + 1) must be a string"))
        continue
      }
      let value = scalar.string.trimmingCharacters(in: .whitespacesAndNewlines)
      if value.isEmpty {
        problems.append(invalid(key, "item \(index + 1) is empty"))
      } else {
        values.append(value)
      }
    }
    return values
  }

  /// Cross-references such as `question:8`.
  func references(_ key: String, problems: inout [CorpusProblem]) -> [CrossReference] {
    stringList(key, problems: &problems).compactMap { text in
      guard let reference = CrossReference(text) else {
        problems.append(invalid(key, "`\(text)` is not `question:N`, `keyword:SLUG`, `table:SLUG` or `term:SLUG`"))
        return nil
      }
      return reference
    }
  }

  /// A list of rows, each a list of cell strings (cells may be empty, written `~` or `null`).
  func rows(_ key: String, problems: inout [CorpusProblem]) -> [[String]]? {
    guard let node = fields[key], !isNull(node) else {
      problems.append(missing(key))
      return nil
    }
    guard let rows = try? Self.decoder.decode([[String?]].self, from: node) else {
      problems.append(invalid(key, "must be a list of rows, each a list of cells (strings)"))
      return nil
    }
    return rows.map { $0.map { $0?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "" } }
  }

  /// `{kind, params, title}` entries.
  func experiments(_ key: String, problems: inout [CorpusProblem]) -> [Experiment] {
    guard let entries = entries(ExperimentEntry.self, key, shape: "{kind, params, title}", problems: &problems) else { return [] }
    var experiments: [Experiment] = []
    for (index, entry) in entries.enumerated() {
      let kind = entry.kind?.trimmingCharacters(in: .whitespaces) ?? ""
      let title = entry.title?.trimmingCharacters(in: .whitespaces) ?? ""
      let params = entry.params ?? .emptyObject
      if kind.isEmpty { problems.append(invalid(key, "entry \(index + 1) has no `kind`")) }
      if title.isEmpty { problems.append(invalid(key, "entry \(index + 1) has no `title`")) }
      guard case .object = params else {
        problems.append(invalid(key, "entry \(index + 1): `params` must be a mapping"))
        continue
      }
      if !kind.isEmpty, !title.isEmpty { experiments.append(Experiment(kind: kind, params: params, title: title)) }
    }
    return experiments
  }

  /// `{prompt, experiment: {kind, params}, observe, explanation}` entries.
  func exercises(_ key: String, problems: inout [CorpusProblem]) -> [Exercise] {
    guard
      let entries = entries(
        ExerciseEntry.self, key, shape: "{prompt, experiment: {kind, params}, observe, explanation}", problems: &problems)
    else { return [] }
    var exercises: [Exercise] = []
    for (index, entry) in entries.enumerated() {
      func text(_ value: String?, _ name: String) -> String {
        let text = value?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if text.isEmpty { problems.append(invalid(key, "entry \(index + 1) has no `\(name)`")) }
        return text
      }
      let prompt = text(entry.prompt, "prompt")
      let observe = text(entry.observe, "observe")
      let explanation = text(entry.explanation, "explanation")
      let kind = text(entry.experiment?.kind, "experiment.kind")
      let params = entry.experiment?.params ?? .emptyObject
      guard case .object = params else {
        problems.append(invalid(key, "entry \(index + 1): `experiment.params` must be a mapping"))
        continue
      }
      if ![prompt, observe, explanation, kind].contains(where: \.isEmpty) {
        exercises.append(Exercise(prompt: prompt, kind: kind, params: params, observe: observe, explanation: explanation))
      }
    }
    return exercises
  }

  /// `{text, experiment: {kind, params}, figure, min, max, device_type}` entries; each `text` must
  /// be quoted from `body`.
  func claims(_ key: String, problems: inout [CorpusProblem]) -> [Claim] {
    let shape = "{text, experiment: {kind, params}, figure, min, max, device_type}"
    guard let entries = entries(ClaimEntry.self, key, shape: shape, problems: &problems) else { return [] }
    let answer = Self.collapsingSpaces(body)
    var claims: [Claim] = []
    for (index, entry) in entries.enumerated() {
      let count = problems.count
      func fail(_ message: String) { problems.append(invalid(key, "entry \(index + 1) \(message)")) }
      let text = Self.collapsingSpaces(entry.text ?? "")
      let kind = entry.experiment?.kind?.trimmingCharacters(in: .whitespaces) ?? ""
      let figure = entry.figure?.trimmingCharacters(in: .whitespaces) ?? ""
      let params = entry.experiment?.params ?? .emptyObject
      if text.isEmpty { fail("has no `text`") } else if !answer.contains(text) {
        fail("quotes text that is not in the answer: \"\(text.prefix(80))\"")
      }
      if kind.isEmpty { fail("has no `experiment.kind`") }
      if figure.isEmpty { fail("has no `figure`") }
      if case .object = params {} else { fail("has `experiment.params` that is not a mapping") }
      if entry.min == nil, entry.max == nil { fail("sets neither `min` nor `max`") }
      if let low = entry.min, let high = entry.max, low > high { fail("has `min` above `max`") }
      if let type = entry.deviceType, !Claim.deviceTypes.contains(type) { fail("has `device_type` other than cpu or gpu") }
      guard problems.count == count else { continue }
      claims.append(
        Claim(
          text: text, kind: kind, params: params, figure: figure, min: entry.min, max: entry.max,
          deviceType: entry.deviceType))
    }
    return claims
  }

  /// `text` with each run of white space (a line break in a quoted sentence) as one space.
  static func collapsingSpaces(_ text: String) -> String {
    text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
  }

  /// `true` or `false`; absent means `false`.
  func bool(_ key: String, problems: inout [CorpusProblem]) -> Bool {
    guard let node = fields[key], !isNull(node) else { return false }
    guard let value = try? Self.decoder.decode(Bool.self, from: node) else {
      problems.append(invalid(key, "must be true or false"))
      return false
    }
    return value
  }

  // MARK: - Decoding with Yams

  private static var decoder: YAMLDecoder { YAMLDecoder() }

  /// A list field decoded entry by entry with Yams' `YAMLDecoder`, so that one bad entry is one
  /// problem (naming it) and the others still load; `nil` when the field is absent.
  private func entries<Entry: Decodable>(
    _ type: Entry.Type, _ key: String, shape: String, problems: inout [CorpusProblem]
  ) -> [Entry]? {
    guard let node = fields[key], !isNull(node) else { return nil }
    guard let sequence = node.sequence else {
      problems.append(invalid(key, "must be a list of \(shape) entries"))
      return []
    }
    var entries: [Entry] = []
    for (index, item) in sequence.enumerated() {
      do {
        entries.append(try Self.decoder.decode(Entry.self, from: item))
      } catch {
        problems.append(invalid(key, "entry \(index + 1) must be a mapping \(shape)"))
      }
    }
    return entries
  }

  // MARK: - Helpers

  private func missing(_ key: String) -> CorpusProblem {
    .init(file: file, kind: .missingField, message: "missing required field `\(key)`")
  }

  private func invalid(_ key: String, _ detail: String) -> CorpusProblem {
    .init(file: file, kind: .invalidField, message: "field `\(key)` \(detail)")
  }

  private func isNull(_ node: Node) -> Bool {
    guard let scalar = node.scalar else { return false }
    return scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
  }
}

/// One entry of `experiments:` as written.
private struct ExperimentEntry: Decodable {
  var kind: String?
  var title: String?
  var params: JSONValue?
}

/// An entry's `experiment: {kind, params}` as written.
private struct EntryRun: Decodable {
  var kind: String?
  var params: JSONValue?
}

/// The keyed container of a list entry whose members must all be among `Keys`: an unknown one
/// (a typo such as `figrue`) is an error naming it, not a member silently ignored.
private func strictContainer<Keys: CodingKey>(
  _ decoder: any Decoder, _: Keys.Type
) throws -> KeyedDecodingContainer<Keys> {
  let all = try decoder.container(keyedBy: AnyKey.self)
  if let unknown = all.allKeys.first(where: { Keys(stringValue: $0.stringValue) == nil }) {
    throw DecodingError.dataCorruptedError(
      forKey: unknown, in: all, debugDescription: "unknown field `\(unknown.stringValue)`")
  }
  return try decoder.container(keyedBy: Keys.self)
}

private struct AnyKey: CodingKey {
  var stringValue: String
  var intValue: Int? { nil }
  init(stringValue: String) { self.stringValue = stringValue }
  init?(intValue: Int) { nil }
}

/// One entry of `claims:` as written; unknown members are refused.
private struct ClaimEntry: Decodable {
  var text: String?
  var experiment: EntryRun?
  var figure: String?
  var min: Double?
  var max: Double?
  var deviceType: String?

  enum CodingKeys: String, CodingKey {
    case text, experiment, figure, min, max
    case deviceType = "device_type"
  }

  init(from decoder: any Decoder) throws {
    let known = try strictContainer(decoder, CodingKeys.self)
    text = try known.decodeIfPresent(String.self, forKey: .text)
    experiment = try known.decodeIfPresent(EntryRun.self, forKey: .experiment)
    figure = try known.decodeIfPresent(String.self, forKey: .figure)
    min = try known.decodeIfPresent(Double.self, forKey: .min)
    max = try known.decodeIfPresent(Double.self, forKey: .max)
    deviceType = try known.decodeIfPresent(String.self, forKey: .deviceType)
  }
}

/// One entry of `exercises:` as written; unknown members are refused.
private struct ExerciseEntry: Decodable {
  var prompt: String?
  var experiment: EntryRun?
  var observe: String?
  var explanation: String?

  enum CodingKeys: String, CodingKey { case prompt, experiment, observe, explanation }

  init(from decoder: any Decoder) throws {
    let known = try strictContainer(decoder, CodingKeys.self)
    prompt = try known.decodeIfPresent(String.self, forKey: .prompt)
    experiment = try known.decodeIfPresent(EntryRun.self, forKey: .experiment)
    observe = try known.decodeIfPresent(String.self, forKey: .observe)
    explanation = try known.decodeIfPresent(String.self, forKey: .explanation)
  }
}
