import JSON
import Content
import Foundation
import HTTP
import Store

/// `GET /questions/{id}` as a page: the answer, topics, related entries and
/// keywords, and the question's experiments (run by `experiment.js`).
struct QuestionPage {
  var question: Question
  var related: [RelatedEntry]
  /// The answer's claims, checked against this machine's latest runs.
  var claims: [ClaimCheck] = []

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
              if question.beyondSeed {
                line.element(
                  "span", ["class": "chip beyond-seed", "title": "Written for this handbook, beyond the source document's 22 questions"],
                  text: "beyond the seed")
              }
            }
            header.element("h1", ["id": "entry-title"]) { $0.raw(question.titleHTML) }
            EntryParts.topics(&header, question.topics)
          }
          EntryParts.prose(&article, question.answerHTML)
        }
        EntryParts.aside(&grid, related: related, keywords: question.keywords)
      }
      experiments(&main)
      claimsSection(&main)
      exercises(&main)
    }
  }

  /// Each numeric claim of the answer with what this machine's latest run says of it, and a Run
  /// button (by `experiment.js`) to measure it again.
  private func claimsSection(_ html: inout HTML) {
    guard !claims.isEmpty else { return }
    html.element("section", ["id": "claims", "class": "experiments claims", "aria-labelledby": "claims-title"]) { section in
      section.element("h2", ["id": "claims-title"], text: "Claims checked here")
      section.element(
        "p", ["class": "muted"],
        text: "Each claim of this answer beside the latest run of its experiment on this machine. Run one, then reload to check it again.")
      for (index, check) in claims.enumerated() {
        let claim = check.claim
        section.element(
          "article",
          ["class": "experiment claim claim-\(check.status.rawValue)", "id": "claim-\(index + 1)", "data-kind": claim.kind,
           "data-params": Self.json(claim.params), "data-title": "Claim \(index + 1)"]
        ) { article in
          article.element("blockquote", text: claim.text)
          article.element("p") { p in
            let label: String
            switch check.status {
            case .holds: label = "Holds here"
            case .contradicted: label = "Contradicted here"
            case .notMeasured: label = "Not measured here"
            }
            p.element("strong", ["class": "claim-status"], text: label)
            p.text(": \(check.reason). ")
            if let record = check.recordID { p.link("/records/\(record)", text: "The run") }
          }
          article.element("p", ["class": "muted"], text: "Tested by \(claim.kind) → \(claim.figure), \(claim.rangeText)\(claim.deviceType.map { " on a \($0.uppercased()) device" } ?? "").")
        }
      }
    }
  }

  /// Predict-then-measure exercises: the prompt, a box for the reader's prediction (kept in the
  /// browser), the run (by `experiment.js`, which then shows the prediction beside the result),
  /// and what to expect, folded until asked for.
  private func exercises(_ html: inout HTML) {
    guard !question.exercises.isEmpty else { return }
    html.element("section", ["id": "exercises", "class": "experiments exercises", "aria-labelledby": "exercises-title"]) { section in
      section.element("h2", ["id": "exercises-title"], text: "Predict, then measure")
      section.element(
        "p", ["class": "muted"],
        text: "Write down what you expect before you run each one; the page keeps your prediction and shows it beside what this machine measured.")
      for (index, exercise) in question.exercises.enumerated() {
        let params = Self.json(exercise.params)
        let id = "exercise-\(index + 1)"
        section.element(
          "article",
          ["class": "experiment exercise", "id": id, "data-kind": exercise.kind, "data-params": params,
           "data-title": "Exercise \(index + 1)", "data-prediction-key": "hpclab-prediction-q\(question.id)-\(index + 1)"]
        ) { article in
          article.element("h3", text: "Exercise \(index + 1)")
          article.element("p", ["class": "prompt"], text: exercise.prompt)
          article.element("div", ["class": "field prediction"]) { field in
            field.element("label", ["for": "\(id)-prediction"], text: "Your prediction")
            field.element("textarea", ["id": "\(id)-prediction", "class": "prediction-input", "rows": "2"], text: "")
          }
          article.element("noscript") { noscript in
            noscript.element("p") { p in
              p.text("Run it with curl: ")
              p.element("code", text: "curl -H 'Prefer: wait=60' -d '\(params)' /jobs/\(exercise.kind)")
            }
          }
          article.element("details", ["class": "explanation"]) { details in
            details.element("summary", text: "What to look at, and what to expect")
            details.element("p") { p in
              p.element("strong", text: "Read: ")
              p.text(exercise.observe)
            }
            details.element("p", text: exercise.explanation)
          }
        }
      }
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

  static func json(_ value: JSONValue) -> String {
    (try? JSONCoding.encoder.encode(value)).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
  }
}
