import Compute
import Foundation
import HTTP

/// `GET /devices` as a page: the BLAS library and each OpenCL platform and device.
struct DevicesPage {
  var catalog: DeviceCatalog
  /// Tuned configurations of the `auto` kernel, by device index.
  var tuned: [Int: [TuningTable.Entry]] = [:]

  func response() -> HTTPResponse {
    PageLayout(
      title: "Devices", description: "The BLAS library and OpenCL devices of this server", section: .devices,
      scripts: catalog.openCL.available ? ["experiment.js"] : [])
      .response { main in
        main.element("h1", text: "Devices")
        main.element("p", ["class": "lead"]) { p in
          p.text("Jobs run here, one at a time per device. Backends: ")
          p.element("strong", text: catalog.backends.map(\.rawValue).joined(separator: ", "))
          p.text(". ")
          p.link("/roofline", text: "This machine's measured roofline")
          p.text(" · ")
          p.link("/records", text: "Run records")
          p.text(".")
        }
        main.element("section", ["aria-labelledby": "blas-title", "class": "card"]) { section in
          section.element("h2", ["id": "blas-title"], text: "BLAS: \(catalog.blas.name)")
          Self.definitions(
            &section,
            [
              ("Configuration", catalog.blas.config), ("Core", catalog.blas.corename ?? "unknown"),
              ("Threads", String(catalog.blas.threads)), ("Processors", String(catalog.blas.processors)),
            ])
        }
        main.element("section", ["aria-labelledby": "opencl-title"]) { section in
          section.element("h2", ["id": "opencl-title"], text: "OpenCL")
          if !catalog.openCL.available {
            section.element("p", ["class": "notice"], text: "OpenCL is unavailable: \(catalog.openCL.reason ?? "no platform").")
          }
          for platform in catalog.openCL.platforms {
            section.element("h3", text: "Platform \(platform.index): \(platform.name)")
            section.element("p", ["class": "muted"], text: "\(platform.vendor) · \(platform.version)")
            for device in platform.devices {
              section.element("article", ["class": "card", "aria-label": "Device \(device.index): \(device.name)"]) { card in
                card.element("h4", text: "Device \(device.index): \(device.name)")
                Self.definitions(
                  &card,
                  [
                    ("Type", device.type), ("Vendor", device.vendor), ("Compute units", String(device.computeUnits)),
                    ("Clock", "\(device.maxClockMHz) MHz"), ("Global memory", Self.bytes(device.globalMemoryBytes)),
                    ("Local memory", Self.bytes(device.localMemoryBytes)),
                    ("Largest allocation", Self.bytes(device.maxAllocationBytes)),
                    ("Work-group size", "≤ \(device.maxWorkGroupSize)"),
                    ("Work-item sizes", device.maxWorkItemSizes.map(String.init).joined(separator: " × ")),
                    ("float64", device.fp64 ? "yes" : "no"), ("Profiling", device.profiling ? "yes" : "no"),
                    ("OpenCL C", device.openCLCVersion), ("Version", device.version), ("Driver", device.driverVersion),
                  ])
                Self.tuning(&card, device: device, entries: tuned[device.index] ?? [])
              }
            }
          }
        }
        main.element("section", ["aria-labelledby": "cuda-title"]) { section in
          section.element("h2", ["id": "cuda-title"], text: "CUDA")
          if !catalog.cuda.available {
            section.element("p", ["class": "notice"], text: "CUDA is unavailable: \(catalog.cuda.reason ?? "no driver").")
          }
          for device in catalog.cuda.devices {
            section.element("article", ["class": "card", "aria-label": "CUDA device \(device.index): \(device.name)"]) { card in
              card.element("h4", text: "CUDA device \(device.index): \(device.name)")
              Self.definitions(
                &card,
                [
                  ("Compute capability", device.computeCapability), ("SMs", String(device.smCount)),
                  ("Clock", device.clockMHz > 0 ? "\(device.clockMHz) MHz" : "not reported"),
                  ("Memory", Self.bytes(device.memoryBytes)), ("Memory bus", "\(device.memoryBusBits) bits"),
                  ("L2", Self.bytes(device.l2Bytes)), ("Driver (CUDA)", device.driverVersion),
                  ("NVRTC", catalog.cuda.nvrtc ? "yes" : "no"), ("cuBLASLt", catalog.cuda.cublasLt ? "yes" : "no"),
                ])
            }
          }
        }
        if catalog.openCL.available { Self.tuneSection(&main, devices: catalog.openCL.platforms.flatMap(\.devices)) }
      }
  }

