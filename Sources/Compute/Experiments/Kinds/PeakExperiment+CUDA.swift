import CCUDA

#if canImport(Glibc)
  import Glibc
#endif

// `peak` with `backend: "cuda"`: the FMA chains compiled with NVRTC (float32 and float64, CUDA
// cores) and question 7's WMMA kernel (half inputs, float accumulation, Tensor Cores) on one CUDA
// device, each timed with CUDA events and checked on the host.
extension PeakExperiment {
  /// The side of the square product the WMMA kernel multiplies.
  static let wmmaN = 2048

  static func lane(_ parameters: JobParameters, environment: ExperimentEnvironment) -> String {
    parameters.string("backend") == "cuda"
      ? "cuda:\(parameters.int("device"))" : environment.openCL.lane(device: parameters.int("device"))
  }

  /// Peak runs on either backend: blocked only when both are missing, and says which one is.
  static func unavailability(_ environment: ExperimentEnvironment) -> (blocked: String?, partly: String?) {
    switch (environment.openCL.availability, environment.cuda.availability) {
    case (.available, .available): (nil, nil)
    case (.available, .unavailable(let why)): (nil, "backend cuda is unavailable: \(why); backend opencl runs")
    case (.unavailable(let why), .available): (nil, "OpenCL is unavailable (\(why)); peak runs with backend cuda")
    case (.unavailable(let why), .unavailable): ("needs OpenCL, which is unavailable: \(why)", nil)
    }
  }

  static func checkCUDA(_ cuda: CUDABackend, device: Int) throws(ComputeError) {
    if case .unavailable(let reason) = cuda.availability {
      throw ComputeError(
        .backendUnavailable, field: "backend", message: "peak on cuda is unavailable: \(reason); use backend opencl",
        available: ["opencl"])
    }
    guard cuda.devices.indices.contains(device) else {
      throw ComputeError(
        .unknownDevice, field: "device", message: "no CUDA device \(device); CUDA devices are numbered 0..<\(cuda.devices.count)",
        available: cuda.devices.map { "\($0.index)" })
    }
    guard cuda.hasNVRTC else {
      throw ComputeError(
        .backendUnavailable, field: "backend",
        message: "peak on cuda compiles its kernels with NVRTC (libnvrtc.so), which was not found; \(cuda.searched)",
        available: ["opencl"])
    }
  }

  func runCUDA(_ session: ExperimentSession) throws -> ExperimentReport {
    let cuda = session.environment.cuda
    let index = deviceIndex
    let device = cuda.devices[index]
    try CUDACall.check(hl_cuda_use_device(Int32(index)))
    let architecture = "--gpu-architecture=compute_\(device.computeCapability.replacingOccurrences(of: ".", with: ""))"
    // Enough threads to fill every SM twice over (2048 resident threads per SM on recent parts).
    let threads = max(workItems, device.smCount * 2048 * 2) / 256 * 256
    var results: [Result] = []
    for dtype in dtypes {
      try session.check()
      let ptx = try CUDAProgram.compile(
        CUDAKernelSource.fmaChains,
        options: [architecture, "-DREAL=\(dtype == .float64 ? "double" : "float")", "-DCHAINS=\(chains)"])
      let out = try CUDABuffer(bytes: threads * dtype.byteCount)
      let measurement = try session.measure(
        "\(dtype.rawValue) FMA chains (NVRTC)", clock: .device,
        includes: "kernel execution only (CUDA events around the launch), \(threads) threads in blocks of 256",
        repeats: repeats
      ) {
        let seconds: [Double]
        if dtype == .float64 {
          seconds = try CUDAProgram.launch(
            ptx, "fma_chains", grid: (UInt32(threads / 256), 1), block: 256,
            arguments: [out.pointer, Int32(iterations), Self.a, Self.b])
        } else {
          seconds = try CUDAProgram.launch(
            ptx, "fma_chains", grid: (UInt32(threads / 256), 1), block: 256,
            arguments: [out.pointer, Int32(iterations), Float(Self.a), Float(Self.b)])
        }
        return seconds[0]
      }
      let flops = Double(threads) * 2 * Double(chains) * Double(iterations)
      let values: [Double] =
        dtype == .float64
        ? try out.download(count: threads).values : try out.download(count: threads, as: Float.self).values.map(Double.init)
      let check = session.verifying { closedFormCheck(values, dtype: dtype, width: 1) }
      session.advance()
      results.append(
        Result(
          dtype: dtype, width: 1, gflops: flops / measurement.reportedSeconds / 1e9, maxRelativeError: check.error,
          tolerance: check.tolerance))
    }
    let wmma = try runWMMA(session, device: device, architecture: architecture)
    return reportCUDA(results, wmma: wmma, device: device, threads: threads)
  }

