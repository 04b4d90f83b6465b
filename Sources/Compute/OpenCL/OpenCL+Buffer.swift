import COpenCL

extension OpenCL {
  /// A device buffer (`cl_mem`), released on deinit.
  public final class Buffer: @unchecked Sendable {
    // @unchecked: no mutable Swift state; memory-object calls are thread-safe (OpenCL 1.2, A.2).
    // A release while commands still use the buffer is deferred by OpenCL until they finish.
    let id: cl_mem
    /// Its size in bytes.
    public let bytes: Int

    /// How kernels will use the buffer.
    public enum Access: Sendable {
      case readOnly, writeOnly, readWrite

      var flags: cl_mem_flags {
        switch self {
        case .readOnly: cl_mem_flags(CL_MEM_READ_ONLY)
        case .writeOnly: cl_mem_flags(CL_MEM_WRITE_ONLY)
        case .readWrite: cl_mem_flags(CL_MEM_READ_WRITE)
        }
      }
    }

    /// Allocates `bytes` (at least 1) bytes on the context's device.
    public init(context: Context, bytes: Int, access: Access) throws(OpenCLError) {
      var status: cl_int = CL_SUCCESS
      let memory = clCreateBuffer(context.id, access.flags, max(bytes, 1), nil, &status)
      try OpenCL.check(status, "clCreateBuffer")
      guard let memory else { throw OpenCLError(status: CL_MEM_OBJECT_ALLOCATION_FAILURE, call: "clCreateBuffer") }
      self.id = memory
      self.bytes = bytes
    }

    deinit { clReleaseMemObject(id) }
  }
}
