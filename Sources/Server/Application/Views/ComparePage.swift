import HTTP
import JSON

/// `GET /compare?a=…&b=…` as a page: each measurement's verdict with the medians, spreads,
/// p-value and effect size, then the figures side by side.
struct ComparePage {
  var comparison: RecordComparison

  func response() -> HTTPResponse {
    let json = comparison.json
    return PageLayout(
      title: "Compare \(comparison.a.id) and \(comparison.b.id)", description: "Two runs of one kind, tested repeat by repeat",
      section: .jobs
    ).response { main in
      main.element("h1", text: "A: \(comparison.a.id) against B: \(comparison.b.id)")
      main.element("p", ["class": "lead"]) { p in
        p.text("A ran on \(comparison.a.record["device"]?.stringValue ?? "?"); B on \(comparison.b.record["device"]?.stringValue ?? "?"). ")
        p.link(comparison.a.href, text: "Record A")
        p.text(" · ")
        p.link(comparison.b.href, text: "Record B")
      }
      if !comparison.parametersDiffer.isEmpty {
        main.element(
          "p", ["class": "notice"],
          text: "The runs differ in \(comparison.parametersDiffer.joined(separator: ", ")): a verdict compares the two settings, not two runs of one.")
      }
      if !comparison.onlyA.isEmpty || !comparison.onlyB.isEmpty {
        main.element(
          "p", ["class": "notice"],
          text: "Not compared (only one run has them): \((comparison.onlyA.map { "A: \($0)" } + comparison.onlyB.map { "B: \($0)" }).joined(separator: "; ")).")
      }
      main.element("p", ["class": "muted"], text: RecordComparison.testDescription)
      main.element("table") { table in
        table.element("tr") { row in
          for heading in ["measurement", "verdict", "A median", "B median", "change", "p", "P(B slower)", "why"] {
            row.element("th", text: heading)
          }
        }
        for measurement in json["measurements"]?.arrayValue ?? [] {
          let verdict = measurement["verdict"]?.stringValue ?? ""
          table.element("tr", ["class": "verdict-\(verdict)"]) { row in
            row.element("td", text: measurement["name"]?.stringValue ?? "")
            row.element("td") { cell in cell.element("strong", text: verdict) }
            for side in ["a", "b"] {
              let median = measurement[side]?["median"]?.doubleValue ?? 0
              let spread = measurement[side]?["spread"]?.doubleValue
              let repeats = measurement[side]?["repeats"]?.intValue ?? 0
              row.element(
                "td", text: String(format: "%.4g s", median) + (spread.map { String(format: " ±%.1f%%", 100 * $0) } ?? "") + " (n=\(repeats))")
            }
            row.element("td", text: String(format: "%+.1f%%", 100 * (measurement["change"]?.doubleValue ?? 0)))
            row.element("td", text: measurement["p_value"]?.doubleValue.map { String(format: "%.3g", $0) } ?? "–")
            row.element("td", text: measurement["effect_size"]?.doubleValue.map { String(format: "%.2f", $0) } ?? "–")
            row.element("td", text: measurement["reason"]?.stringValue ?? "")
          }
        }
      }
      main.element("h2", text: "Figures")
      main.element(
        "p", ["class": "muted"],
        text: "Each run's reported figures (most use the best repeat); the verdicts above test the repeats' medians.")
      main.element("table") { table in
        table.element("tr") { row in
          for heading in ["figure", "A", "B", "B / A", "unit"] { row.element("th", text: heading) }
        }
        for figure in json["figures"]?.arrayValue ?? [] {
          table.element("tr") { row in
            row.element("td", text: figure["name"]?.stringValue ?? "")
            for key in ["a", "b", "ratio"] {
              row.element("td", text: figure[key]?.doubleValue.map { String(format: "%.4g", $0) } ?? "–")
            }
            row.element("td", text: figure["unit"]?.stringValue ?? "")
          }
        }
      }
    }
  }
}
