import Compute
import HTTP
import JSON

/// `GET /records/{id}` as a page: where and what ran, the figures, every measurement with its
/// repeats' median and spread, the sanity flags, and a form to compare it with another record.
/// `GET /records` as a list.
struct RecordPage {
  var id: String
  var record: JSONValue

  func response() -> HTTPResponse {
    let kind = record["kind"]?.stringValue ?? "?"
    return PageLayout(title: "Record \(id)", description: "A \(kind) run: figures, repeats and flags", section: .jobs)
      .response { main in
        main.element("h1", text: "Run record \(id): \(kind)")
        main.element("p", ["class": "lead"]) { p in
          p.text("\(record["device"]?.stringValue ?? ""), finished \(record["finished_at"]?.stringValue ?? "?"). ")
          p.link("/records/\(id)", text: "JSON", ["type": "application/json"])
          p.text(" (under ")
          p.link(RunRecord.schemaPath, text: "its schema")
          p.text(").")
        }
        if let summary = record["summary"]?.stringValue { main.element("p", text: summary) }
        let flags = record["flags"]?.arrayValue ?? []
        if !flags.isEmpty {
          main.element("section", ["class": "card flags"]) { card in
            card.element("h2", text: "Flags")
            card.element("ul") { list in
              for flag in flags {
                list.element("li", ["class": "flag-\(flag["severity"]?.stringValue ?? "info")"]) { item in
                  item.element("strong", text: (flag["code"]?.stringValue ?? "") + ": ")
                  item.text(flag["message"]?.stringValue ?? "")
                }
              }
            }
          }
        }
        main.element("h2", text: "Figures")
        main.element("table") { table in
          table.element("tr") { row in
            for heading in ["figure", "value", "unit"] { row.element("th", text: heading) }
          }
          for figure in record["figures"]?.arrayValue ?? [] {
            table.element("tr") { row in
              row.element("td", text: figure["label"]?.stringValue ?? figure["name"]?.stringValue ?? "")
              row.element("td", text: figure["value"]?.doubleValue.map { String(format: "%.4g", $0) } ?? "–")
              row.element("td", text: figure["unit"]?.stringValue ?? "")
            }
          }
        }
        main.element("h2", text: "Measurements")
        main.element("table") { table in
          table.element("tr") { row in
            for heading in ["measurement", "repeats", "median", "best", "spread", "includes"] { row.element("th", text: heading) }
          }
          for measurement in record["measurements"]?.arrayValue ?? [] {
            let samples = measurement["samples"]?.arrayValue?.compactMap(\.doubleValue) ?? []
            let interval = MedianInterval(samples)
            table.element("tr") { row in
              row.element("td", text: measurement["name"]?.stringValue ?? "")
              row.element("td", text: "\(samples.count)")
              row.element("td", text: String(format: "%.4g s", interval.median))
              row.element("td", text: samples.min().map { String(format: "%.4g s", $0) } ?? "–")
              let spread = interval.relativeHalfWidth
              row.element("td", text: spread.isFinite ? String(format: "±%.1f%%", 100 * spread) : "–")
              row.element("td", text: measurement["includes"]?.stringValue ?? "")
            }
          }
        }
        main.element("form", ["action": "/compare", "method": "get", "class": "card"]) { form in
          form.void("input", ["type": "hidden", "name": "a", "value": id])
          form.element("label") { label in
            label.text("Compare with record or job ")
            label.void("input", ["name": "b", "required": "", "placeholder": "id"])
          }
          form.element("button", ["type": "submit"], text: "Compare")
        }
      }
  }

  /// The list of records kept here.
  static func list(_ records: [JSONValue]) -> ListPage { ListPage(records: records) }

  struct ListPage {
    var records: [JSONValue]

    func response() -> HTTPResponse {
      PageLayout(title: "Run records", description: "Records of finished jobs, local and imported", section: .jobs)
        .response { main in
          main.element("h1", text: "Run records")
          main.element("p", ["class": "lead"]) { p in
            p.text("Every job that succeeded here keeps a record; records from other machines arrive by POST /records. ")
            p.text("Open one to compare it with another.")
          }
          main.element("table") { table in
            table.element("tr") { row in
              for heading in ["record", "kind", "device", "source", "finished"] { row.element("th", text: heading) }
            }
            for record in records {
              table.element("tr") { row in
                row.element("td") { cell in
                  cell.link(record["href"]?.stringValue ?? "", text: record["id"]?.stringValue ?? "")
                }
                for key in ["kind", "device", "source", "finished_at"] {
                  row.element("td", text: record[key]?.stringValue ?? "")
                }
              }
            }
          }
        }
    }
  }
}
