/// How one of our kernels runs on one device: the built program's kernel object, the
/// work-group shape that fits the device, and how a block of C maps to a global range.
struct OpenCLMatmulPlan {
  /// The kernel, arguments 0–9 as described in `MatmulKernelSource`.
  let kernel: OpenCL.Kernel
  /// Work-items per work-group along (columns, rows); `nil` lets the driver choose (naive).
  let local: (Int, Int)?
  /// Output (columns, rows) covered by one work-group.
  let tile: (Int, Int)
  /// Program builds: cached only if every build tried came from the cache; seconds summed.
  let build: OpenCL.ProgramCache.Build
  /// Build options and work-group shape, for the summary.
  let configuration: String

  /// The global range for a block of `rows`×`columns` outputs.
  func globalSize(rows: Int, columns: Int) -> (Int, Int) {
    guard let local else { return (columns, rows) }
    let groupsAcross = (columns + tile.0 - 1) / tile.0
    let groupsDown = (rows + tile.1 - 1) / tile.1
    return (groupsAcross * local.0, groupsDown * local.1)
  }

  /// A tile configuration to try, largest first.
  struct Candidate {
    var options: String
    var local: (Int, Int)?
    var tile: (Int, Int)
    var localMemoryBytes: Int
    var describe: String
  }

  static func candidates(for kernel: MatmulKernel, dtype: DType) -> [Candidate] {
    let size = dtype.byteCount
    switch kernel {
    case .auto:
      return []  // `auto` runs the tunable kernel (XgemmExecutor), not a plan
    case .naive:
      return [Candidate(options: "", local: nil, tile: (1, 1), localMemoryBytes: 0, describe: "local=driver")]
    case .tiled:
      return [16, 8, 4, 2, 1].map { ts in
        Candidate(
          options: "-DTS=\(ts)", local: (ts, ts), tile: (ts, ts), localMemoryBytes: 2 * ts * ts * size,
          describe: "TS=\(ts) local=\(ts)x\(ts)")
      }
    case .blocked:
      // (TSM, TSN, TSK, WPTM); each work-item computes WPTM rows × 8 columns.
      // 128, 64, 16 and 1 work-items per group, largest first.
      let shapes = [(64, 128, 16, 8), (32, 64, 16, 4), (16, 32, 8, 4), (4, 8, 4, 4)]
      return shapes.map { tsm, tsn, tsk, wptm in
        let local = (tsn / 8, tsm / wptm)
        return Candidate(
          options: "-DTSM=\(tsm) -DTSN=\(tsn) -DTSK=\(tsk) -DWPTM=\(wptm)",
          local: local, tile: (tsn, tsm), localMemoryBytes: (tsm + tsn) * tsk * size,
          describe: "TSM=\(tsm) TSN=\(tsn) TSK=\(tsk) WPTM=\(wptm) WPTN=8 local=\(local.0)x\(local.1)")
      }
    }
  }

  static func source(for kernel: MatmulKernel) -> (source: String, function: String) {
    switch kernel {
    case .naive: (MatmulKernelSource.naive, "matmul_naive")
    case .tiled: (MatmulKernelSource.tiled, "matmul_tiled")
    case .blocked, .auto: (MatmulKernelSource.blocked, "matmul_blocked")
    }
  }

  /// Builds (or takes from the cache) the largest configuration that fits the device's limits:
  /// work-group size and per-dimension work-item sizes, local memory, and after the build the
  /// kernel's own `CL_KERNEL_WORK_GROUP_SIZE`, and `maxWorkGroupSize` when given.
  static func make(
    kernel kind: MatmulKernel, dtype: DType, runtime: OpenCLBackend.DeviceRuntime, maxWorkGroupSize: Int? = nil
  ) throws(OpenCLError) -> OpenCLMatmulPlan {
    let info = runtime.device.info
    let (source, function) = source(for: kind)
    let precision = dtype == .float64 ? "-DUSE_DOUBLE" : ""
    var buildSeconds = 0.0
    var allCached = true
    for candidate in candidates(for: kind, dtype: dtype) {
      if let local = candidate.local {
        let itemSizes = info.maxWorkItemSizes + [Int.max, Int.max]
        guard local.0 * local.1 <= min(info.maxWorkGroupSize, maxWorkGroupSize ?? .max),
          local.0 <= itemSizes[0], local.1 <= itemSizes[1],
          candidate.localMemoryBytes <= info.localMemoryBytes
        else { continue }
      }
      let options = [precision, candidate.options].filter { !$0.isEmpty }.joined(separator: " ")
      let (program, build) = try runtime.programs.program(for: runtime.context, source: source, options: options)
      buildSeconds += build.seconds
      allCached = allCached && build.cached
      let made = try program.makeKernel(named: function)
      if let local = candidate.local, try made.maxWorkGroupSize < local.0 * local.1 { continue }
      return OpenCLMatmulPlan(
        kernel: made, local: candidate.local, tile: candidate.tile,
        build: .init(cached: allCached, seconds: buildSeconds),
        configuration: candidate.describe)
    }
    throw OpenCLError(status: -54, call: "no \(kind.rawValue) work-group shape fits \(info.name)")  // CL_INVALID_WORK_GROUP_SIZE
  }
}

@available(*, unavailable)
extension OpenCLMatmulPlan: Sendable {}
