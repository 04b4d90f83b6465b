import COpenCL

extension OpenCL {
  /// A `cl_context` for one device, released on deinit.
  public final class Context: @unchecked Sendable {
    // @unchecked: no mutable Swift state; the handle is only read, and OpenCL context calls are
    // thread-safe (OpenCL 1.2, appendix A.2).
    let id: cl_context
    /// The device the context was made for.
    public let device: Device

    /// Makes a context holding just `device`.
    public init(device: Device) throws(OpenCLError) {
      var status: cl_int = CL_SUCCESS
      var deviceID: cl_device_id? = device.id
      let context = clCreateContext(nil, 1, &deviceID, nil, nil, &status)
      try OpenCL.check(status, "clCreateContext")
      guard let context else { throw OpenCLError(status: CL_INVALID_CONTEXT, call: "clCreateContext") }
      self.id = context
      self.device = device
    }

    deinit { clReleaseContext(id) }
  }
}
