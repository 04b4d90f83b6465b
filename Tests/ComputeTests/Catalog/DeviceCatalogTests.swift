import Foundation
import Testing
@testable import Compute

@Suite("DeviceCatalog")
struct DeviceCatalogTests {
  @Test func encodesBLASAndEachOpenCLDeviceWithSnakeCaseKeys() throws {
    let catalog = sharedRunner.deviceCatalog()
    let json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(catalog)) as? [String: Any])
    let blas = try #require(json["blas"] as? [String: Any])
    #expect(blas["name"] as? String == "OpenBLAS")
    #expect(blas["threads"] as? Int ?? 0 >= 1)
    let openCL = try #require(json["opencl"] as? [String: Any])
    #expect(openCL["available"] as? Bool == openCLAvailable)
    if openCLAvailable {
      let platforms = try #require(openCL["platforms"] as? [[String: Any]])
      let device = try #require((platforms.first?["devices"] as? [[String: Any]])?.first)
      for key in [
        "name", "vendor", "version", "driver_version", "type", "compute_units", "max_clock_mhz",
        "global_memory_bytes", "local_memory_bytes", "max_work_group_size", "fp64",
      ] {
        #expect(device[key] != nil, "device.\(key)")
      }
    }
    #expect(try JSONDecoder().decode(DeviceCatalog.self, from: JSONEncoder().encode(catalog)) == catalog)
  }
}
