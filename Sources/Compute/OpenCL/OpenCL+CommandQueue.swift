import COpenCL

extension OpenCL {
  /// An in-order command queue with `CL_QUEUE_PROFILING_ENABLE`, so every event carries timestamps.
  public final class CommandQueue: @unchecked Sendable {
    // @unchecked: no mutable Swift state; enqueue calls on one queue are thread-safe
    // (OpenCL 1.2, appendix A.2).
    let id: cl_command_queue
    /// The context the queue belongs to (kept alive by the queue).
    public let context: Context

    /// Makes a profiling queue on the context's device.
    public init(context: Context) throws(OpenCLError) {
      var status: cl_int = CL_SUCCESS
      let properties = cl_command_queue_properties(CL_QUEUE_PROFILING_ENABLE)
      // clCreateCommandQueue is the OpenCL 1.2 call (deprecated only from 2.0, which we do not target).
      let queue = clCreateCommandQueue(context.id, context.device.id, properties, &status)
      try OpenCL.check(status, "clCreateCommandQueue")
      guard let queue else { throw OpenCLError(status: CL_INVALID_COMMAND_QUEUE, call: "clCreateCommandQueue") }
      self.id = queue
      self.context = context
    }

    deinit { clReleaseCommandQueue(id) }

    /// Copies `bytes` bytes from `source` into `buffer`, blocking until done.
    @discardableResult
    public func write(_ buffer: Buffer, from source: UnsafeRawPointer, bytes: Int) throws(OpenCLError) -> Event {
      var event: cl_event?
      try OpenCL.check(
        clEnqueueWriteBuffer(id, buffer.id, cl_bool(CL_TRUE), 0, bytes, source, 0, nil, &event),
        "clEnqueueWriteBuffer")
      return try Event.wrap(event, call: "clEnqueueWriteBuffer")
    }

    /// Copies `bytes` bytes from `buffer` into `destination`, blocking until done.
    @discardableResult
    public func read(
      _ buffer: Buffer, into destination: UnsafeMutableRawPointer, bytes: Int
    ) throws(OpenCLError) -> Event {
      var event: cl_event?
      try OpenCL.check(
        clEnqueueReadBuffer(id, buffer.id, cl_bool(CL_TRUE), 0, bytes, destination, 0, nil, &event),
        "clEnqueueReadBuffer")
      return try Event.wrap(event, call: "clEnqueueReadBuffer")
    }

    /// Enqueues `kernel` over a 2-D range without waiting; `local` nil lets the driver choose.
    ///
    /// The kernel's arguments are captured at this call (OpenCL 1.2 §5.7.2), so they may be
    /// changed for the next launch straight after.
    public func enqueue(kernel: Kernel, global: (Int, Int), local: (Int, Int)?) throws(OpenCLError) -> Event {
      var event: cl_event?
      var globalSizes = [global.0, global.1]
      let status: cl_int
      if let local {
        var localSizes = [local.0, local.1]
        status = clEnqueueNDRangeKernel(id, kernel.id, 2, nil, &globalSizes, &localSizes, 0, nil, &event)
      } else {
        status = clEnqueueNDRangeKernel(id, kernel.id, 2, nil, &globalSizes, nil, 0, nil, &event)
      }
      try OpenCL.check(status, "clEnqueueNDRangeKernel")
      return try Event.wrap(event, call: "clEnqueueNDRangeKernel")
    }

    /// Launches `kernel` over a 2-D range, waits for it, and returns its device time in seconds
    /// (profiling events): one launch in flight at a time, so a cancellation waits for one launch.
    public func run(kernel: Kernel, global: (Int, Int), local: (Int, Int)?) throws(OpenCLError) -> Double {
      let event = try enqueue(kernel: kernel, global: global, local: local)
      try flush()
      try event.wait()
      return try event.durationSeconds()
    }

    /// Submits enqueued commands to the device without waiting (`clFlush`).
    public func flush() throws(OpenCLError) { try OpenCL.check(clFlush(id), "clFlush") }

    /// Waits until every enqueued command has finished (`clFinish`).
    public func finish() throws(OpenCLError) { try OpenCL.check(clFinish(id), "clFinish") }
  }
}
