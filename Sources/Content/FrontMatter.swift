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
    guard let scalar = node.scalar, let value = Int(scalar.string), value > 0 else {
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

  /// A list of rows, each a list of cell strings (cells may be empty).
  func rows(_ key: String, problems: inout [CorpusProblem]) -> [[String]]? {
    guard let node = fields[key], !isNull(node) else {
      problems.append(missing(key))
      return nil
    }
    guard let sequence = node.sequence else {
      problems.append(invalid(key, "must be a list of rows (lists of cells)"))
      return nil
    }
    var rows: [[String]] = []
    for (index, row) in sequence.enumerated() {
      guard let cells = row.sequence else {
        problems.append(invalid(key, "row \(index + 1) must be a list of cells"))
        continue
      }
      var values: [String] = []
      for cell in cells {
        if let scalar = cell.scalar {
          values.append(isNull(cell) ? "" : scalar.string.trimmingCharacters(in: .whitespacesAndNewlines))
        } else {
          problems.append(invalid(key, "row \(index + 1) has a cell that is not a string"))
          values.append("")
        }
      }
      rows.append(values)
    }
    return rows
  }

  /// `{kind, params, title}` entries.
  func experiments(_ key: String, problems: inout [CorpusProblem]) -> [Experiment] {
    guard let node = fields[key], !isNull(node) else { return [] }
    guard let sequence = node.sequence else {
      problems.append(invalid(key, "must be a list of {kind, params, title} entries"))
      return []
    }
    var experiments: [Experiment] = []
    for (index, item) in sequence.enumerated() {
      guard let mapping = item.mapping else {
        problems.append(invalid(key, "entry \(index + 1) must be a mapping with kind, params and title"))
        continue
      }
      let kind = mapping["kind"]?.scalar?.string.trimmingCharacters(in: .whitespaces) ?? ""
      let title = mapping["title"]?.scalar?.string.trimmingCharacters(in: .whitespaces) ?? ""
      let params = mapping["params"].map(Self.jsonValue) ?? .emptyObject
      if kind.isEmpty { problems.append(invalid(key, "entry \(index + 1) has no `kind`")) }
      if title.isEmpty { problems.append(invalid(key, "entry \(index + 1) has no `title`")) }
      guard case .object = params else {
        problems.append(invalid(key, "entry \(index + 1): `params` must be a mapping"))
        continue
      }
      if !kind.isEmpty, !title.isEmpty {
        experiments.append(Experiment(kind: kind, params: params, title: title))
      }
    }
    return experiments
  }

  /// `{prompt, experiment: {kind, params}, observe, explanation}` entries.
  func exercises(_ key: String, problems: inout [CorpusProblem]) -> [Exercise] {
    guard let node = fields[key], !isNull(node) else { return [] }
    guard let sequence = node.sequence else {
      problems.append(invalid(key, "must be a list of {prompt, experiment, observe, explanation} entries"))
      return []
    }
    var exercises: [Exercise] = []
    for (index, item) in sequence.enumerated() {
      guard let mapping = item.mapping else {
        problems.append(invalid(key, "entry \(index + 1) must be a mapping"))
        continue
      }
      func text(_ name: String) -> String {
        let value = mapping[name]?.scalar?.string.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if value.isEmpty { problems.append(invalid(key, "entry \(index + 1) has no `\(name)`")) }
        return value
      }
      let prompt = text("prompt")
      let observe = text("observe")
      let explanation = text("explanation")
      let experiment = mapping["experiment"]?.mapping
      let kind = experiment?["kind"]?.scalar?.string.trimmingCharacters(in: .whitespaces) ?? ""
      let params = experiment?["params"].map(Self.jsonValue) ?? .emptyObject
      if kind.isEmpty { problems.append(invalid(key, "entry \(index + 1) has no `experiment.kind`")) }
      guard case .object = params else {
        problems.append(invalid(key, "entry \(index + 1): `experiment.params` must be a mapping"))
        continue
      }
      for name in mapping.keys.compactMap({ $0.scalar?.string })
      where !["prompt", "experiment", "observe", "explanation"].contains(name) {
        problems.append(invalid(key, "entry \(index + 1) has an unknown field `\(name)`"))
      }
      if ![prompt, observe, explanation, kind].contains(where: \.isEmpty) {
        exercises.append(Exercise(prompt: prompt, kind: kind, params: params, observe: observe, explanation: explanation))
      }
    }
    return exercises
  }

  /// `true` or `false`; absent means `false`.
  func bool(_ key: String, problems: inout [CorpusProblem]) -> Bool {
    guard let node = fields[key], !isNull(node) else { return false }
    switch node.scalar?.string {
    case "true", "True", "yes": return true
    case "false", "False", "no": return false
    default:
      problems.append(invalid(key, "must be true or false"))
      return false
    }
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

  /// Converts a YAML node to JSON. Plain scalars resolve as in YAML 1.2's core schema (`1024` is
  /// an integer, `0.5` a double, `true` a Boolean, `null` null; `yes` stays a string); quoted
  /// scalars are always strings.
  static func jsonValue(_ node: Node) -> JSONValue {
    switch node {
    case .scalar(let scalar):
      guard scalar.style == .plain else { return .string(scalar.string) }
      let text = scalar.string
      switch text {
      case "", "~", "null", "Null", "NULL": return .null
      case "true", "True", "TRUE": return .bool(true)
      case "false", "False", "FALSE": return .bool(false)
      default: break
      }
      if let value = Int(text) { return .int(value) }
      if let value = Double(text), value.isFinite, text.contains(where: \.isNumber) { return .double(value) }
      return .string(text)
    case .sequence(let sequence):
      return .array(sequence.map(jsonValue))
    case .mapping(let mapping):
      var members = JSONObject()
      for (key, value) in mapping {
        if let name = key.scalar?.string { members[name] = jsonValue(value) }
      }
      return .object(members)
    }
  }
}
