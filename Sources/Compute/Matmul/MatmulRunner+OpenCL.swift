// The OpenCL backend: copy A and B once, run the kernel in short launches, one at a time and
// checking the token between them, copy C back once. One launch in flight costs an enqueue gap
// (tens of microseconds on PoCL) per launch of at least milliseconds, and bounds the wait after a
// cancellation by one launch.
extension MatmulRunner {
  func runOpenCL<T: MatmulScalar>(
    _ spec: MatmulSpec, a: [T], b: [T], token: CancellationToken, meter: inout ProgressMeter
  ) throws -> BackendRun<T> {
    let index = spec.device ?? openCL.defaultDeviceIndex ?? 0
    let runtime = try openCL.runtime(device: index)
    let kind = spec.effectiveKernel ?? .default
    let plan = try OpenCLMatmulPlan.make(
      kernel: kind, dtype: T.dtype, runtime: runtime, maxWorkGroupSize: configuration.maxWorkGroupSize)
    let queue = runtime.queue
    let size = MemoryLayout<T>.stride
    let context = runtime.context

    let aBuffer = try OpenCL.Buffer(context: context, bytes: a.count * size, access: .readOnly)
    let bBuffer = try OpenCL.Buffer(context: context, bytes: b.count * size, access: .readOnly)
    let cBuffer = try OpenCL.Buffer(context: context, bytes: spec.m * spec.n * size, access: .writeOnly)
    let writeA = try a.withUnsafeBytes { bytes throws(OpenCLError) in
      try queue.write(aBuffer, from: bytes.baseAddress!, bytes: bytes.count)
    }
    let writeB = try b.withUnsafeBytes { bytes throws(OpenCLError) in
      try queue.write(bBuffer, from: bytes.baseAddress!, bytes: bytes.count)
    }
    let hostToDevice = try writeA.durationSeconds() + writeB.durationSeconds()

    let kernel = plan.kernel
    try kernel.setArgument(0, Int32(spec.m))
    try kernel.setArgument(1, Int32(spec.n))
    try kernel.setArgument(2, Int32(spec.k))
    try kernel.setArgument(7, aBuffer)
    try kernel.setArgument(8, bBuffer)
    try kernel.setArgument(9, cBuffer)

    // The naive kernel is 10–100× slower than the blocked one (it re-reads B's columns from
    // global memory), so it gets a quarter of the budget per launch.
    let budget = kind == .naive ? configuration.openCLBlockMultiplyAdds / 4 : configuration.openCLBlockMultiplyAdds
    let blocks = WorkSplit.blocks(m: spec.m, n: spec.n, k: spec.k, budget: budget, align: 64)
    var warmup = 0.0
    var kernelSeconds: [Double] = []
    var wallSeconds: [Double] = []
    for run in 0...spec.repeats {
      let watch = Stopwatch()
      let deviceSeconds = try launch(
        plan, blocks: blocks, k: spec.k, queue: queue, token: token, meter: &meter)
      if run == 0 {
        warmup = watch.seconds
      } else {
        wallSeconds.append(watch.seconds)
        kernelSeconds.append(deviceSeconds)
      }
    }

    try token.check()
    var c = [T](repeating: 0, count: spec.m * spec.n)
    let read = try c.withUnsafeMutableBytes { bytes throws(OpenCLError) in
      try queue.read(cBuffer, into: bytes.baseAddress!, bytes: bytes.count)
    }
    let timings = MatmulTimings(
      buildSeconds: plan.build.seconds, buildCached: plan.build.cached, hostToDeviceSeconds: hostToDevice,
      deviceToHostSeconds: try read.durationSeconds(), warmupSeconds: warmup, kernelSeconds: kernelSeconds,
      computeSeconds: kernelSeconds, wallSeconds: wallSeconds, compute: TimingStats(kernelSeconds),
      wall: TimingStats(wallSeconds), referenceSeconds: 0, launchesPerRepeat: blocks.count, totalSeconds: 0,
      concurrentJobs: [])
    return BackendRun(
      c: c, timings: timings, kernel: kind.rawValue, kernelConfig: plan.configuration,
      device: runtime.device.info.name, deviceIndex: index)
  }

  /// One full product: every block launched in turn; returns the summed device time.
  ///
  /// The token is checked before each launch, so a cancelled job stops after the launch in flight.
  private func launch(
    _ plan: OpenCLMatmulPlan, blocks: [WorkSplit.Block], k: Int, queue: OpenCL.CommandQueue,
    token: CancellationToken, meter: inout ProgressMeter
  ) throws -> Double {
    var deviceSeconds = 0.0
    for block in blocks {
      try token.check()
      try plan.kernel.setArgument(3, Int32(block.rows.lowerBound))
      try plan.kernel.setArgument(4, Int32(block.rows.upperBound))
      try plan.kernel.setArgument(5, Int32(block.columns.lowerBound))
      try plan.kernel.setArgument(6, Int32(block.columns.upperBound))
      let global = plan.globalSize(rows: block.rows.count, columns: block.columns.count)
      let event = try queue.enqueue(kernel: plan.kernel, global: global, local: plan.local)
      try queue.flush()
      try event.wait()
      deviceSeconds += try event.durationSeconds()
      meter.advance(by: Double(block.rows.count * block.columns.count * k))
    }
    return deviceSeconds
  }
}