  /// What question 7's WMMA kernel did, or why it did not run.
  enum WMMAOutcome {
    case ran(tflops: Double, maxRelativeError: Double)
    case notRun(String)
  }

  /// Question 7's kernel on n×n half inputs: TFLOP/s over the best repeat, and the error against a
  /// float64 product of the same half-rounded inputs (the accumulation's error alone).
  private func runWMMA(_ session: ExperimentSession, device: CUDADeviceInfo, architecture: String) throws -> WMMAOutcome {
    guard device.capability >= 7.0 else { return .notRun("WMMA needs compute capability 7.0 or newer") }
    let includes = CUDAProgram.includeDirectories(libraryPaths: session.environment.cuda.libraryPaths)
    let compiled = CUDAProgram.compileOrExplain(
      CUDAKernelSource.wmmaGEMM, options: [architecture] + includes.map { "-I\($0)" })
    guard let ptx = compiled.ptx else {
      return .notRun(
        "NVRTC could not compile it (it needs <mma.h> from a CUDA toolkit; searched \(includes.isEmpty ? "no include folder" : includes.joined(separator: ", "))): \(compiled.problem.prefix(300))")
    }
    let n = Self.wmmaN
    let (aMatrix, bMatrix) = session.setup { Matrix.seededInputs(m: n, k: n, n: n, dtype: .float32, seed: 7) }
    let aHalf = session.setup { Float.elements(of: aMatrix).map { Float16($0) } }
    // The kernel reads B column-major: Bᵀ row-major.
    let bHalf = session.setup {
      CUDAInputs.transposed(Float.elements(of: bMatrix), rows: n, columns: n).map { Float16($0) }
    }
    let a = try CUDABuffer(bytes: n * n * 2)
    let b = try CUDABuffer(bytes: n * n * 2)
    let c = try CUDABuffer(bytes: n * n * 4)
    try a.upload(aHalf)
    try b.upload(bHalf)
    let measurement = try session.measure(
      "WMMA GEMM \(n)×\(n)×\(n), half inputs, float accumulation", clock: .device,
      includes: "kernel execution only (CUDA events around the launch); grid \(n / 16)×\(n / 16) warps",
      repeats: repeats
    ) {
      try CUDAProgram.launch(
        ptx, "wmma_gemm", grid: (UInt32(n / 16), UInt32(n / 16)), block: 32,
        arguments: [a.pointer, b.pointer, c.pointer, Int32(n), Int32(n), Int32(n)])[0]
    }
    let result = try c.download(count: n * n, as: Float.self).values
    let error = try session.verifying { () throws -> Double in
      let aRounded = aHalf.map { Double($0) }
      let bRounded = (0..<(n * n)).map { Double(bHalf[($0 % n) * n + $0 / n]) }  // back to row-major B
      var reference = [Double](repeating: 0, count: n * n)
      aRounded.withUnsafeBufferPointer { a in
        bRounded.withUnsafeBufferPointer { b in
          reference.withUnsafeMutableBufferPointer { r in
            Double.blasBlock(rows: 0..<n, columns: 0..<n, k: n, n: n, a: a.baseAddress!, b: b.baseAddress!, c: r.baseAddress!)
          }
        }
      }
      let largest = reference.reduce(0) { max($0, abs($1)) }
      let worst = zip(result, reference).reduce(0.0) { max($0, abs(Double($1.0) - $1.1)) }
      return largest > 0 ? worst / largest : worst
    }
    session.advance()
    return .ran(tflops: 2 * Double(n * n) * Double(n) / measurement.reportedSeconds / 1e12, maxRelativeError: error)
  }

