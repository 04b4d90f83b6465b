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
    let seeded = corpus.questions.filter { !$0.beyondSeed }
    #expect(seeded.map(\.id) == Array(1...22))
    let seed = try #require(SeedDocument.load(), "../shared/seed is absent")
    #expect(seed.questions.count == 22)
    for question in seeded {
      #expect(question.title == seed.questions[question.id], "question \(question.id)")
    }
  }

  @Test func hasFiveQuestionsBeyondTheSeed_NumberedAfterIt() throws {
    let corpus = try Corpus.load(from: Self.directory)
    #expect(corpus.questions.filter(\.beyondSeed).map(\.id) == Array(23...27))
    for question in corpus.questions where question.beyondSeed {
      #expect(!question.experiments.isEmpty, "question \(question.id) links no experiment")
    }
  }

  @Test func everyEntryCitesItsSources_AndLinksEveryQuestionItMentions() throws {
    let corpus = try Corpus.load(from: Self.directory)
    let problems = corpus.editorialProblems()
    #expect(problems.isEmpty, "\(problems.map(\.description).joined(separator: "\n"))")
  }

  @Test func hasAGlossaryOfAtLeast40Terms_EachUsedAndWithinLength() throws {
    let corpus = try Corpus.load(from: Self.directory)
    #expect(corpus.terms.count >= 40)
    for term in corpus.terms {
      let definition = term.bodyMarkdown.components(separatedBy: "## Sources")[0]
      let words = definition.split(whereSeparator: { $0.isWhitespace }).count
      #expect((60...200).contains(words), "term \(term.slug) has \(words) words")
      #expect(!term.usedBy.isEmpty, "term \(term.slug) is linked from no entry")
    }
  }

  @Test func hardwareQuestionsHaveAtLeastTwoExercisesEach() throws {
    let corpus = try Corpus.load(from: Self.directory)
    for question in corpus.questions where (7...16).contains(question.id) || question.beyondSeed {
      #expect(question.exercises.count >= 2, "question \(question.id) has \(question.exercises.count) exercises")
    }
  }

  @Test func bodyLinksAreListedInRelated() throws {
    let corpus = try Corpus.load(from: Self.directory)
    for question in corpus.questions {
      for target in Corpus.linkTargets(in: question.answerMarkdown) {
        let reference = try #require(CrossReference(target))
        #expect(question.related.contains(reference) || reference == .question(question.id), "question \(question.id): \(target)")
      }
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
