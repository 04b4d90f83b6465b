/// What a run will take, estimated before it starts from its parameters.
struct ExperimentCost {
  /// Host and device bytes allocated at once, at most (a CPU OpenCL device's buffers are host memory too).
  var memoryBytes: Int
  /// Seconds the run may take on a slow machine (see ``Rates``), checked against the time budget.
  var seconds: Double
  /// The progress units the run will advance through (each warm-up or timed run is one, unless the kind says).
  var progressUnits: Int
  /// The parameter to name when a budget is exceeded, usually the size.
  var sizeField: String
  /// The largest single OpenCL buffer, checked against the device's largest allocation; 0 off OpenCL.
  var largestDeviceBufferBytes: Int = 0
  /// Bytes of OpenCL buffers: host memory too on a CPU device (counted against the budget with
  /// `memoryBytes`), device memory on a GPU (checked against the device's memory).
  var deviceMemoryBytes: Int = 0

  /// Deliberately slow throughputs (a loaded 2-core CPU, PoCL) for the time estimates, so that the
  /// budget errs on the side of refusing; real runs here are several times faster.
  enum Rates {
    /// Bytes per second a memory-bound host or CPU-device loop streams.
    static let memoryBytesPerSecond = 2e9
    /// Floating-point operations per second of an OpenCL kernel on a CPU device.
    static let deviceFlopsPerSecond = 5e9
    /// Scattered memory accesses per second (one cache or TLB miss each).
    static let scatteredAccessesPerSecond = 5e7
    /// Plain scalar loop iterations per second.
    static let scalarOpsPerSecond = 3e8
    /// Boxed, dynamically dispatched operations per second (the interpreter model).
    static let boxedOpsPerSecond = 5e6
    /// float64 LAPACK / BLAS floating-point operations per second.
    static let blasFlopsPerSecond = 5e9
  }
}
