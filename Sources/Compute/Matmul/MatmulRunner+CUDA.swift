import CCUDA

#if canImport(Glibc)
  import Glibc
#endif

// The CUDA backend: the inputs converted on the host to the precision's input type, copied once
// (timed with CUDA events), multiplied by cuBLAS (cuBLASLt for float8) after one untimed warm-up,
// each repeat timed with CUDA events around the library call, and C copied back once.
extension MatmulRunner {
  func runCUDA<T: MatmulScalar>(
    _ spec: MatmulSpec, a: [T], b: [T], token: CancellationToken, meter: inout ProgressMeter
  ) throws -> BackendRun<T> {
    let index = spec.device ?? 0
    let device = cuda.devices[index]
    try CUDACall.check(hl_cuda_use_device(Int32(index)))
    let precision = spec.precision
    let aBytes = CUDAInputs.encode(a, as: precision)
    // cuBLASLt's float8 kernels take B transposed ("TN"): n×k row-major.
    let bBytes =
      precision == .float8
      ? CUDAInputs.encode(CUDAInputs.transposed(b, rows: spec.k, columns: spec.n), as: precision)
      : CUDAInputs.encode(b, as: precision)
    let aDevice = try CUDABuffer(bytes: aBytes.count)
    let bDevice = try CUDABuffer(bytes: bBytes.count)
    let cDevice = try CUDABuffer(bytes: spec.m * spec.n * MemoryLayout<T>.stride)
    let hostToDevice = try aDevice.upload(aBytes) + bDevice.upload(bBytes)

    try token.check()
    var milliseconds = [Float](repeating: 0, count: spec.repeats)
    let watch = Stopwatch()
    try CUDACall.check(
      hl_cuda_gemm(
        CUDAInputs.mode(precision), Int32(spec.m), Int32(spec.n), Int32(spec.k), aDevice.pointer, bDevice.pointer,
        cDevice.pointer,
        Int32(spec.repeats), &milliseconds))
    let callSeconds = watch.seconds
    meter.advance(by: Double(spec.repeats + 1) * Double(spec.multiplyAdds))
    try token.check()

    let (c, deviceToHost) = try cDevice.download(count: spec.m * spec.n, as: T.self)
    let kernelSeconds = milliseconds.map { Double($0) / 1000 }
    let timings = MatmulTimings(
      buildSeconds: nil, buildCached: nil, hostToDeviceSeconds: hostToDevice, deviceToHostSeconds: deviceToHost,
      warmupSeconds: max(callSeconds - kernelSeconds.reduce(0, +), 0), kernelSeconds: kernelSeconds,
      computeSeconds: kernelSeconds, wallSeconds: kernelSeconds, compute: TimingStats(kernelSeconds),
      wall: TimingStats(kernelSeconds), referenceSeconds: 0, launchesPerRepeat: 1, totalSeconds: 0,
      concurrentJobs: [],
      layout:
        "inputs converted on the host to \(CUDAInputs.inputType(precision)) before the copy (in no timing)\(precision == .float8 ? ", B transposed for cuBLASLt's TN float8 kernels" : ""); each repeat timed with CUDA events around the library call after one untimed warm-up (warmup_seconds is the host time of the whole call less the repeats); wall_seconds are the event times")
    return BackendRun(
      c: c, timings: timings, kernel: precision == .float8 ? "cublasLtMatmul" : "cublasGemmEx",
      kernelConfig: CUDAInputs.describe(precision), device: device.name, deviceIndex: index)
  }
}

/// A failed CUDA call, as a ``ComputeError`` with the library's own words.
enum CUDACall {
  static func check(_ status: Int32) throws(ComputeError) {
    guard status != 0 else { return }
    throw ComputeError(.deviceFailure, message: "CUDA: \(String(cString: hl_cuda_last_error()))")
  }
}

/// Host-side conversion of the inputs to each precision's type, and how cuBLAS is asked to run it.
enum CUDAInputs {
  static func mode(_ precision: MatmulPrecision) -> hl_gemm_mode {
    switch precision {
    case .float32: HL_GEMM_FLOAT32
    case .tf32: HL_GEMM_TF32
    case .float16: HL_GEMM_FLOAT16
    case .bfloat16: HL_GEMM_BFLOAT16
    case .float64: HL_GEMM_FLOAT64
    case .float8: HL_GEMM_FLOAT8
    }
  }

  static func inputType(_ precision: MatmulPrecision) -> String {
    switch precision {
    case .float32, .tf32: "float32 (CUDA_R_32F)"
    case .float16: "float16 (CUDA_R_16F)"
    case .bfloat16: "bfloat16 (CUDA_R_16BF)"
    case .float64: "float64 (CUDA_R_64F)"
    case .float8: "float8 e4m3 (CUDA_R_8F_E4M3)"
    }
  }

