import Content
import Foundation
import HTTP

/// `GET /roofline` as a page: each device's measured roofline (a roof per dtype over the slowest
/// memory level, dashed roofs for the caches), drawn in SVG on log–log axes, with the recent runs
/// as points.
struct RooflinePage {
  var chart: RooflineChart

  func response() -> HTTPResponse {
    PageLayout(title: "Roofline", description: "This machine's measured roofline, with its runs", section: .devices)
      .response { main in
        main.element("h1", text: "This machine's roofline, measured")
        main.element("p", ["class": "lead"]) { p in
          p.text("Each chart is the latest roofline run of a device: the compute ceiling per dtype and the read bandwidth of each memory level. ")
          p.text("Points are recent matmul and STREAM runs on the same device. Run ")
          p.element("code", text: "curl -d '{}' /jobs/roofline")
          p.text(" to measure one.")
        }
        if chart.devices.isEmpty {
          main.element("p", ["class": "notice"], text: "No roofline has been measured here yet.")
        }
        for device in chart.devices {
          main.element("section", ["class": "card"]) { card in
            card.element("h2", text: device.key)
            card.element("p") { p in
              p.text("Measured \(device.finishedAt): ")
              p.text(device.ceilings.map { String(format: "%@ %.3g GFLOP/s", $0.dtype, $0.gflops) }.joined(separator: ", "))
              p.text("; ")
              p.text(device.bandwidths.map { String(format: "%@ %.3g GB/s", $0.level, $0.gbPerSecond) }.joined(separator: ", "))
              p.text(". ")
              p.link("/records/\(device.recordID)", text: "The run")
            }
            if !device.flags.isEmpty {
              card.element(
                "p", ["class": "notice"],
                text: "This roofline run was flagged (\(device.flags.joined(separator: ", "))): its roofs may be wrong; run it again with the defaults.")
            }
            card.raw(Self.svg(device))
          }
        }
      }
  }

  static func svg(_ device: RooflineChart.Device) -> String {
    let (width, height, left, bottom, top, right) = (680.0, 340.0, 60.0, 40.0, 12.0, 12.0)
    let minX = -6.0, maxX = 10.0
    let peak = device.ceilings.map(\.gflops).max() ?? 1
    let lowest = min(device.points.map(\.gflops).min() ?? peak, (device.bandwidths.map(\.gbPerSecond).min() ?? 1) * exp2(minX))
    let minY = floor(log10(max(lowest, 1e-6))), maxY = ceil(log10(peak * 1.5))
    func px(_ intensity: Double) -> Double { left + (log2(intensity) - minX) / (maxX - minX) * (width - left - right) }
    func py(_ gflops: Double) -> Double {
      height - bottom - (log10(max(gflops, 1e-9)) - minY) / max(maxY - minY, 1e-9) * (height - bottom - top)
    }
    var svg = "<figure class=\"chart\"><svg viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"Roofline of \(HTMLEscaping.escape(device.key))\">"
    for decade in Int(minY)...Int(maxY) {
      let y = py(pow(10, Double(decade)))
      svg += "<line class=\"gridline\" x1=\"\(left)\" x2=\"\(width - right)\" y1=\"\(y)\" y2=\"\(y)\"/>"
      svg += "<g class=\"tick\"><text x=\"\(left - 6)\" y=\"\(y + 4)\" text-anchor=\"end\">1e\(decade)</text></g>"
    }
    for power in stride(from: Int(minX), through: Int(maxX), by: 2) {
      svg += "<g class=\"tick\"><text x=\"\(px(exp2(Double(power))))\" y=\"\(height - bottom + 16)\" text-anchor=\"middle\">\(power >= 0 ? "\(1 << power)" : "1/\(1 << -power)")</text></g>"
    }
    svg += "<path class=\"axis\" d=\"M\(left) \(top) V\(height - bottom) H\(width - right)\"/>"
    svg += "<text x=\"\((left + width - right) / 2)\" y=\"\(height - 6)\" text-anchor=\"middle\">arithmetic intensity (FLOP/byte)</text>"
    svg += "<text x=\"14\" y=\"\((top + height - bottom) / 2)\" text-anchor=\"middle\" transform=\"rotate(-90 14 \((top + height - bottom) / 2))\">GFLOP/s</text>"
    for (index, ceiling) in device.ceilings.enumerated() {
      for (level, bandwidth) in device.bandwidths.enumerated() {
        let memory = level == device.bandwidths.count - 1
        let ridge = ceiling.gflops / bandwidth.gbPerSecond
        let start = exp2(minX)
        let knee = min(max(ridge, start), exp2(maxX))
        var path = "M\(px(start)) \(py(start * bandwidth.gbPerSecond)) L\(px(knee)) \(py(min(knee * bandwidth.gbPerSecond, ceiling.gflops)))"
        if memory { path += " L\(px(exp2(maxX))) \(py(ceiling.gflops))" }
        svg += "<path class=\"s\(index)\" fill=\"none\" stroke-width=\"\(memory ? 2 : 1)\"\(memory ? "" : " stroke-dasharray=\"4 3\"") d=\"\(path)\"><title>\(ceiling.dtype) over \(bandwidth.level): \(String(format: "%.3g", bandwidth.gbPerSecond)) GB/s, ridge at \(String(format: "%.3g", ridge)) FLOP/byte</title></path>"
      }
      svg += "<text class=\"s\(index)\" x=\"\(width - right - 4)\" y=\"\(py(ceiling.gflops) - 4)\" text-anchor=\"end\">\(ceiling.dtype) \(String(format: "%.3g", ceiling.gflops)) GFLOP/s</text>"
    }
    for point in device.points {
      let attainable = device.attainable(point)
      let above = attainable.map { point.gflops > 1.05 * $0 } ?? false
      let fraction =
        (attainable.map { String(format: ", %.0f%% of the roofline", 100 * point.gflops / $0) } ?? "")
        + (above ? " — above the measured roof, which cannot be: re-measure the roofline" : "")
        + (point.flags.isEmpty ? "" : " (flagged: \(point.flags.joined(separator: ", ")))")
      svg += "<a href=\"/records/\(point.recordID)\"><circle class=\"s3\" cx=\"\(px(point.intensity))\" cy=\"\(py(point.gflops))\" r=\"4\"><title>\(HTMLEscaping.escape(point.label)): \(String(format: "%.3g", point.gflops)) GFLOP/s at \(String(format: "%.3g", point.intensity)) FLOP/byte\(fraction)</title></circle></a>"
    }
    svg += "</svg><figcaption>Roofs per dtype over the slowest memory level (solid) and the caches (dashed); dots are runs</figcaption></figure>"
    return svg
  }
}
