import Compute
import Foundation
import HTTP

/// `GET /devices` as a page: the BLAS library and each OpenCL platform and device.
struct DevicesPage {
  var catalog: DeviceCatalog

  func response() -> HTTPResponse {
    PageLayout(title: "Devices", description: "The BLAS library and OpenCL devices of this server", section: .devices)
      .response { main in
        main.element("h1", text: "Devices")
        main.element("p", ["class": "lead"]) { p in
          p.text("Jobs run here, one at a time per device. Backends: ")
          p.element("strong", text: catalog.backends.map(\.rawValue).joined(separator: ", "))
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
