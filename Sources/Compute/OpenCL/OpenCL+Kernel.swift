import COpenCL

extension OpenCL {
  /// A kernel with its arguments; confined to one thread at a time (not `Sendable`),
  /// because `clSetKernelArg` on one kernel is not thread-safe (OpenCL 1.2, appendix A.2).
  public final class Kernel {
    let id: cl_kernel
    /// The program the kernel came from (kept alive by the kernel).
    public let program: Program

    init(id: cl_kernel, program: Program) {
      self.id = id
      self.program = program
    }

    deinit { clReleaseKernel(id) }

    /// Sets argument `index` to a 32-bit integer (an OpenCL C `int`).
    public func setArgument(_ index: Int, _ value: Int32) throws(OpenCLError) {
      var value = value
      try OpenCL.check(clSetKernelArg(id, cl_uint(index), MemoryLayout<Int32>.size, &value), "clSetKernelArg")
    }

    /// Sets argument `index` to a 32-bit float (an OpenCL C `float`).
    public func setArgument(_ index: Int, _ value: Float) throws(OpenCLError) {
      var value = value
      try OpenCL.check(clSetKernelArg(id, cl_uint(index), MemoryLayout<Float>.size, &value), "clSetKernelArg")
    }

    /// Sets argument `index` to a 64-bit float (an OpenCL C `double`; the device needs `cl_khr_fp64`).
    public func setArgument(_ index: Int, _ value: Double) throws(OpenCLError) {
      var value = value
      try OpenCL.check(clSetKernelArg(id, cl_uint(index), MemoryLayout<Double>.size, &value), "clSetKernelArg")
    }

    /// Sets argument `index` to a buffer (an OpenCL C `__global` pointer).
    public func setArgument(_ index: Int, _ buffer: Buffer) throws(OpenCLError) {
      var memory: cl_mem? = buffer.id
      try OpenCL.check(clSetKernelArg(id, cl_uint(index), MemoryLayout<cl_mem>.size, &memory), "clSetKernelArg")
    }

    /// `CL_KERNEL_WORK_GROUP_SIZE`: the largest work-group this kernel can run with on the device,
    /// which may be smaller than the device's maximum (register pressure on GPUs).
    public var maxWorkGroupSize: Int {
      get throws(OpenCLError) {
        try OpenCL.queryValue("clGetKernelWorkGroupInfo", initial: Int(0)) {
          clGetKernelWorkGroupInfo(
            id, program.context.device.id, cl_kernel_work_group_info(CL_KERNEL_WORK_GROUP_SIZE), $0, $1, $2)
        }
      }
    }

    /// `CL_KERNEL_LOCAL_MEM_SIZE`: local memory the kernel uses, in bytes.
    public var localMemoryBytes: Int {
      get throws(OpenCLError) {
        Int(
          try OpenCL.queryValue("clGetKernelWorkGroupInfo", initial: cl_ulong(0)) {
            clGetKernelWorkGroupInfo(
              id, program.context.device.id, cl_kernel_work_group_info(CL_KERNEL_LOCAL_MEM_SIZE), $0, $1, $2)
          })
      }
    }
  }
}

@available(*, unavailable)
extension OpenCL.Kernel: Sendable {}
