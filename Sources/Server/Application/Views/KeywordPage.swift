import Content
import HTTP
import Store

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
