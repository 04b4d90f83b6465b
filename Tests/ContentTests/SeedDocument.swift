import Foundation

/// The source document the corpus was written from (`../shared/seed/*.txt` beside the package),
/// parsed into its question lines, keyword bullets and tables.
struct SeedDocument {
  var questions: [Int: String] = [:]
  var keywordBullets: [String] = []
  /// Tables by heading: the column headings and the rows of cells, trimmed.
  var tables: [String: (columns: [String], rows: [[String]])] = [:]

  /// The package root, three levels above this file (`Tests/ContentTests/SeedDocument.swift`).
  static let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// The first `*.txt` under `../shared/seed`, or `nil` when the folder is absent.
  static func load() -> SeedDocument? {
    let folder = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/seed")
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path),
      let name = names.filter({ $0.hasSuffix(".txt") }).sorted().first,
      let text = try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
    else { return nil }
    return SeedDocument(text: text)
  }

  init(text: String) {
    var section = ""
    var tableLines: [String] = []
    func flushTable() {
      defer { tableLines = [] }
      guard tableLines.count >= 2 else { return }
      let parse = { (line: String) -> [String] in
        var cells = line.split(separator: "|", omittingEmptySubsequences: false)
          .map { $0.trimmingCharacters(in: .whitespaces) }
        cells.removeFirst()
        cells.removeLast()
        return cells
      }
      tables[section] = (parse(tableLines[0]), tableLines.dropFirst(2).map(parse))
    }
    for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
      if line.hasPrefix("### ") {
        flushTable()
        section = String(line.dropFirst(4)).trimmingCharacters(in: .whitespaces)
      } else if line.hasPrefix("|") {
        tableLines.append(line)
      } else if section == "Questions", let dot = line.firstIndex(of: "."),
        let number = Int(line[..<dot])
      {
        questions[number] = String(line[line.index(after: dot)...]).trimmingCharacters(in: .whitespaces)
      } else if section == "Keywords", line.hasPrefix("- ") {
        keywordBullets.append(String(line.dropFirst(2)))
      }
    }
    flushTable()
  }
}

import Testing

@Suite("Seed document parser", .enabled(if: SeedDocument.load() != nil, "../shared/seed is absent"))
struct SeedDocumentTests {
  @Test func findsQuestionsKeywordsAndTables() throws {
    let seed = try #require(SeedDocument.load())
    #expect(seed.questions.keys.sorted() == Array(1...22))
    #expect(seed.questions[6] == "How do you handle Python’s Global Interpreter Lock (GIL) when using a C++ backend?")
    #expect(seed.keywordBullets.count == 10)
    #expect(seed.tables["Method Types in Python"]?.rows.count == 7)
    #expect(seed.tables["Attribute Naming Conventions in Python"]?.columns == ["Naming", "Type", "Meaning"])
  }
}
