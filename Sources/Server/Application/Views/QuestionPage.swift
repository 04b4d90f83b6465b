import Content
import Foundation
import HTTP
import Store

/// `GET /questions/{id}` as a page: the answer, topics, related entries and
/// keywords, and the question's experiments (run by `experiment.js`).
struct QuestionPage {
  var question: Question
  var related: [RelatedEntry]

  func response() -> HTTPResponse {
    let layout = PageLayout(
      title: question.title, description: "Question \(question.id): \(question.title)", scripts: ["experiment.js"])
    return layout.response { main in
      EntryParts.breadcrumb(&main, "Question \(question.id)")
      main.element("div", ["class": "entry-grid"]) { grid in
        grid.element("article", ["class": "entry", "aria-labelledby": "entry-title"]) { article in
          article.element("header") { header in
            header.element("p", ["class": "kind-line"]) { line in
              EntryParts.kindBadge(&line, .question)
              line.element("span", ["class": "muted"], text: " #\(question.id)")
            }
            header.element("h1", ["id": "entry-title"]) { $0.raw(question.titleHTML) }
            EntryParts.topics(&header, question.topics)
          }
          EntryParts.prose(&article, question.answerHTML)
        }
        EntryParts.aside(&grid, related: related, keywords: question.keywords)
      }
      experiments(&main)
    }
  }

  /// The section `experiment.js` fills with forms; without JavaScript, each experiment with the
  /// `curl` line that runs it. Hidden when the question names none (the script shows it when a
  /// job kind lists this question).
  private func experiments(_ html: inout HTML) {
    let hidden: String? = question.experiments.isEmpty ? "" : nil
    html.element(
      "section",
      ["id": "experiments", "class": "experiments", "aria-labelledby": "experiments-title", "data-question": String(question.id), "hidden": hidden]
    ) { section in
      section.element("h2", ["id": "experiments-title"], text: "Experiments")
      section.element("p", ["class": "muted"]) { p in
        p.text("Run them on this server's ")
        p.link("/devices", text: "devices")
        p.text("; progress streams in while they run, and ")
        p.link("/jobs", text: "recent jobs")
        p.text(" keeps every result.")
      }
      for (index, experiment) in question.experiments.enumerated() {
        let params = Self.json(experiment.params)
        section.element(
          "article",
          ["class": "experiment", "id": "experiment-\(index + 1)", "data-kind": experiment.kind, "data-params": params, "data-title": experiment.title]
        ) { article in
          article.element("h3", text: experiment.title)
          article.element("noscript") { noscript in
            noscript.element("p") { p in
              p.text("The form needs JavaScript; with curl: ")
              p.element("code", text: "curl -H 'Prefer: wait=60' -d '\(params)' /jobs/\(experiment.kind)")
            }
          }
        }
      }
    }
  }

  static func json(_ value: Content.JSONValue) -> String {
    (try? JSONCoding.encoder.encode(value)).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
  }
}
