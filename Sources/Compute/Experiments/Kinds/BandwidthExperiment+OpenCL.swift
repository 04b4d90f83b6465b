// STREAM on the OpenCL device (see `StreamKernelSource`), timed by profiling events.
extension BandwidthExperiment {
  func runDevice(_ session: ExperimentSession) throws -> Result {
    let n = self.n
    let source = StreamKernelSource.source
    let options = "-DUSE_DOUBLE"
    let bytes = n * 8
    let a = try session.buffer(bytes: bytes)
    let b = try session.buffer(bytes: bytes)
    let c = try session.buffer(bytes: bytes)
    let initialize = try session.kernel("stream_init", source: source, options: options)
    let copy = try session.kernel("stream_copy", source: source, options: options)
    let scale = try session.kernel("stream_scale", source: source, options: options)
    let add = try session.kernel("stream_add", source: source, options: options)
    let triad = try session.kernel("stream_triad", source: source, options: options)
    let count = Int32(n)
    try initialize.setArgument(0, a)
    try initialize.setArgument(1, b)
    try initialize.setArgument(2, c)
    try initialize.setArgument(3, count)
    try copy.setArgument(0, a)
    try copy.setArgument(1, c)
    try copy.setArgument(2, count)
    try scale.setArgument(0, b)
    try scale.setArgument(1, c)
    try scale.setArgument(2, Self.scalar)
    try scale.setArgument(3, count)
    try add.setArgument(0, a)
    try add.setArgument(1, b)
    try add.setArgument(2, c)
    try add.setArgument(3, count)
    try triad.setArgument(0, a)
    try triad.setArgument(1, b)
    try triad.setArgument(2, c)
    try triad.setArgument(3, Self.scalar)
    try triad.setArgument(4, count)
    _ = try session.launch(initialize, global: (n, 1), local: nil)
    if session.device.device.info.type.contains("gpu") {
      session.flag(
      SanityFlag(
        .constantInput, .info, subject: "the STREAM arrays on the device",
        "STREAM fills each array with one value: a GPU that compresses memory can move fewer bytes than counted, and bandwidth tools have reported figures inflated several-fold by such data."
      ))
    }
    session.advance()

    var samples = [[Double]](repeating: [], count: 4)
    for iteration in 0...repeats {
      for (index, kernel) in [copy, scale, add, triad].enumerated() {
        try session.check()
        let seconds = try session.launch(kernel, global: (n, 1), local: nil)
        if iteration > 0 { samples[index].append(seconds) }
        session.advance()
      }
    }
    let hostA: [Double] = try session.download(a, count: n)
    let hostB: [Double] = try session.download(b, count: n)
    let hostC: [Double] = try session.download(c, count: n)
    let check = session.verifying {
      hostA.withUnsafeBufferPointer { a in
        hostB.withUnsafeBufferPointer { b in
          hostC.withUnsafeBufferPointer { c in StreamCheck(a: a, b: b, c: c, iterations: repeats + 1, epsilon: 1e-13) }
        }
      }
    }
    session.advance()
    return record(
      samples, name: "OpenCL", clock: .device, includes: "kernel execution only (profiling events)", check: check,
      session: session)
  }

  func record(
    _ samples: [[Double]], name: String, clock: ExperimentMeasurement.Clock, includes: String, check: StreamCheck,
    session: ExperimentSession
  ) -> Result {
    var best: [Double] = []
    var rates: [Double] = []
    for (index, kernel) in Self.kernels.enumerated() {
      let measurement = session.record(
        "\(kernel.name), \(name)", clock: clock, includes: includes, warmups: 1, samples: samples[index])
      best.append(measurement.reportedSeconds)
      rates.append(Double(kernel.words * 8 * n) / measurement.reportedSeconds / 1e9)
    }
    return Result(name: name, best: best, check: check, gbPerSecond: rates)
  }
}
