extension MatmulRunner {
  /// Checks a spec completely: its shape (``MatmulSpec/validateShape(limits:)``), that the
  /// backend is available, that the device exists and does float64 if asked, and that the
  /// memory estimate fits the budget and the device's largest allocation.
  public func validate(_ spec: MatmulSpec) throws(ComputeError) {
    let limits = configuration.limits
    try spec.validateShape(limits: limits)
    if spec.backend == .opencl {
      if case .unavailable(let reason) = openCL.availability {
        throw ComputeError(
          .backendUnavailable, field: "backend", message: "backend opencl is unavailable: \(reason)",
          available: availableBackends.map(\.rawValue))
      }
      try Self.checkDevice(
        for: spec, devices: openCL.devices.map(\.info), defaultIndex: openCL.defaultDeviceIndex ?? 0)
    }
    if spec.backend == .cuda { try checkCUDA(spec) }
    let estimate = spec.estimatedMemory()
    if estimate.totalBytes > limits.memoryBudgetBytes {
      throw ComputeError(
        .memoryBudgetExceeded,
        message: "the job needs about \(estimate.totalBytes) bytes (host \(estimate.hostBytes), device \(estimate.deviceBytes)); the memory budget is \(limits.memoryBudgetBytes) bytes",
        limit: limits.memoryBudgetBytes)
    }
  }

  /// The CUDA checks: CUDA loaded, the device exists, float8 only from compute capability 8.9
  /// (Ada, Hopper) and with cuBLASLt, 32-bit sizes for cuBLAS.
  func checkCUDA(_ spec: MatmulSpec) throws(ComputeError) {
    if case .unavailable(let reason) = cuda.availability {
      throw ComputeError(
        .backendUnavailable, field: "backend", message: "backend cuda is unavailable: \(reason)",
        available: availableBackends.map(\.rawValue))
    }
    let devices = cuda.devices
    let index = spec.device ?? 0
    guard devices.indices.contains(index) else {
      throw ComputeError(
        .unknownDevice, field: "device", message: "no CUDA device \(index); CUDA devices are numbered 0..<\(devices.count)",
        available: devices.map { "\($0.index)" })
    }
    if spec.precision == .float8 {
      guard devices[index].capability >= 8.9 else {
        throw ComputeError(
          .invalidValue, field: "dtype",
          message:
            "float8 (e4m3) needs compute capability 8.9 or newer (Ada, Hopper); CUDA device \(index) (\(devices[index].name)) is \(devices[index].computeCapability)",
          available: MatmulPrecision.allCases.filter { $0 != .float8 }.map(\.rawValue))
      }
      guard cuda.hasCublasLt else {
        throw ComputeError(
          .backendUnavailable, field: "dtype", message: "float8 needs cuBLASLt (libcublasLt.so), which was not found",
          available: MatmulPrecision.allCases.filter { $0 != .float8 }.map(\.rawValue))
      }
      for (field, value) in [("m", spec.m), ("n", spec.n), ("k", spec.k)] where value % 16 != 0 {
        throw ComputeError(
          .invalidValue, field: field,
          message: "cuBLASLt's float8 kernels need m, n and k multiples of 16; \(field) is \(value)")
      }
    }
  }

  /// The OpenCL device checks, on what the devices reported: the index exists, float64 is
  /// supported if asked, each matrix fits 32-bit kernel indexing and the device's largest allocation.
  static func checkDevice(
    for spec: MatmulSpec, devices: [OpenCL.DeviceInfo], defaultIndex: Int
  ) throws(ComputeError) {
    let index = spec.device ?? defaultIndex
    guard devices.indices.contains(index) else {
      throw ComputeError(
        .unknownDevice, field: "device",
        message: "no OpenCL device \(index); devices are numbered 0..<\(devices.count)",
        available: devices.map { "\($0.index)" })
    }
    let info = devices[index]
    if spec.dtype == .float64, !info.fp64 {
      throw ComputeError(
        .fp64Unsupported, field: "dtype",
        message: "OpenCL device \(index) (\(info.name)) has no float64 support (no cl_khr_fp64); use float32")
    }
    let largest = max(
      spec.m.multipliedClamped(spec.k), spec.k.multipliedClamped(spec.n), spec.m.multipliedClamped(spec.n))
    guard largest <= Int(Int32.max) else {
      throw ComputeError(
        .dimensionTooLarge, message: "a matrix of \(largest) elements is too large for 32-bit kernel indexing",
        limit: Int(Int32.max))
    }
    let largestBytes = largest.multipliedClamped(spec.dtype.byteCount)
    if info.maxAllocationBytes > 0, largestBytes > info.maxAllocationBytes {
      throw ComputeError(
        .memoryBudgetExceeded,
        message: "a \(largestBytes)-byte matrix exceeds device \(index)'s largest allocation of \(info.maxAllocationBytes) bytes",
        limit: info.maxAllocationBytes)
    }
  }
}
