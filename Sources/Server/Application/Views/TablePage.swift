import Content
import HTTP
import Store

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