  func reportCUDA(_ results: [Result], wmma: WMMAOutcome, device: CUDADeviceInfo, threads: Int) -> ExperimentReport {
    var figures: [ExperimentFigure] = []
    let arch = DeviceProfile.nvidiaArchitectures[device.computeCapability]
    for result in results {
      figures.append(
        ExperimentFigure(
          name: "\(result.dtype.rawValue)_gflops", value: result.gflops, unit: "GFLOP/s",
          label: "\(result.dtype.rawValue) FMA throughput on the CUDA cores (2 flops per FMA)"))
      if device.clockMHz > 0, device.smCount > 0 {
        figures.append(
          ExperimentFigure(
            name: "\(result.dtype.rawValue)_flops_per_cycle_per_unit",
            value: result.gflops * 1e9 / (Double(device.smCount) * Double(device.clockMHz) * 1e6), unit: "flops/cycle",
            label: "\(result.dtype.rawValue) flops per cycle per SM at the reported \(device.clockMHz) MHz"))
      }
    }
    if let fp32 = results.first(where: { $0.dtype == .float32 }), let fp64 = results.first(where: { $0.dtype == .float64 }) {
      figures.append(
        ExperimentFigure(
          name: "fp32_to_fp64_ratio", value: fp32.gflops / fp64.gflops, unit: "×", label: "float32 rate over float64 rate"))
    }
    var summary =
      "On \(device.name) (\(device.smCount) SMs, compute capability \(device.computeCapability)), FMA chains compiled with NVRTC reached "
      + results.map { "\(Format.number($0.gflops)) GFLOP/s in \($0.dtype.rawValue)" }.joined(separator: " and ")
      + " on the CUDA cores (\(threads) threads). "
    if let arch, device.clockMHz > 0 {
      for result in results {
        let lanes = result.dtype == .float32 ? arch.1 : arch.2
        let peak = 2 * Double(lanes) * Double(device.smCount) * Double(device.clockMHz) * 1e6
        summary +=
          "\(result.dtype.rawValue) is \(Format.number(100 * result.gflops * 1e9 / peak))% of the \(Format.number(peak / 1e12)) TFLOP/s that \(lanes) lanes per SM give at \(device.clockMHz) MHz. "
      }
    }
    switch wmma {
    case .ran(let tflops, let error):
      figures.append(
        ExperimentFigure(
          name: "wmma_tflops", value: tflops, unit: "TFLOP/s",
          label: "question 7's WMMA kernel, half inputs and float accumulation on the Tensor Cores, n = \(Self.wmmaN)"))
      figures.append(
        ExperimentFigure(
          name: "wmma_max_rel_error", value: error, unit: "relative error",
          label: "WMMA result against float64 of the same half-rounded inputs (max-norm)"))
      if let fp32 = results.first(where: { $0.dtype == .float32 }) {
        figures.append(
          ExperimentFigure(
            name: "wmma_over_fp32_fma", value: tflops * 1e3 / fp32.gflops, unit: "×",
            label: "WMMA TFLOP/s over the float32 FMA rate"))
        summary +=
          "Question 7's WMMA kernel, which loads its fragments straight from global memory with no shared-memory staging, reached \(Format.number(tflops)) TFLOP/s with half inputs (\(Format.number(tflops * 1e3 / fp32.gflops))× the float32 FMA rate) at a max-norm error of \(Format.number(error)) against float64 of the same half inputs; cuBLAS (matmul with backend cuda, dtype float16) shows how far a tuned Tensor Core kernel goes. "
      }
    case .notRun(let why):
      summary += "Question 7's WMMA kernel did not run: \(why). "
    }
    let passed = results.allSatisfy { $0.maxRelativeError <= $0.tolerance }
    let wmmaDetail: String =
      switch wmma {
      case .ran(_, let error): " WMMA: max-norm relative error \(Format.number(error)) against float64 of the half-rounded inputs (float accumulation of n = \(Self.wmmaN) terms)."
      case .notRun: ""
      }
    return ExperimentReport(
      figures: figures, series: [],
      verification: ExperimentVerification(
        method:
          "every thread's output compared with the chain's closed form within its rounding-error bound; the WMMA product against a float64 BLAS product of the same half-rounded inputs",
        passed: passed, maxError: results.map(\.maxRelativeError).max(), tolerance: results.map(\.tolerance).min(),
        detail: results.map { "\($0.dtype.rawValue): largest relative error \(Format.number($0.maxRelativeError)), bound \(Format.number($0.tolerance))" }
          .joined(separator: "; ") + "." + wmmaDetail),
      device: "\(device.name) (CUDA device \(device.index), compute capability \(device.computeCapability))", summary: summary)
  }
}

