import Content
import HTTP
import Store

/// `GET /terms/{slug}` as a page: the definition with its sources, the entries that use the term,
/// and related terms.
struct TermPage {
  var term: Term
  var usedBy: [RelatedEntry]
  var related: [RelatedEntry]

  func response() -> HTTPResponse {
    let plainTitle = PlainText.fromHTML(term.titleHTML)
    let layout = PageLayout(title: plainTitle, description: PlainText.fromHTML(term.summaryHTML))
    return layout.response { main in
      EntryParts.breadcrumb(&main, plainTitle)
      main.element("div", ["class": "entry-grid"]) { grid in
        grid.element("article", ["class": "entry", "aria-labelledby": "entry-title"]) { article in
          article.element("header") { header in
            header.element("p", ["class": "kind-line"]) { EntryParts.kindBadge(&$0, .term) }
            header.element("h1", ["id": "entry-title"]) { $0.raw(term.titleHTML) }
            header.element("p", ["class": "lead"]) { $0.raw(term.summaryHTML) }
          }
          EntryParts.prose(&article, term.bodyHTML)
          if !usedBy.isEmpty {
            article.element("section", ["class": "used-by", "aria-labelledby": "used-by-title"]) { section in
              section.element("h2", ["id": "used-by-title"], text: "Used in")
              EntryParts.entryList(&section, usedBy)
            }
          }
        }
        EntryParts.aside(&grid, related: related, keywords: term.keywords)
      }
    }
  }
}
