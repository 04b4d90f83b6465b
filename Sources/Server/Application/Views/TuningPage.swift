import Compute
import Foundation
import HTTP
import JSON

/// `GET /devices/{index}/tuning` as a page: for each configuration recorded on the device, the
/// landscape of the tune job that found it, drawn as an SVG scatter (GFLOP/s against the outputs
/// each work-item computes, one dot per configuration tried), so the lesson of the search is
/// visible without JavaScript: register blocking and tile size matter, and by how much, here.
struct TuningPage {
  /// One recorded configuration and the landscape of its tune job (nil when the job was pruned).
  struct Section {
    var entry: TuningTable.Entry
    var landscape: [JSONValue]?
  }

  var device: OpenCL.DeviceInfo
  var sections: [Section]

  func response() -> HTTPResponse {
    PageLayout(
      title: "Tuning: \(device.name)", description: "The OpenCL GEMM configurations tried on device \(device.index)",
      section: .devices
    ).response { main in
      main.element("h1", text: "Tuning landscape: device \(device.index), \(device.name)")
      main.element("p", ["class": "lead"]) { p in
        p.text("Each dot is one configuration of the tunable matrix multiply that a tune job tried on this device: ")
        p.text("its GFLOP/s against the outputs each work-item accumulates in registers (MWI·NWI). ")
        p.text("Filled dots verified against float64; the ringed one won and is what kernel auto runs. ")
        p.link("/devices#tune-\(device.index)", text: "Tune again")
        p.text(".")
      }
      if sections.isEmpty {
        main.element("p", ["class": "notice"], text: "This device has not been tuned yet.")
      }
      for section in sections {
        let entry = section.entry
        main.element("section", ["class": "card"]) { card in
          card.element("h2", text: "\(entry.dtype.rawValue), \(entry.sizeClass.rawValue) products (tuned at n=\(entry.n))")
          card.element("p") { p in
            p.text("Best: ")
            p.element("code", text: entry.config.description)
            p.text(String(format: ", %.1f GFLOP/s; %d configurations tried. ", entry.gflops, entry.candidates))
            if let id = entry.jobID { p.link("/jobs/\(id)", text: "The tune job (JSON)") }
          }
          if let landscape = section.landscape {
            card.raw(Self.scatter(landscape, best: entry.config))
          } else {
            card.element("p", ["class": "muted"], text: "The tune job that found it has been pruned; its landscape is gone.")
          }
        }
      }
    }
  }

  /// An SVG scatter of a landscape: x = log₂(MWI·NWI), nudged by the work-group tile so that
  /// configurations with the same work per item spread out; y = GFLOP/s.
  static func scatter(_ landscape: [JSONValue], best: XgemmConfig) -> String {
    struct Dot {
      var x: Double
      var gflops: Double
      var verified: Bool
      var label: String
      var best: Bool
    }
    let dots: [Dot] = landscape.compactMap { trial in
      guard let gflops = trial["gflops"]?.doubleValue, let label = trial["label"]?.stringValue,
        let config = XgemmConfig(parsing: label)
      else { return nil }
      let x = log2(Double(config.mwi * config.nwi)) + (log2(Double(config.mwg * config.nwg)) - 8) / 12
      return Dot(x: x, gflops: gflops, verified: trial["verified"]?.boolValue == true, label: config.description, best: config == best)
    }
    guard !dots.isEmpty else { return "<p class=\"muted\">No configuration ran to a figure.</p>" }
    let (width, height, left, bottom, top, right) = (640.0, 300.0, 56.0, 40.0, 12.0, 12.0)
    let maxY = (dots.map(\.gflops).max() ?? 1) * 1.08
    let minX = floor(dots.map(\.x).min() ?? 0) - 0.3
    let maxX = ceil(dots.map(\.x).max() ?? 1) + 0.3
    func px(_ x: Double) -> Double { left + (x - minX) / max(maxX - minX, 1e-9) * (width - left - right) }
    func py(_ y: Double) -> Double { height - bottom - y / max(maxY, 1e-9) * (height - bottom - top) }
    var svg =
      "<figure class=\"chart\"><svg viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"GFLOP/s of \(dots.count) configurations against outputs per work-item\">"
    for step in 0...4 {
      let value = maxY * Double(step) / 4
      let y = py(value)
      svg += "<line class=\"gridline\" x1=\"\(left)\" x2=\"\(width - right)\" y1=\"\(y)\" y2=\"\(y)\"/>"
      svg += "<g class=\"tick\"><text x=\"\(left - 6)\" y=\"\(y + 4)\" text-anchor=\"end\">\(String(format: "%.0f", value))</text></g>"
    }
    for power in Int(ceil(minX))...Int(floor(maxX)) {
      let x = px(Double(power))
      svg += "<g class=\"tick\"><text x=\"\(x)\" y=\"\(height - bottom + 16)\" text-anchor=\"middle\">\(1 << max(power, 0))</text></g>"
    }
    svg += "<path class=\"axis\" d=\"M\(left) \(top) V\(height - bottom) H\(width - right)\"/>"
    svg += "<text x=\"\((left + width - right) / 2)\" y=\"\(height - 6)\" text-anchor=\"middle\">outputs per work-item (MWI·NWI)</text>"
    svg += "<text x=\"14\" y=\"\((top + height - bottom) / 2)\" text-anchor=\"middle\" transform=\"rotate(-90 14 \((top + height - bottom) / 2))\">GFLOP/s</text>"
    for dot in dots.sorted(by: { !$0.best && $1.best }) {
      let classes = (dot.verified ? "s0" : "s3") + (dot.best ? " best" : "")
      let fill = dot.verified ? "" : " fill-opacity=\"0.15\""
      svg += "<circle class=\"\(classes)\" cx=\"\(px(dot.x))\" cy=\"\(py(dot.gflops))\" r=\"\(dot.best ? 6 : 3.5)\"\(fill)>"
      svg += "<title>\(dot.label): \(String(format: "%.1f", dot.gflops)) GFLOP/s\(dot.verified ? "" : " (not verified)")</title></circle>"
    }
    svg += "</svg><figcaption>GFLOP/s against outputs per work-item, \(dots.count) configurations</figcaption></figure>"
    return svg
  }
}