/// NVRTC programs, device buffers and launches for the CUDA experiments.
enum CUDAProgram {
  /// PTX for `source`, or a ``ComputeError`` with NVRTC's log.
  static func compile(_ source: String, options: [String]) throws(ComputeError) -> String {
    var ptx: UnsafeMutablePointer<CChar>?
    var log = [CChar](repeating: 0, count: 8192)
    let status = withCStringArray(options) { pointers in
      hl_nvrtc_compile(source, pointers, Int32(options.count), &ptx, &log, log.count)
    }
    guard status == 0, let ptx else {
      let text = String(decoding: log.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
      throw ComputeError(.deviceFailure, message: "\(String(cString: hl_cuda_last_error())): \(text)")
    }
    defer { free(ptx) }
    return String(cString: ptx)
  }

  /// PTX, or nil and NVRTC's words.
  static func compileOrExplain(_ source: String, options: [String]) -> (ptx: String?, problem: String) {
    switch Result(catching: { () throws(ComputeError) -> String in try compile(source, options: options) }) {
    case .success(let ptx): (ptx, "")
    case .failure(let error): (nil, error.message)
    }
  }

  /// Folders with CUDA headers (for `<mma.h>`): next to each given library folder, a toolkit's
  /// `/usr/local/cuda/include`, `$CUDA_HOME/include`, and the pip wheels' `nvidia/cuda_runtime/include`.
  static func includeDirectories(libraryPaths: [String]) -> [String] {
    var candidates: [String] = []
    for path in libraryPaths {
      candidates += [path + "/../include", path + "/../../cuda_runtime/include", path + "/../../cuda_nvrtc/include"]
    }
    for variable in ["CUDA_HOME", "CUDA_PATH"] {
      if let value = getenv(variable) { candidates.append(String(cString: value) + "/include") }
    }
    candidates.append("/usr/local/cuda/include")
    return candidates.filter { access($0 + "/mma.h", R_OK) == 0 || access($0 + "/crt/mma.h", R_OK) == 0 }
  }

  /// Launches `function`: one untimed launch, then one timed with CUDA events; returns its seconds
  /// (the experiment's own warm-ups and repeats call this again).
  static func launch(
    _ ptx: String, _ function: String, grid: (UInt32, UInt32), block: UInt32, arguments: [any BitwiseCopyable]
  ) throws -> [Double] {
    func store<T: BitwiseCopyable>(_ value: T) -> UnsafeMutableRawPointer {
      let pointer = UnsafeMutableRawPointer.allocate(byteCount: max(MemoryLayout<T>.size, 8), alignment: 8)
      pointer.storeBytes(of: value, as: T.self)
      return pointer
    }
    let storage = arguments.map { store($0) }
    defer { storage.forEach { $0.deallocate() } }
    var pointers: [UnsafeMutableRawPointer?] = storage
    var milliseconds: [Float] = [0]
    try pointers.withUnsafeMutableBufferPointer { buffer in
      try CUDACall.check(
        hl_cuda_launch(ptx, function, grid.0, grid.1, block, buffer.baseAddress, 1, &milliseconds))
    }
    return milliseconds.map { Double($0) / 1000 }
  }
}
