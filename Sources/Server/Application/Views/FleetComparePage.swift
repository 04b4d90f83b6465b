import HTTP
import JSON
import Store

/// `GET /fleet/{group}` as a page: one column per worker and device, one row per figure the jobs
/// reported (GFLOP/s, GB/s, …), with each job's status, time and summary above.
struct FleetComparePage {
  var group: String
  var jobs: [JobRecord]

  func response() -> HTTPResponse {
    let kind = jobs.first?.kind ?? "job"
    return PageLayout(
      title: "Fan-out \(group)", description: "One \(kind) on every matching device of the fleet", section: .jobs
    ).response { main in
      main.element("h1", text: "\(kind) on \(jobs.count) workers")
      let finished = jobs.filter(\.status.isFinished).count
      main.element("p", ["class": "lead"]) { p in
        p.text(
          "\(finished) of \(jobs.count) finished; reload for the rest. Each job held its device's lease: no other fleet job ran on that device meanwhile (work outside the fleet, or two workers given different --host-id on one machine, can still share it).")
        let succeeded = jobs.filter { $0.status == .succeeded }
        if succeeded.count >= 2 {
          p.text(" ")
          p.link(
            "/compare?a=\(succeeded[0].id)&b=\(succeeded[1].id)",
            text: "Test the first two runs repeat by repeat")
          p.text(".")
        }
      }
      main.element("table") { table in
        table.element("tr") { row in
          row.element("th", text: "")
          for job in jobs {
            row.element("th", ["scope": "col"]) { cell in
              cell.link("/jobs/\(job.id)", text: job.placement?.worker ?? job.id)
              cell.void("br", [:])
              cell.element("span", ["class": "small"], text: job.placement?.device ?? job.placement?.lane ?? "not yet claimed")
            }
          }
        }
        Self.row(&table, "status", jobs.map(\.status.rawValue))
        Self.row(&table, "time", jobs.map(JobsPage.duration))
        for (name, label) in Self.figureNames(jobs) {
          Self.row(&table, label, jobs.map { Self.figure(name, of: $0) ?? "–" })
        }
        Self.row(&table, "result", jobs.map(JobsPage.headline))
      }
    }
  }

  static func row(_ table: inout HTML, _ heading: String, _ cells: [String]) {
    table.element("tr") { row in
      row.element("th", ["scope": "row"], text: heading)
      for cell in cells { row.element("td", text: cell) }
    }
  }

  /// The figures any job reported, in first-seen order, with their units: an experiment's
  /// `figures`, or matmul's `gflops`.
  static func figureNames(_ jobs: [JobRecord]) -> [(String, String)] {
    var seen: [(String, String)] = []
    for job in jobs {
      for figure in job.result?["figures"]?.arrayValue ?? [] {
        guard let name = figure["name"]?.stringValue, !seen.contains(where: { $0.0 == name }) else { continue }
        seen.append((name, "\(figure["label"]?.stringValue ?? name) (\(figure["unit"]?.stringValue ?? ""))"))
      }
      if job.result?["gflops"] != nil, !seen.contains(where: { $0.0 == "gflops" }) { seen.append(("gflops", "GFLOP/s")) }
    }
    return seen
  }

  static func figure(_ name: String, of job: JobRecord) -> String? {
    if name == "gflops", let value = job.result?["gflops"].flatMap(JobsPage.number) { return JobsPage.format(value) }
    for figure in job.result?["figures"]?.arrayValue ?? [] where figure["name"]?.stringValue == name {
      return figure["value"].flatMap(JobsPage.number).map(JobsPage.format)
    }
    return nil
  }
}

extension JobsPage {
  static func format(_ value: Double) -> String {
    abs(value) >= 100 ? String(format: "%.0f", value) : abs(value) >= 1 ? String(format: "%.2f", value) : String(format: "%.3g", value)
  }
}
