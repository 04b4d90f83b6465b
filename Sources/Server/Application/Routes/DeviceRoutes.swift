import Compute
import Foundation
import HTTP

extension Application {
  /// `GET /devices`: the BLAS library and every OpenCL platform and device, or
  /// why OpenCL is unavailable.
  func addDeviceRoutes(to router: inout Router) {
    let body = (try? JSONCoding.encoder.encode(jobs.devices)).map { [UInt8]($0) } ?? Array("{}".utf8)
    router.get("/devices") { _, _ in
      HTTPResponse(headers: ["Content-Type": "application/json"], bytes: body)
    }
  }
}
