import Compute
import Foundation
import HTTP
import JSON

extension Application {
  /// `GET /devices`: the BLAS library and every OpenCL platform and device, or why OpenCL is
  /// unavailable; each device with its tuned configurations of the `auto` kernel (`tuned`, from
  /// `tune` jobs) and the configuration `auto` runs before any tuning (`auto_untuned`). A page for
  /// browsers (see `Negotiation`).
  func addDeviceRoutes(to router: inout Router) {
    let jobs = self.jobs
    let catalog = JSONValue(encoding: jobs.devices)  // fixed at start; only the tuned entries change
    router.get("/devices") { request, _ in
      let tuned = Self.tunedByDevice(jobs)
      return Negotiation.respond(to: request) {
        DevicesPage(catalog: jobs.devices, tuned: tuned).response()
      } json: {
        HTTPResponse(
          headers: ["Content-Type": "application/json"],
          bytes: Self.devicesJSON(catalog, devices: jobs.devices, tuned: tuned).encoded())
      }
    }
  }

  /// `GET /devices/{index}/tuning`: the device's recorded configurations, each with the landscape
  /// of the tune job that found it (every configuration tried, or null once the job is pruned);
  /// a page with an SVG scatter for browsers. 404 for a device that does not exist.
  func addTuningRoutes(to router: inout Router) {
    let jobs = self.jobs
    let store = self.store
    router.getBlocking("/devices/{index}/tuning") { request, context in
      let devices = jobs.devices.openCL.platforms.flatMap(\.devices)
      guard let index = context.parameters["index"].flatMap({ Int($0) }), let device = devices.first(where: { $0.index == index })
      else {
        throw Problem.notFound("No OpenCL device \(context.parameters["index"] ?? ""); GET /devices lists them.")
      }
      let sections = jobs.tuning.entries(for: device).map { entry in
        let landscape = entry.jobID.flatMap { try? store.job(id: $0) }?.result?["landscape"]?.arrayValue
        return TuningPage.Section(entry: entry, landscape: landscape)
      }
      return Negotiation.respond(to: request) {
        TuningPage(device: device, sections: sections).response()
      } json: {
        let body = JSONValue.object([
          ("device", JSONValue(encoding: device)),
          (
            "tuned",
            .array(
              sections.map { section in
                guard case .object(var members) = Self.tunedJSON(section.entry) else { return .null }
                members["landscape"] = section.landscape.map(JSONValue.array) ?? .null
                return .object(members)
              })
          ),
        ])
        return HTTPResponse(headers: ["Content-Type": "application/json"], bytes: body.encoded())
      }
    }
  }

  /// The tuned entries of each OpenCL device, by device index.
  static func tunedByDevice(_ jobs: JobService) -> [Int: [TuningTable.Entry]] {
    var tuned: [Int: [TuningTable.Entry]] = [:]
    for platform in jobs.devices.openCL.platforms {
      for device in platform.devices { tuned[device.index] = jobs.tuning.entries(for: device) }
    }
    return tuned
  }

  /// The encoded `catalog` with each OpenCL device's `tuned` entries and `auto_untuned` added.
  static func devicesJSON(_ catalog: JSONValue, devices: DeviceCatalog, tuned: [Int: [TuningTable.Entry]]) -> JSONValue {
    guard case .object(var root) = catalog,
      case .object(var openCL)? = root["opencl"], case .array(let platforms)? = openCL["platforms"]
    else { return catalog }
    let infos = devices.openCL.platforms.flatMap(\.devices)
    openCL["platforms"] = .array(
      platforms.map { platform in
        guard case .object(var members) = platform, case .array(let devices)? = members["devices"] else { return platform }
        members["devices"] = .array(
          devices.map { device in
            guard case .object(var fields) = device, case .int(let index)? = fields["index"] else { return device }
            fields["tuned"] = .array((tuned[index] ?? []).map(Self.tunedJSON))
            if let info = infos.first(where: { $0.index == index }) {
              fields["auto_untuned"] = .object(
                DType.allCases.filter { $0 == .float32 || info.fp64 }.map { dtype in
                  (dtype.rawValue, XgemmConfig.untunedDefault(for: info, dtype: dtype).map { .string($0.description) } ?? .null)
                })
            }
            return .object(fields)
          })
        return .object(members)
      })
    root["opencl"] = .object(openCL)
    return .object(root)
  }

  static func tunedJSON(_ entry: TuningTable.Entry) -> JSONValue {
    guard case .object(var members) = JSONValue(encoding: entry) else { return .null }
    members["label"] = .string(entry.config.description)
    members["job_href"] = entry.jobID.map { .string("/jobs/\($0)") } ?? .null
    return .object(members)
  }
}