  /// What ran, for `kernel_config`: inputs, compute type, output and the units that do the work.
  static func describe(_ precision: MatmulPrecision) -> String {
    switch precision {
    case .float32:
      getenv("NVIDIA_TF32_OVERRIDE").map { String(cString: $0) } == "1"
        ? "inputs CUDA_R_32F, compute CUBLAS_COMPUTE_32F, output CUDA_R_32F: NVIDIA_TF32_OVERRIDE=1 is set, so cuBLAS may use TF32 Tensor Cores here"
        : "inputs CUDA_R_32F, compute CUBLAS_COMPUTE_32F, default math mode, output CUDA_R_32F: CUDA cores, TF32 not allowed"
    case .tf32:
      "inputs CUDA_R_32F, compute CUBLAS_COMPUTE_32F_FAST_TF32, output CUDA_R_32F: Tensor Cores, inputs rounded to TF32"
    case .float16: "inputs CUDA_R_16F, compute CUBLAS_COMPUTE_32F, output CUDA_R_32F: Tensor Cores, float32 accumulation"
    case .bfloat16:
      "inputs CUDA_R_16BF, compute CUBLAS_COMPUTE_32F, output CUDA_R_32F: Tensor Cores, float32 accumulation"
    case .float64: "inputs CUDA_R_64F, compute CUBLAS_COMPUTE_64F, output CUDA_R_64F: FP64 units or FP64 Tensor Cores"
    case .float8:
      "cuBLASLt, inputs CUDA_R_8F_E4M3 (A·Bᵀ as TN), compute CUBLAS_COMPUTE_32F, output CUDA_R_32F: FP8 Tensor Cores"
    }
  }

  /// The values' bytes in the precision's input type.
  static func encode<T: BinaryFloatingPoint>(_ values: [T], as precision: MatmulPrecision) -> [UInt8] {
    switch precision {
    case .float64: return values.map { Double($0) }.withUnsafeBytes { Array($0) }
    case .float32, .tf32: return values.map { Float($0) }.withUnsafeBytes { Array($0) }
    case .float16: return values.map { Float16(Float($0)) }.withUnsafeBytes { Array($0) }
    case .bfloat16: return values.map { bfloat16(Float($0)) }.withUnsafeBytes { Array($0) }
    case .float8: return values.map { e4m3(Float($0)) }
    }
  }

  /// `rows`×`columns` row-major → `columns`×`rows` row-major.
  static func transposed<T>(_ values: [T], rows: Int, columns: Int) -> [T] {
    guard let first = values.first else { return values }
    var out = [T](repeating: first, count: values.count)
    for i in 0..<rows { for j in 0..<columns { out[j * rows + i] = values[i * columns + j] } }
    return out
  }

  /// bfloat16 bits of `value`: its upper 16 bits, rounded to nearest, ties to even (finite inputs).
  static func bfloat16(_ value: Float) -> UInt16 {
    let bits = value.bitPattern
    let rounding: UInt32 = 0x7FFF + ((bits >> 16) & 1)
    return UInt16(truncatingIfNeeded: (bits &+ rounding) >> 16)
  }

  /// FP8 E4M3 (OCP "E4M3FN": bias 7, no infinities, largest 448) bits of `value`, rounded to
  /// nearest even and saturated to ±448.
  static func e4m3(_ value: Float) -> UInt8 {
    let sign: UInt8 = value.sign == .minus ? 0x80 : 0
    let magnitude = min(abs(value), 448)
    guard magnitude > 0, magnitude.isFinite else { return sign }
    // Subnormals step by 2⁻⁹; normals have 3 mantissa bits above 2^exponent.
    let exponent = max(Int(magnitude.exponent), -6)
    let step = Float(sign: .plus, exponent: exponent - 3, significand: 1)
    var units = Int((magnitude / step).rounded(.toNearestOrEven))  // 8…16 for normals, 0…8 below
    var biased = exponent + 7
    if units == 16 {
      units = 8
      biased += 1
    }
    if units < 8 {  // subnormal (biased exponent field 0)
      return sign | UInt8(units)
    }
    if biased > 15 || (biased == 15 && units - 8 == 7) { return sign | 0x7E }  // 448: 0x7F is NaN
    return sign | UInt8(biased << 3) | UInt8(units - 8)
  }

  /// The value of E4M3 bits (for tests and for the reference of what the device saw).
  static func decodeE4M3(_ bits: UInt8) -> Float {
    let sign: Float = bits & 0x80 != 0 ? -1 : 1
    let biased = Int((bits >> 3) & 0xF)
    let mantissa = Float(bits & 0x7)
    if biased == 0 { return sign * mantissa * 0x1p-9 }
    return sign * (1 + mantissa / 8) * Float(sign: .plus, exponent: biased - 7, significand: 1)
  }
}
