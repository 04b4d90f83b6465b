import Content
import Foundation
import HTTP
import Store

/// Pieces the question, keyword and table pages share: the breadcrumb, the
/// kind marker, topic and keyword chips, and the related entries.
enum EntryParts {
  static func kindLabel(_ kind: EntryKind) -> String {
    switch kind {
    case .question: "Question"
    case .keyword: "Keyword"
    case .table: "Table"
    }
  }

  static func kindBadge(_ html: inout HTML, _ kind: EntryKind) {
    html.element("span", ["class": "kind kind-\(kind.rawValue)"], text: kindLabel(kind))
  }

  static func breadcrumb(_ html: inout HTML, _ here: String) {
    html.element("nav", ["class": "crumbs", "aria-label": "Breadcrumb"]) { nav in
      nav.element("ol") { list in
        list.element("li") { $0.link("/", text: "Search") }
        list.element("li", ["aria-current": "page"], text: here)
      }
    }
  }

  /// Topic chips linking to the search filtered by that topic.
  static func topics(_ html: inout HTML, _ topics: [String]) {
    guard !topics.isEmpty else { return }
    html.element("ul", ["class": "chips", "aria-label": "Topics"]) { list in
      for topic in topics {
        list.element("li") { $0.link("/?topic=\(HTML.encodeQueryValue(topic))", text: topic, ["class": "chip topic"]) }
      }
    }
  }

  /// The sidebar: related entries, each marked with its kind, then the key terms as searches.
  static func aside(_ html: inout HTML, related: [RelatedEntry], keywords: [String]) {
    guard !related.isEmpty || !keywords.isEmpty else { return }
    html.element("aside", ["class": "related", "aria-label": "Related entries and keywords"]) { aside in
      if !related.isEmpty {
        aside.element("h2", text: "Related")
        aside.element("ul", ["class": "related-list"]) { list in
          for entry in related {
            list.element("li") { item in
              kindBadge(&item, entry.kind)
              item.raw(" <a href=\"\(HTMLEscaping.escape(SearchResult.href(kind: entry.kind, id: entry.id, slug: entry.slug)))\">")
              item.raw(entry.titleHTML)
              item.raw("</a>")
            }
          }
        }
      }
      if !keywords.isEmpty {
        aside.element("h2", text: "Keywords")
        aside.element("ul", ["class": "chips", "aria-label": "Keywords"]) { list in
          for keyword in keywords {
            list.element("li") { $0.link("/?q=\(HTML.encodeQueryValue(keyword))", text: keyword, ["class": "chip"]) }
          }
        }
      }
    }
  }

  /// Markdown rendered by Content, with its code highlighted.
  static func prose(_ html: inout HTML, _ body: String) {
    html.element("div", ["class": "prose"]) { $0.raw(CodeHighlighter.highlightBlocks(in: body)) }
  }
}

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

/// `GET /keywords/{slug}` as a page.
struct KeywordPage {
  var note: KeywordNote
  var related: [RelatedEntry]

  func response() -> HTTPResponse {
    let plainTitle = PlainText.fromHTML(note.titleHTML)
    let layout = PageLayout(title: plainTitle, description: PlainText.fromHTML(note.summaryHTML))
    return layout.response { main in
      EntryParts.breadcrumb(&main, plainTitle)
      main.element("div", ["class": "entry-grid"]) { grid in
        grid.element("article", ["class": "entry", "aria-labelledby": "entry-title"]) { article in
          article.element("header") { header in
            header.element("p", ["class": "kind-line"]) { EntryParts.kindBadge(&$0, .keyword) }
            header.element("h1", ["id": "entry-title"]) { $0.raw(note.titleHTML) }
            header.element("p", ["class": "lead"]) { $0.raw(note.summaryHTML) }
          }
          EntryParts.prose(&article, note.bodyHTML)
        }
        EntryParts.aside(&grid, related: related, keywords: note.keywords)
      }
    }
  }
}

/// `GET /tables/{slug}` as a page: a real table with column and row headers.
struct TablePage {
  var table: DataTable
  var related: [RelatedEntry]

  func response() -> HTTPResponse {
    let layout = PageLayout(title: PlainText.fromHTML(table.titleHTML), description: "Table: \(table.title)")
    return layout.response { main in
      EntryParts.breadcrumb(&main, PlainText.fromHTML(table.titleHTML))
      main.element("div", ["class": "entry-grid"]) { grid in
        grid.element("article", ["class": "entry", "aria-labelledby": "entry-title"]) { article in
          article.element("header") { header in
            header.element("p", ["class": "kind-line"]) { EntryParts.kindBadge(&$0, .table) }
            header.element("h1", ["id": "entry-title"]) { $0.raw(table.titleHTML) }
          }
          article.element("div", ["class": "table-wrap", "role": "region", "aria-labelledby": "entry-title", "tabindex": "0"]) {
            wrap in
            wrap.element("table", ["class": "data"]) { t in
              t.element("thead") { head in
                head.element("tr") { row in
                  for column in table.columnsHTML { row.element("th", ["scope": "col"]) { $0.raw(column) } }
                }
              }
              t.element("tbody") { body in
                for cells in table.rowsHTML {
                  body.element("tr") { row in
                    for (index, cell) in cells.enumerated() {
                      row.element(index == 0 ? "th" : "td", ["scope": index == 0 ? "row" : nil]) { $0.raw(cell) }
                    }
                  }
                }
              }
            }
          }
          EntryParts.prose(&article, table.bodyHTML)
        }
        EntryParts.aside(&grid, related: related, keywords: table.keywords)
      }
    }
  }
}
