import COpenCL

extension OpenCL {
  /// An OpenCL platform (one vendor's driver, found by the ICD loader) and what it says about itself.
  public struct Platform: @unchecked Sendable, Equatable {
    // @unchecked: `cl_platform_id` is an immutable handle that the ICD loader owns for the
    // life of the process; platform queries are thread-safe (OpenCL 1.2, appendix A.2).
    let id: cl_platform_id
    /// The platform's position in `clGetPlatformIDs` order.
    public let index: Int
    /// `CL_PLATFORM_NAME`, e.g. "Portable Computing Language".
    public let name: String
    /// `CL_PLATFORM_VENDOR`.
    public let vendor: String
    /// `CL_PLATFORM_VERSION`, e.g. "OpenCL 3.0 PoCL 3.1 …".
    public let version: String
    /// `CL_PLATFORM_PROFILE`: "FULL_PROFILE" or "EMBEDDED_PROFILE".
    public let profile: String

    init(id: cl_platform_id, index: Int) throws(OpenCLError) {
      self.id = id
      self.index = index
      func string(_ param: Int32) throws(OpenCLError) -> String {
        try OpenCL.queryString("clGetPlatformInfo") { clGetPlatformInfo(id, cl_platform_info(param), $0, $1, $2) }
      }
      name = try string(CL_PLATFORM_NAME)
      vendor = try string(CL_PLATFORM_VENDOR)
      version = try string(CL_PLATFORM_VERSION)
      profile = try string(CL_PLATFORM_PROFILE)
    }

    /// This platform's devices of every type, in `clGetDeviceIDs` order; none is an empty array.
    ///
    /// `firstIndex` is the global index given to the first one (devices are numbered across platforms).
    public func devices(firstIndex: Int = 0) throws(OpenCLError) -> [Device] {
      var count: cl_uint = 0
      let status = clGetDeviceIDs(id, cl_device_type(CL_DEVICE_TYPE_ALL), 0, nil, &count)
      if status == CL_DEVICE_NOT_FOUND || (status == CL_SUCCESS && count == 0) { return [] }
      try OpenCL.check(status, "clGetDeviceIDs")
      var ids = [cl_device_id?](repeating: nil, count: Int(count))
      try OpenCL.check(clGetDeviceIDs(id, cl_device_type(CL_DEVICE_TYPE_ALL), count, &ids, nil), "clGetDeviceIDs")
      var devices: [Device] = []
      for (offset, deviceID) in ids.enumerated() {
        guard let deviceID else { continue }
        devices.append(try Device(id: deviceID, index: firstIndex + offset, platformIndex: index))
      }
      return devices
    }

    public static func == (lhs: Platform, rhs: Platform) -> Bool { lhs.id == rhs.id }
  }

  /// Every platform the ICD loader finds, in `clGetPlatformIDs` order.
  ///
  /// No platform at all is not an error here: when the loader returns
  /// `CL_PLATFORM_NOT_FOUND_KHR` (-1001) or a count of 0, the result is an empty array.
  /// ``OpenCLBackend`` turns that into an "unavailable" reason.
  public static func platforms() throws(OpenCLError) -> [Platform] {
    var count: cl_uint = 0
    let status = clGetPlatformIDs(0, nil, &count)
    if status == platformNotFoundKHR || (status == CL_SUCCESS && count == 0) { return [] }
    try check(status, "clGetPlatformIDs")
    var ids = [cl_platform_id?](repeating: nil, count: Int(count))
    try check(clGetPlatformIDs(count, &ids, nil), "clGetPlatformIDs")
    var platforms: [Platform] = []
    for (index, id) in ids.enumerated() {
      guard let id else { continue }
      platforms.append(try Platform(id: id, index: index))
    }
    return platforms
  }
}
