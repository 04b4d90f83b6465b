/// Runs the tunable kernel on one device: the inputs copied once in ``XgemmLayout``, then any
/// number of configurations over them (the tuner tries many; `kernel: "auto"` runs one).
///
/// Confined to the thread that made it, like the kernels it holds.
final class XgemmExecutor<T: MatmulScalar> {
  let runtime: OpenCLBackend.DeviceRuntime
  let layout: XgemmLayout
  let at: OpenCL.Buffer
  let b: OpenCL.Buffer
  let c: OpenCL.Buffer
  /// Device time of the two input copies.
  let hostToDeviceSeconds: Double

  init(runtime: OpenCLBackend.DeviceRuntime, m: Int, n: Int, k: Int, a: [T], b: [T]) throws {
    self.runtime = runtime
    let layout = XgemmLayout(m: m, n: n, k: k)
    self.layout = layout
    let size = MemoryLayout<T>.stride
    let counts = layout.bufferElements
    let atBuffer = try OpenCL.Buffer(context: runtime.context, bytes: counts.at * size, access: .readOnly)
    let bBuffer = try OpenCL.Buffer(context: runtime.context, bytes: counts.b * size, access: .readOnly)
    at = atBuffer
    self.b = bBuffer
    c = try OpenCL.Buffer(context: runtime.context, bytes: counts.c * size, access: .writeOnly)
    let queue = runtime.queue
    let writeA = try layout.transposedA(a).withUnsafeBytes { bytes throws(OpenCLError) in
      try queue.write(atBuffer, from: bytes.baseAddress!, bytes: bytes.count)
    }
    let writeB = try layout.paddedB(b).withUnsafeBytes { bytes throws(OpenCLError) in
      try queue.write(bBuffer, from: bytes.baseAddress!, bytes: bytes.count)
    }
    hostToDeviceSeconds = try writeA.durationSeconds() + writeB.durationSeconds()
  }

  /// A configuration built for this device with the kernel bound to the buffers.
  struct Plan {
    let config: XgemmConfig
    let kernel: OpenCL.Kernel
    let build: OpenCL.ProgramCache.Build
  }

  /// Builds `config` (or takes it from the program cache); `nil` when the built kernel cannot run
  /// a work-group of its size (register pressure).
  func plan(_ config: XgemmConfig) throws(OpenCLError) -> Plan? {
    let (program, build) = try runtime.programs.program(
      for: runtime.context, source: XgemmKernelSource.source, options: config.buildOptions(T.dtype))
    let kernel = try program.makeKernel(named: "xgemm")
    guard try kernel.maxWorkGroupSize >= config.threads else { return nil }
    try kernel.setArgument(0, Int32(layout.mp))
    try kernel.setArgument(1, Int32(layout.np))
    try kernel.setArgument(2, Int32(layout.kp))
    try kernel.setArgument(5, at)
    try kernel.setArgument(6, b)
    try kernel.setArgument(7, c)
    return Plan(config: config, kernel: kernel, build: build)
  }

  /// Launches one block of C (its edges on multiples of the tile) and waits; returns device seconds.
  func launch(_ plan: Plan, block: WorkSplit.Block) throws(OpenCLError) -> Double {
    let config = plan.config
    try plan.kernel.setArgument(3, Int32(block.rows.lowerBound))
    try plan.kernel.setArgument(4, Int32(block.columns.lowerBound))
    let global = (block.columns.count / config.nwg * config.ndimc, block.rows.count / config.mwg * config.mdimc)
    return try runtime.queue.run(kernel: plan.kernel, global: global, local: (config.ndimc, config.mdimc))
  }

  /// C (m×n, cropped) and the device time of its copy back.
  func result() throws -> (c: [T], seconds: Double) {
    var padded = [T](repeating: 0, count: layout.bufferElements.c)
    let read = try padded.withUnsafeMutableBytes { bytes throws(OpenCLError) in
      try runtime.queue.read(c, into: bytes.baseAddress!, bytes: bytes.count)
    }
    return (layout.cropped(padded), try read.durationSeconds())
  }
}

@available(*, unavailable)
extension XgemmExecutor: Sendable {}

/// Launch sizes that follow the device's measured speed: the first launches are small (a few
/// milliseconds on PoCL's CPU device), each later one at most 8× larger, until a launch takes about
/// `target` seconds at the rate measured so far. On a GPU a whole product then runs in one or a
/// few launches; on a slow device launches stay short, so cancellation and GPU watchdogs wait for
/// one short launch at most.
struct LaunchSizer {
  /// Multiply-adds of the first launch.
  let initial: Int
  /// Seconds one launch should take, at most about.
  let target: Double
  private(set) var budget: Int

  init(initial: Int, target: Double) {
    self.initial = max(initial, 1)
    self.target = target
    budget = self.initial
  }

  /// Records a launch of `multiplyAdds` that took `seconds` of device time.
  mutating func observe(multiplyAdds: Int, seconds: Double) {
    guard seconds > 0 else { return }
    let fitting = Double(multiplyAdds) / seconds * target
    budget = Int(min(max(fitting, Double(initial)), Double(budget) * 8, Double(Int.max / 2)))
  }
}

/// The blocks of C in order, each sized by the budget at the time it is asked for (row bands while
/// `align` rows fit the budget, then column pieces of `align`-row bands).
struct BlockCursor {
  let m: Int
  let n: Int
  let k: Int
  let align: Int
  private var row = 0
  private var column = 0

  init(m: Int, n: Int, k: Int, align: Int) {
    self.m = m
    self.n = n
    self.k = k
    self.align = align
  }

  mutating func next(budget: Int) -> WorkSplit.Block? {
    guard row < m else { return nil }
    let perRow = n.multipliedClamped(max(k, 1))
    if column == 0 {
      let rows = budget / max(perRow, 1) / align * align
      if rows >= align || row + align >= m && perRow.multipliedClamped(m - row) <= budget {
        let band = row..<min(row + max(rows, align), m)
        row = band.upperBound
        return WorkSplit.Block(rows: band, columns: 0..<n)
      }
    }
    let band = row..<min(row + align, m)
    let columns = max(align, budget / max(band.count * max(k, 1), 1) / align * align)
    let piece = column..<min(column + columns, n)
    column = piece.upperBound
    if column >= n {
      column = 0
      row = band.upperBound
    }
    return WorkSplit.Block(rows: band, columns: piece)
  }
}
