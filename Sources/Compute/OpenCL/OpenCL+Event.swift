import COpenCL

extension OpenCL {
  /// A command's event: wait for it, then read its profiling timestamps.
  public final class Event: @unchecked Sendable {
    // @unchecked: no mutable Swift state; event calls are thread-safe (OpenCL 1.2, A.2).
    let id: cl_event

    init(id: cl_event) { self.id = id }

    static func wrap(_ event: cl_event?, call: String) throws(OpenCLError) -> Event {
      guard let event else { throw OpenCLError(status: CL_INVALID_EVENT, call: call) }
      return Event(id: event)
    }

    deinit { clReleaseEvent(id) }

    /// Blocks until the command has finished; throws if it ended in error.
    public func wait() throws(OpenCLError) {
      var event: cl_event? = id
      let status = clWaitForEvents(1, &event)
      if status == CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST {
        let execution = try OpenCL.queryValue("clGetEventInfo", initial: cl_int(0)) {
          clGetEventInfo(id, cl_event_info(CL_EVENT_COMMAND_EXECUTION_STATUS), $0, $1, $2)
        }
        throw OpenCLError(status: execution < 0 ? execution : status, call: "clWaitForEvents")
      }
      try OpenCL.check(status, "clWaitForEvents")
    }

    /// Device timestamps in nanoseconds (`CL_PROFILING_COMMAND_START` and `_END`) of a finished command.
    public func profilingNanoseconds() throws(OpenCLError) -> (start: UInt64, end: UInt64) {
      func stamp(_ param: Int32) throws(OpenCLError) -> UInt64 {
        try OpenCL.queryValue("clGetEventProfilingInfo", initial: cl_ulong(0)) {
          clGetEventProfilingInfo(id, cl_profiling_info(param), $0, $1, $2)
        }
      }
      return (try stamp(CL_PROFILING_COMMAND_START), try stamp(CL_PROFILING_COMMAND_END))
    }

    /// The command's device time, end minus start, in seconds.
    public func durationSeconds() throws(OpenCLError) -> Double {
      let (start, end) = try profilingNanoseconds()
      return end >= start ? Double(end - start) * 1e-9 : 0
    }
  }
}
