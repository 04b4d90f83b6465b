/// `divergence`: the same work (each element runs one of two equally long FMA loops, half the
/// elements each) with the branch splitting work-items *within* each work-group, and with the
/// branch uniform per work-group (see `DivergenceKernelSource`).
struct DivergenceExperiment: Experiment {
  static let kind = ExperimentKind.divergence
  static let parameters: [JobParameter] = [
    .int("n", default: 1 << 20, min: 64, max: 1 << 24, unit: "elements", "work-items, one element each"),
    .int("work", default: 256, min: 1, max: 4096, unit: "FMAs", "fused multiply-adds per element on either path"),
    .int(
      "group_size", default: 64, min: 8, max: 1024, allowed: [8, 16, 32, 64, 128, 256, 512, 1024],
      "work-items per work-group (capped at what the kernel allows on the device)"),
    .choice(
      "pattern", default: "alternate", allowed: ["alternate", "halves"],
      "how the divergent kernel splits a group: alternate lanes, or first and second half"),
    .repeats(default: 5, max: 50),
    .device,
  ]

  let n: Int
  let work: Int
  let groupSize: Int
  let pattern: String
  let repeats: Int
  let flopsPerSecondEstimate: Double

  /// Path A is x ← fma(x, a1, b1), path B x ← fma(x, a2, b2): the same cost, different results.
  static let constants: (a1: Float, b1: Float, a2: Float, b2: Float) = (0.999, 0.001, 0.998, 0.002)

  init(_ parameters: JobParameters, environment: ExperimentEnvironment) throws(ComputeError) {
    n = parameters.int("n")
    work = parameters.int("work")
    groupSize = parameters.int("group_size")
    pattern = parameters.string("pattern")
    repeats = parameters.int("repeats")
    flopsPerSecondEstimate = environment.deviceFlopsPerSecond(parameters.int("device"))
  }

  var cost: ExperimentCost {
    let flops = 2 * 2 * Double(n) * Double(work) * Double(repeats + 1)
    return ExperimentCost(
      memoryBytes: 16 * n, seconds: flops / flopsPerSecondEstimate, progressUnits: 1 + 2 * (repeats + 2),
      sizeField: "n",
      largestDeviceBufferBytes: 4 * n)
  }

  func run(_ session: ExperimentSession) throws -> ExperimentReport {
    let n = self.n
    let input = session.setup { () -> [Float] in
      var generator = SplitMix64(seed: 7)
      return (0..<n).map { _ in Float(generator.next() >> 40) * 0x1p-24 }
    }
    session.inspect("input", input)
    let inBuffer = try session.buffer(bytes: 4 * n, access: .readOnly)
    let outBuffer = try session.buffer(bytes: 4 * n, access: .writeOnly)
    try session.upload(input, to: inBuffer)
    let options = "-DPATTERN=\(pattern == "halves" ? 1 : 0)"
    let source = DivergenceKernelSource.source
    let divergent = try session.kernel("branch_divergent", source: source, options: options)
    let uniform = try session.kernel("branch_uniform", source: source, options: options)
    // The group size actually used: the largest power of two up to the request that both kernels allow.
    let info = session.device.device.info
    let allowed = min(try divergent.maxWorkGroupSize, try uniform.maxWorkGroupSize, info.maxWorkItemSizes.first ?? .max)
    var group = groupSize
    while group > 1 && group > allowed { group /= 2 }
    let global = (n + group - 1) / group * group
    let k = Self.constants
    for kernel in [divergent, uniform] {
      try kernel.setArgument(0, inBuffer)
      try kernel.setArgument(1, outBuffer)
      try kernel.setArgument(2, Int32(n))
      try kernel.setArgument(3, Int32(work))
      try kernel.setArgument(4, k.a1)
      try kernel.setArgument(5, k.b1)
      try kernel.setArgument(6, k.a2)
      try kernel.setArgument(7, k.b2)
    }
    session.advance()

    var nanoseconds: [Double] = []
    var worstError = 0.0
    let sample = Array(Set((0..<4096).map { $0 * n / 4096 } + (0..<min(n, 2 * group)) + ((n - min(n, group))..<n)))
      .sorted()
    for (name, kernel, takesB) in [
      (
        "divergent", divergent,
        pattern == "halves" ? { (i: Int) in i % group >= group / 2 } : { (i: Int) in i % group % 2 == 1 }
      ),
      ("uniform", uniform, { (i: Int) in (i / group) % 2 == 1 }),
    ] as [(String, OpenCL.Kernel, (Int) -> Bool)] {
      let measurement = try session.measure(
        "\(name) branch, n = \(n), work = \(work), group \(group)", clock: .device,
        includes: "kernel execution only (profiling events); no copies", repeats: repeats
      ) { try session.launch(kernel, global: (global, 1), local: (group, 1)) }
      nanoseconds.append(measurement.reportedSeconds / Double(n) * 1e9)
      let output: [Float] = try session.download(outBuffer, count: n)
      worstError = max(
        worstError,
        session.verifying {
          sample.reduce(0.0) { worst, i in
            let expected = takesB(i) ? Self.path(input[i], work, k.a2, k.b2) : Self.path(input[i], work, k.a1, k.b1)
            return max(worst, Double(abs(output[i] - expected) / abs(expected)))
          }
        })
      session.advance()
    }
    return report(
      divergentNs: nanoseconds[0], uniformNs: nanoseconds[1], group: group, error: worstError, samples: sample.count,
      session: session)
  }

  /// The path on the host, with the same fused multiply-add (`fma(x, a, b)` is `b + x·a`, rounded once).
  static func path(_ start: Float, _ work: Int, _ a: Float, _ b: Float) -> Float {
    var x = start
    for _ in 0..<work { x = b.addingProduct(x, a) }
    return x
  }
}