  /// A `tune` form per device (filled by `experiment.js`); its result draws the tuning landscape:
  /// GFLOP/s against each configuration tried.
  static func tuneSection(_ html: inout HTML, devices: [OpenCL.DeviceInfo]) {
    html.element(
      "section", ["id": "experiments", "class": "experiments", "aria-labelledby": "experiments-title", "data-question": "0"]
    ) { section in
      section.element("h2", ["id": "experiments-title"], text: "Tune the matrix multiply")
      section.element(
        "p", ["class": "muted"],
        text:
          "A tune job tries configurations of the tunable OpenCL GEMM within its time budget, verifies each against float64, and records the fastest for kernel auto. Its result draws the landscape: how much tile size, work per work-item and vector width matter on this device.")
      for device in devices {
        section.element(
          "article",
          [
            "class": "experiment", "id": "tune-\(device.index)", "data-kind": "tune",
            "data-params": "{\"device\":\(device.index)}", "data-title": "Tune device \(device.index): \(device.name)",
          ]
        ) { article in
          article.element("h3", text: "Tune device \(device.index): \(device.name)")
          article.element("noscript") { noscript in
            noscript.element("p") { p in
              p.text("The form needs JavaScript; with curl: ")
              p.element("code", text: "curl -H 'Prefer: wait=60' -d '{\"device\":\(device.index)}' /jobs/tune")
            }
          }
        }
      }
    }
  }

  /// The device's tuned GEMM configurations, or what `auto` runs until it is tuned.
  static func tuning(_ card: inout HTML, device: OpenCL.DeviceInfo, entries: [TuningTable.Entry]) {
    card.element("h5", text: "Matrix multiply: kernel auto")
    if entries.isEmpty {
      let untuned = XgemmConfig.untunedDefault(for: device, dtype: .float32).map(\.description) ?? "none fits"
      card.element("p", ["class": "muted"]) { p in
        p.text("Not tuned yet: auto runs the default for a \(device.type) device (\(untuned)). ")
        p.link("#tune-\(device.index)", text: "Tune it")
        p.text(" to search tile sizes, work-group shapes and vector widths on this device.")
      }
      return
    }
    card.element("p") { $0.link("/devices/\(device.index)/tuning", text: "The tuning landscape of this device") }
    card.element("div", ["class": "table-wrap"]) { wrap in
      wrap.element("table", ["class": "data"]) { table in
        table.element("thead") { head in
          head.element("tr") { row in
            for title in ["dtype", "size class", "configuration", "GFLOP/s", "at n", "tried", "job"] {
              row.element("th", ["scope": "col"], text: title)
            }
          }
        }
        table.element("tbody") { body in
          for entry in entries {
            body.element("tr") { row in
              row.element("td", text: entry.dtype.rawValue)
              row.element("td", text: entry.sizeClass.rawValue)
              row.element("td") { $0.element("code", text: entry.config.description) }
              row.element("td", text: String(format: "%.1f", entry.gflops))
              row.element("td", text: String(entry.n))
              row.element("td", text: String(entry.candidates))
              row.element("td") { cell in
                if let id = entry.jobID { cell.link("/jobs/\(id)", text: "tune job") } else { cell.text("—") }
              }
            }
          }
        }
      }
    }
  }

  static func definitions(_ html: inout HTML, _ items: [(String, String)]) {
    html.element("dl", ["class": "facts"]) { list in
      for (term, value) in items {
        list.element("div") { pair in
          pair.element("dt", text: term)
          pair.element("dd", text: value)
        }
      }
    }
  }

  /// `12576837632` → `11.7 GiB`.
  static func bytes(_ count: Int) -> String {
    let units = ["bytes", "KiB", "MiB", "GiB", "TiB"]
    var value = Double(count)
    var unit = 0
    while value >= 1024, unit < units.count - 1 {
      value /= 1024
      unit += 1
    }
    return unit == 0 ? "\(count) bytes" : (value >= 100 || value == value.rounded() ? String(Int(value.rounded())) : String(format: "%.1f", value)) + " " + units[unit]
  }
}
