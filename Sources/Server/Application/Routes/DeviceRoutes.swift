import Compute
import Foundation
import HTTP

extension Application {
  /// `GET /devices`: the BLAS library and every OpenCL platform and device, or
  /// why OpenCL is unavailable; a page for browsers (see `Negotiation`).
  func addDeviceRoutes(to router: inout Router) {
    let body = (try? JSONCoding.encoder.encode(jobs.devices)).map { [UInt8]($0) } ?? Array("{}".utf8)
    let page = DevicesPage(catalog: jobs.devices).response()
    router.get("/devices") { request, _ in
      Negotiation.respond(to: request) { page } json: {
        HTTPResponse(headers: ["Content-Type": "application/json"], bytes: body)
      }
    }
  }
}
