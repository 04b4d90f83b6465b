import COpenCL

extension OpenCL {
  /// A program built for one device; make kernels from it with ``makeKernel(named:)``.
  public final class Program: @unchecked Sendable {
    // @unchecked: no mutable Swift state; after the build, program calls are thread-safe
    // (OpenCL 1.2, A.2). The build itself happens in init, before the object is shared.
    let id: cl_program
    /// The context the program was built in.
    public let context: Context

    /// Compiles `source` for the context's device with `options` (e.g. `"-DTS=16"`).
    ///
    /// - Throws: ``OpenCLError`` from `clBuildProgram` with the build log attached when the
    ///   source does not compile.
    public init(context: Context, source: String, options: String) throws(OpenCLError) {
      var status: cl_int = CL_SUCCESS
      let program = source.withCString { text -> cl_program? in
        var pointer: UnsafePointer<CChar>? = text
        var length = source.utf8.count
        return clCreateProgramWithSource(context.id, 1, &pointer, &length, &status)
      }
      try OpenCL.check(status, "clCreateProgramWithSource")
      guard let program else { throw OpenCLError(status: CL_INVALID_PROGRAM, call: "clCreateProgramWithSource") }
      self.id = program
      self.context = context
      var deviceID: cl_device_id? = context.device.id
      let buildStatus = options.withCString { clBuildProgram(program, 1, &deviceID, $0, nil, nil) }
      if buildStatus != CL_SUCCESS {
        throw OpenCLError(status: buildStatus, call: "clBuildProgram", buildLog: buildLog)
      }
    }

    deinit { clReleaseProgram(id) }

    /// The compiler's log for the device (warnings after a good build, errors after a bad one).
    public var buildLog: String {
      (try? OpenCL.queryString("clGetProgramBuildInfo") {
        clGetProgramBuildInfo(id, context.device.id, cl_program_build_info(CL_PROGRAM_BUILD_LOG), $0, $1, $2)
      }) ?? ""
    }

    /// A new kernel object for the `__kernel` function `name`.
    public func makeKernel(named name: String) throws(OpenCLError) -> Kernel {
      var status: cl_int = CL_SUCCESS
      let kernel = clCreateKernel(id, name, &status)
      try OpenCL.check(status, "clCreateKernel(\(name))")
      guard let kernel else { throw OpenCLError(status: CL_INVALID_KERNEL, call: "clCreateKernel(\(name))") }
      return Kernel(id: kernel, program: self)
    }
  }
}
