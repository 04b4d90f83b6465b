import JSON
import Content
import Foundation
import HTTP
import Store

/// `GET /jobs` as a page: recent jobs, newest first, with their headline result.
struct JobsPage {
  var jobs: [JobRecord]
  var status: JobStatus?
  var queued: Int
  var running: [String]

  func response() -> HTTPResponse {
    PageLayout(title: "Recent jobs", description: "Compute jobs on this server, newest first", section: .jobs).response { main in
      main.element("h1", text: "Recent jobs")
      main.element("p", ["class": "lead"]) { p in
        p.text("\(queued) queued, \(running.count) running. Start one from a question's experiments, e.g. ")
        p.link("/questions/12", text: "BLAS and LAPACK")
        p.text(".")
      }
      main.element("nav", ["class": "filters", "aria-label": "Filter by status"]) { nav in
        nav.element("ul", ["class": "chips"]) { list in
          let options: [(String, JobStatus?)] = [("all", nil)] + JobStatus.allCases.map { ($0.rawValue, $0) }
          for (label, option) in options {
            list.element("li") {
              $0.link(
                option.map { "/jobs?status=\($0.rawValue)" } ?? "/jobs", text: label,
                ["class": "chip", "aria-current": option == status ? "page" : nil])
            }
          }
        }
      }
      guard !jobs.isEmpty else {
        main.element("p", ["class": "notice"], text: status == nil ? "No jobs yet." : "No \(status!.rawValue) jobs.")
        return
      }
      main.element("div", ["class": "table-wrap", "role": "region", "aria-label": "Jobs", "tabindex": "0"]) { wrap in
        wrap.element("table", ["class": "data jobs"]) { table in
          table.element("thead") { head in
            head.element("tr") { row in
              for column in ["Job", "Kind", "Status", "Created", "Took", "Parameters", "Result"] {
                row.element("th", ["scope": "col"], text: column)
              }
            }
          }
          table.element("tbody") { body in
            for job in jobs { Self.row(&body, job) }
          }
        }
      }
    }
  }

  static func row(_ html: inout HTML, _ job: JobRecord) {
    html.element("tr") { row in
      row.element("th", ["scope": "row"]) { $0.link("/jobs/\(job.id)", text: job.id, ["class": "mono"]) }
      row.element("td", text: job.kind)
      row.element("td") { $0.element("span", ["class": "status status-\(job.status.rawValue)"], text: job.status.rawValue) }
      row.element("td") { cell in
        cell.element("time", ["datetime": Timestamp.format(job.createdAt)], text: Self.shortDate(job.createdAt))
      }
      row.element("td", text: duration(job))
      row.element("td", ["class": "params mono small"], text: parameters(job.spec))
      row.element("td", ["class": "headline"], text: headline(job))
    }
  }

  static func duration(_ job: JobRecord) -> String {
    guard let started = job.startedAt, let finished = job.finishedAt else { return job.status == .running ? "running" : "–" }
    let seconds = finished.timeIntervalSince(started)
    return seconds < 1 ? "\(Int((seconds * 1000).rounded())) ms" : String(format: "%.1f s", seconds)
  }

  /// `backend=opencl dtype=float32 n=32 …` from the spec object, scalars only; `m` and `k` are
  /// left out when they equal `n` (a square matmul).
  static func parameters(_ spec: JSONValue) -> String {
    guard case .object(let members) = spec else { return "" }
    let n = members["n"].flatMap(scalar)
    return members.keys.sorted().compactMap { key in
      guard let value = scalar(members[key]!), !((key == "m" || key == "k") && value == n) else { return nil }
      return "\(key)=\(value)"
    }.joined(separator: " ")
  }

  /// The result in a phrase: the summary's first sentence, GFLOP/s, or the error.
  static func headline(_ job: JobRecord) -> String {
    if case .object(let error)? = job.error {
      return error["detail"].flatMap(scalar) ?? error["reason"].flatMap(scalar) ?? error["title"].flatMap(scalar) ?? job.status.rawValue
    }
    guard case .object(let result)? = job.result else { return "" }
    if let summary = result["summary"].flatMap(scalar) {
      return summary.split(separator: ".", maxSplits: 1).first.map { $0 + "." } ?? summary
    }
    if let gflops = result["gflops"].flatMap(number) {
      var text = String(format: "%.2f GFLOP/s", gflops)
      if let error = result["max_rel_error"].flatMap(number) { text += String(format: ", max rel. error %.1e", error) }
      return text
    }
    return ""
  }

  static func scalar(_ value: JSONValue) -> String? {
    switch value {
    case .string(let s): s
    case .int(let i): String(i)
    case .double(let d): d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
    case .bool(let b): String(b)
    default: nil
    }
  }

  static func number(_ value: JSONValue) -> Double? {
    switch value {
    case .int(let i): Double(i)
    case .double(let d): d
    default: nil
    }
  }

  /// `2026-11-25 00:18:45` (UTC).
  static func shortDate(_ date: Date) -> String {
    let text = Timestamp.format(date)
    return String(text.prefix(19)).replacingOccurrences(of: "T", with: " ") + " UTC"
  }
}
