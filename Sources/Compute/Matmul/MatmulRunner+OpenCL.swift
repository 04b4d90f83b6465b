// The OpenCL backend: copy A and B once, run the kernel in launches one at a time, checking the
// token between them, and copy C back once. Launches start small and grow with the device's
// measured speed during the warm-up (``LaunchSizer``), so a GPU runs a product in one or a few
// launches while a slow device keeps each launch short; the timed repeats reuse the launch size
// the warm-up settled on.
extension MatmulRunner {
  func runOpenCL<T: MatmulScalar>(
    _ spec: MatmulSpec, a: [T], b: [T], token: CancellationToken, meter: inout ProgressMeter
  ) throws -> BackendRun<T> {
    let index = spec.device ?? openCL.defaultDeviceIndex ?? 0
    let runtime = try openCL.runtime(device: index)
    let kind = spec.effectiveKernel ?? .default
    if kind == .auto { return try runXgemm(spec, a: a, b: b, runtime: runtime, token: token, meter: &meter) }
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
    // global memory), so its first launches get a quarter of the budget.
    let initial = kind == .naive ? configuration.openCLBlockMultiplyAdds / 4 : configuration.openCLBlockMultiplyAdds
    let products = try timedProducts(
      m: spec.m, n: spec.n, k: spec.k, align: 64, repeats: spec.repeats, initialBudget: initial, token: token,
      meter: &meter
    ) { block throws(OpenCLError) in
      try kernel.setArgument(3, Int32(block.rows.lowerBound))
      try kernel.setArgument(4, Int32(block.rows.upperBound))
      try kernel.setArgument(5, Int32(block.columns.lowerBound))
      try kernel.setArgument(6, Int32(block.columns.upperBound))
      return try queue.run(
        kernel: kernel, global: plan.globalSize(rows: block.rows.count, columns: block.columns.count), local: plan.local)
    }

    try token.check()
    var c = [T](repeating: 0, count: spec.m * spec.n)
    let read = try c.withUnsafeMutableBytes { bytes throws(OpenCLError) in
      try queue.read(cBuffer, into: bytes.baseAddress!, bytes: bytes.count)
    }
    let timings = openCLTimings(
      build: plan.build, hostToDevice: hostToDevice, deviceToHost: try read.durationSeconds(), products: products)
    return BackendRun(
      c: c, timings: timings, kernel: kind.rawValue, kernelConfig: plan.configuration,
      device: runtime.device.info.name, deviceIndex: index)
  }

  /// `kernel: "auto"`: the tunable kernel with the configuration tuned for this device, dtype and
  /// size class, or the device type's untuned default.
  private func runXgemm<T: MatmulScalar>(
    _ spec: MatmulSpec, a: [T], b: [T], runtime: OpenCLBackend.DeviceRuntime, token: CancellationToken,
    meter: inout ProgressMeter
  ) throws -> BackendRun<T> {
    let info = runtime.device.info
    let choice = autoConfiguration(for: info, dtype: T.dtype, m: spec.m, n: spec.n, k: spec.k)
    let executor = try XgemmExecutor<T>(runtime: runtime, m: spec.m, n: spec.n, k: spec.k, a: a, b: b)
    var chosen = choice
    var plan = try executor.plan(choice.config)
    if plan == nil, let fallback = XgemmConfig.untunedDefault(for: info, dtype: T.dtype) {
      chosen = (fallback, "the untuned default (the tuned configuration does not fit this build)")
      plan = try executor.plan(fallback)
    }
    guard let plan else {
      throw OpenCLError(status: -54, call: "no xgemm configuration fits \(info.name)")  // CL_INVALID_WORK_GROUP_SIZE
    }
    let layout = executor.layout
    let products = try timedProducts(
      m: layout.mp, n: layout.np, k: layout.kp, align: XgemmLayout.rowAlignment, repeats: spec.repeats,
      initialBudget: configuration.openCLBlockMultiplyAdds, token: token, meter: &meter,
      progressScale: Double(spec.multiplyAdds) / Double(layout.mp * layout.np * layout.kp)
    ) { block throws(OpenCLError) in try executor.launch(plan, block: block) }
    try token.check()
    let (c, read) = try executor.result()
    var timings = openCLTimings(
      build: plan.build, hostToDevice: executor.hostToDeviceSeconds, deviceToHost: read, products: products)
    timings.layout =
      layout.mp == spec.m && layout.np == spec.n && layout.kp == spec.k
      ? "A copied transposed (K×M); the transpose is done on the host before the copy and is in no timing"
      : "A copied transposed and zero-padded to \(layout.kp)×\(layout.mp), B padded to \(layout.kp)×\(layout.np) (M and N to multiples of \(XgemmLayout.rowAlignment), K of \(XgemmLayout.kAlignment), which every tile divides; the kernel computes the padded product); done on the host before the copy and in no timing; GFLOP/s counts the unpadded 2·m·n·k"
    return BackendRun(
      c: c, timings: timings, kernel: MatmulKernel.auto.rawValue,
      kernelConfig: "xgemm \(plan.config) (\(chosen.source))", device: info.name, deviceIndex: info.index)
  }

