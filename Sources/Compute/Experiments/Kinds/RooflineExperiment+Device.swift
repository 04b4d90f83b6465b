// The OpenCL device's roofline: `peak`'s FMA ceilings, and reads of local memory, of a buffer
// half the L2 and of one at least 4× the L2.
extension RooflineExperiment {
  func runDevice(_ session: ExperimentSession) throws -> ExperimentReport {
    guard let peak else { preconditionFailure("the OpenCL roofline runs with its peak experiment") }
    let peakReport = try peak.run(session)
    let ceilings: [(String, Double)] = ["float32", "float64"].compactMap { dtype in
      peakReport.figures.first { $0.name == "\(dtype)_gflops" }.map { (dtype, $0.value) }
    }
    let info = session.device.device.info
    let gpu = info.type.contains("gpu")
    // Enough work-items to keep every unit streaming: 4 full groups per unit on a GPU, reading
    // interleaved; on a CPU device 16 groups of 64 per unit, each work-item one contiguous block.
    let items = max(info.computeUnits, 1) * (gpu ? max(info.maxWorkGroupSize, 64) * 4 : 64 * 16)
    let group = min(gpu ? 256 : 64, max(info.maxWorkGroupSize, 1))
    let global = max(group, items / group * group)
    let largest = levels.map(\.bytes).max() ?? 0
    let input = try session.buffer(bytes: max(largest, localFloats * 4), access: .readOnly)
    try session.setup { () throws -> Void in try session.upload([Float](repeating: 1, count: max(largest, localFloats * 4) / 4), to: input) }
    if gpu {
      session.flag(
        SanityFlag(
          .constantInput, .info, subject: "the read buffers",
          "The read buffers hold ones (so that the sums verify the reads): a GPU that compresses memory could move fewer bytes than counted."
        ))
    }
    let out = try session.buffer(bytes: global * 4, access: .writeOnly)
    let readGlobal = try session.kernel(gpu ? "read_global" : "read_global_blocks", source: RooflineKernelSource.source)
    let readLocal = try session.kernel(
      "read_local", source: RooflineKernelSource.source, options: "-DLOCAL_N=\(localFloats)")
    var readings: [Reading] = []
    for level in levels {
      let kernel: OpenCL.Kernel
      let bytesPerPass: Double
      let perItemPerPass: Double
      if level.bytes == 0 {  // local memory: every group reads its tile
        kernel = readLocal
        bytesPerPass = Double(global / group) * Double(localFloats * 4)
        perItemPerPass = Double((localFloats + group - 1) / group)
        try kernel.setArgument(0, input)
        try kernel.setArgument(2, out)
      } else {
        kernel = readGlobal
        bytesPerPass = Double(level.bytes)
        perItemPerPass = Double(level.bytes / 16) / Double(global) * 4
        try kernel.setArgument(0, input)
        try kernel.setArgument(1, Int32(level.bytes / 16))
        try kernel.setArgument(3, out)
      }
      // Launches of about 20 ms at (a generous guess at) the level's rate; sums stay exact in float.
      let guess = bytesPerSecondEstimate * (level.isMemory ? 1 : level.bytes == 0 ? 16 : 4)
      let exactPasses = Int(Double(1 << 23) / max(perItemPerPass, 1))
      let passes = max(1, min(Int(0.02 * guess / bytesPerPass), exactPasses, 1 << 20))
      try kernel.setArgument(level.bytes == 0 ? 1 : 2, Int32(passes))
      let measurement = try session.measure(
        "read \(level.name)\(level.bytes > 0 ? ", \(Format.bytes(level.bytes))" : "")", clock: .device,
        includes: "kernel execution only (profiling events): \(passes) pass\(passes == 1 ? "" : "es") by \(global) work-items",
        repeats: repeats
      ) { try session.launch(kernel, global: (global, 1), local: (group, 1)) }
      let sums: [Float] = try session.download(out, count: global)
      let expected = bytesPerPass / 4 * Double(passes)
      let verified = session.verifying { abs(sums.reduce(0.0) { $0 + Double($1) } - expected) <= 1e-6 * expected }
      readings.append(
        Reading(
          level: level, gbPerSecond: bytesPerPass * Double(passes) / measurement.reportedSeconds / 1e9, verified: verified))
    }
    return report(
      ceilings: ceilings, readings: readings, verified: peakReport.verification.passed,
      ceilingSource: "peak's FMA chains on the device", device: session.deviceDescription)
  }
}
