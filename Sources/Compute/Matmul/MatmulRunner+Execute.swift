extension MatmulRunner {
  /// What a backend's run produced, before the reference and summary.
  struct BackendRun<T: MatmulScalar> {
    var c: [T]
    var timings: MatmulTimings
    var kernel: String
    var kernelConfig: String?
    var device: String
    var deviceIndex: Int?
  }

  func execute<T: MatmulScalar>(
    _ spec: MatmulSpec, as _: T.Type, token: CancellationToken, meter: inout ProgressMeter
  ) throws -> MatmulOutcome {
    let (aMatrix, bMatrix): (Matrix, Matrix)
    switch spec.inputs {
    case .seeded(let seed):
      (aMatrix, bMatrix) = Matrix.seededInputs(m: spec.m, k: spec.k, n: spec.n, dtype: spec.dtype, seed: seed)
    case .explicit(let a, let b):
      (aMatrix, bMatrix) = (Matrix(nestedRows: a, dtype: spec.dtype), Matrix(nestedRows: b, dtype: spec.dtype))
    }
    let a = T.elements(of: aMatrix)
    let b = T.elements(of: bMatrix)

    var run: BackendRun<T>
    switch spec.backend {
    case .blas: run = try runBLAS(spec, a: a, b: b, token: token, meter: &meter)
    case .cpuNaive: run = try runNaive(spec, a: a, b: b, token: token, meter: &meter)
    case .opencl: run = try runOpenCL(spec, a: a, b: b, token: token, meter: &meter)
    case .cuda: run = try runCUDA(spec, a: a, b: b, token: token, meter: &meter)
    }

    let referenceWatch = Stopwatch()
    let reference: [Double]
    if spec.backend == .blas, let exact = run.c as? [Double] {
      // The float64 BLAS run *is* the reference computation; do not repeat it.
      reference = exact
      meter.advance(by: Double(spec.multiplyAdds))
    } else {
      reference = try referenceProduct(
        spec, a: aMatrix.doubles, b: bMatrix.doubles, token: token, meter: &meter)
    }
    run.timings.referenceSeconds = referenceWatch.seconds

    let summary = summarize(spec, run: run, reference: reference)
    return MatmulOutcome(timings: run.timings, summary: summary, c: T.matrix(rows: spec.m, columns: spec.n, run.c))
  }

  /// R = A·B in float64 with `cblas_dgemm`, split like the BLAS backend so it stays cancellable.
  func referenceProduct(
    _ spec: MatmulSpec, a: [Double], b: [Double], token: CancellationToken, meter: inout ProgressMeter
  ) throws -> [Double] {
    var r = [Double](repeating: 0, count: spec.m * spec.n)
    let blocks = WorkSplit.blocks(m: spec.m, n: spec.n, k: spec.k, budget: configuration.blasBlockMultiplyAdds)
    try a.withUnsafeBufferPointer { a in
      try b.withUnsafeBufferPointer { b in
        try r.withUnsafeMutableBufferPointer { r in
          for block in blocks {
            try token.check()
            Double.blasBlock(
              rows: block.rows, columns: block.columns, k: spec.k, n: spec.n,
              a: a.baseAddress!, b: b.baseAddress!, c: r.baseAddress!)
            meter.advance(by: Double(block.rows.count * block.columns.count * spec.k))
          }
        }
      }
    }
    return r
  }

  func summarize<T: MatmulScalar>(_ spec: MatmulSpec, run: BackendRun<T>, reference: [Double]) -> MatmulSummary {
    var maxAbs = 0.0
    var maxReference = 0.0
    var checksum = 0.0
    var hash = fnv1aOffsetBasis
    for (value, expected) in zip(run.c, reference) {
      let widened = Double(value)
      maxAbs = Swift.max(maxAbs, abs(widened - expected))
      maxReference = Swift.max(maxReference, abs(expected))
      checksum += widened
      value.hash(into: &hash)
    }
    let best = run.timings.computeSeconds.min() ?? 0
    let flops = 2 * Double(spec.m) * Double(spec.n) * Double(spec.k)
    let hex = String(hash, radix: 16)
    return MatmulSummary(
      m: spec.m, k: spec.k, n: spec.n, dtype: spec.dtype, precision: spec.precision, backend: spec.backend,
      kernel: run.kernel,
      kernelConfig: run.kernelConfig, device: run.device, deviceIndex: run.deviceIndex, repeats: spec.repeats,
      seed: spec.seed, gflops: best > 0 ? flops / best / 1e9 : 0, maxAbsError: maxAbs,
      maxRelError: maxReference > 0 ? maxAbs / maxReference : 0, checksum: checksum,
      hash: "fnv1a64:" + String(repeating: "0", count: 16 - hex.count) + hex)
  }

  /// Timings for host backends, where each repeat's compute time is its wall time.
  static func hostTimings(warmup: Double, repeats: [Double], pieces: Int) -> MatmulTimings {
    MatmulTimings(
      buildSeconds: nil, buildCached: nil, hostToDeviceSeconds: nil, deviceToHostSeconds: nil,
      warmupSeconds: warmup, kernelSeconds: nil, computeSeconds: repeats, wallSeconds: repeats,
      compute: TimingStats(repeats), wall: TimingStats(repeats), referenceSeconds: 0,
      launchesPerRepeat: pieces, totalSeconds: 0, concurrentJobs: [])
  }
}
