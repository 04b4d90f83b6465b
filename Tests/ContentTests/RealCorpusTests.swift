import Foundation
import Testing

@testable import Content

/// Where the shipped corpus lives, and whether it is there (the suite is skipped while the
/// corpus folder holds no question files, e.g. on a branch without the content).
enum RealCorpus {
  static let directory = SeedDocument.packageRoot.appendingPathComponent("Sources/Content/Corpus")

  static var isPresent: Bool {
    let questions = directory.appendingPathComponent("questions").path
    return ((try? FileManager.default.contentsOfDirectory(atPath: questions)) ?? []).contains { $0.hasSuffix(".md") }
  }
}

/// Checks the corpus shipped in `Sources/Content/Corpus` against the source document.
@Suite("The real corpus", .enabled(if: RealCorpus.isPresent, "Sources/Content/Corpus has no question files"))
struct RealCorpusTests {
  static let directory = RealCorpus.directory

  @Test func loadsWithoutProblems() throws {
    do {
      let corpus = try Corpus.load(from: Self.directory)
      #expect(corpus.warnings.isEmpty, "\(corpus.warnings.map(\.description).joined(separator: "\n"))")
    } catch {
      Issue.record("\(error)")
    }
  }

  @Test func has22QuestionsWithTheSeedTitles() throws {
    let corpus = try Corpus.load(from: Self.directory)
    #expect(corpus.questions.map(\.id) == Array(1...22))
    let seed = try #require(SeedDocument.load(), "../shared/seed is absent")
    #expect(seed.questions.count == 22)
    for question in corpus.questions {
      #expect(question.title == seed.questions[question.id], "question \(question.id)")
    }
  }

  @Test func has10KeywordNotes() throws {
    let corpus = try Corpus.load(from: Self.directory)
    #expect(corpus.keywordNotes.count == 10)
    if let seed = SeedDocument.load() {
      #expect(seed.keywordBullets.count == 10)
    }
  }

  @Test func hasTheTwoSeedTablesRowForRow() throws {
    let corpus = try Corpus.load(from: Self.directory)
    #expect(corpus.tables.count == 2)
    let seed = try #require(SeedDocument.load(), "../shared/seed is absent")
    #expect(seed.tables.count == 2)
    for (title, expected) in seed.tables {
      let table = try #require(corpus.tables.first { $0.title == title }, "no table titled \(title)")
      #expect(table.columns == expected.columns, "\(title)")
      #expect(table.rows == expected.rows, "\(title)")
    }
  }

  @Test func everyQuestionHasTopicsKeywordsAndAnAnswer() throws {
    let corpus = try Corpus.load(from: Self.directory)
    for question in corpus.questions {
      #expect(!question.topics.isEmpty, "question \(question.id) has no topics")
      #expect(!question.keywords.isEmpty, "question \(question.id) has no keywords")
      #expect(question.answerMarkdown.count > 200, "question \(question.id) has a short answer")
    }
  }
}