  /// The configuration `auto` runs for a product on a device, and a phrase saying where it came from.
  public func autoConfiguration(
    for info: OpenCL.DeviceInfo, dtype: DType, m: Int, n: Int, k: Int
  ) -> (config: XgemmConfig, source: String) {
    let sizeClass = TuningTable.SizeClass(m: m, n: n, k: k)
    if let entry = tuning.best(for: info, dtype: dtype, sizeClass: sizeClass),
      entry.config.isValid(on: info, dtype: dtype)
    {
      let gflops = Format.number(entry.gflops)
      let classNote = entry.sizeClass == sizeClass ? "" : ", the nearest size class tuned"
      return (entry.config, "tuned on this device at n=\(entry.n): \(gflops) GFLOP/s\(classNote)")
    }
    let fallback =
      XgemmConfig.untunedDefault(for: info, dtype: dtype)
      ?? XgemmConfig(mwg: 16, nwg: 16, kwg: 8, mdimc: 8, ndimc: 8, vwm: 1, vwn: 1)
    return (fallback, "untuned default for a \(info.type) device; POST /jobs/tune to tune it")
  }

  /// What ``timedProducts`` measured.
  struct TimedProducts {
    var warmupSeconds: Double
    var kernelSeconds: [Double]
    var wallSeconds: [Double]
    var launchesPerRepeat: Int
  }

  /// One untimed warm-up product with launches growing to the device's speed, then `repeats`
  /// timed products with the warm-up's final launch size. `launch` runs one block and returns its
  /// device seconds; the token is checked before each launch.
  func timedProducts(
    m: Int, n: Int, k: Int, align: Int, repeats: Int, initialBudget: Int, token: CancellationToken,
    meter: inout ProgressMeter, progressScale: Double = 1,
    launch: (WorkSplit.Block) throws(OpenCLError) -> Double
  ) throws -> TimedProducts {
    var sizer = LaunchSizer(initial: initialBudget, target: configuration.openCLLaunchSeconds)
    var cursor = BlockCursor(m: m, n: n, k: k, align: align)
    let warmupWatch = Stopwatch()
    while let block = cursor.next(budget: sizer.budget) {
      try token.check()
      let seconds = try launch(block)
      let work = block.rows.count * block.columns.count * k
      sizer.observe(multiplyAdds: work, seconds: seconds)
      meter.advance(by: Double(work) * progressScale)
    }
    let warmup = warmupWatch.seconds
    let blocks = WorkSplit.blocks(m: m, n: n, k: k, budget: sizer.budget, align: align)
    var kernelSeconds: [Double] = []
    var wallSeconds: [Double] = []
    for _ in 0..<repeats {
      let watch = Stopwatch()
      var deviceSeconds = 0.0
      for block in blocks {
        try token.check()
        deviceSeconds += try launch(block)
        meter.advance(by: Double(block.rows.count * block.columns.count * k) * progressScale)
      }
      wallSeconds.append(watch.seconds)
      kernelSeconds.append(deviceSeconds)
    }
    return TimedProducts(
      warmupSeconds: warmup, kernelSeconds: kernelSeconds, wallSeconds: wallSeconds, launchesPerRepeat: blocks.count)
  }

  private func openCLTimings(
    build: OpenCL.ProgramCache.Build, hostToDevice: Double, deviceToHost: Double, products: TimedProducts
  ) -> MatmulTimings {
    MatmulTimings(
      buildSeconds: build.seconds, buildCached: build.cached, hostToDeviceSeconds: hostToDevice,
      deviceToHostSeconds: deviceToHost, warmupSeconds: products.warmupSeconds,
      kernelSeconds: products.kernelSeconds, computeSeconds: products.kernelSeconds,
      wallSeconds: products.wallSeconds, compute: TimingStats(products.kernelSeconds),
      wall: TimingStats(products.wallSeconds), referenceSeconds: 0, launchesPerRepeat: products.launchesPerRepeat,
      totalSeconds: 0, concurrentJobs: [])
  }
}
