// The host backends: OpenBLAS and the plain triple loop.
extension MatmulRunner {
  func runBLAS<T: MatmulScalar>(
    _ spec: MatmulSpec, a: [T], b: [T], token: CancellationToken, meter: inout ProgressMeter
  ) throws -> BackendRun<T> {
    let blocks = WorkSplit.blocks(m: spec.m, n: spec.n, k: spec.k, budget: configuration.blasBlockMultiplyAdds)
    let (c, warmup, repeats) = try runOnHost(
      spec, a: a, b: b, blocks: blocks, token: token, meter: &meter, block: T.blasBlock)
    let corename = BLAS.info.corename.map { " \($0)" } ?? ""
    return BackendRun(
      c: c, timings: Self.hostTimings(warmup: warmup, repeats: repeats, pieces: blocks.count),
      kernel: T.dtype == .float32 ? "cblas_sgemm" : "cblas_dgemm", kernelConfig: nil,
      device: "host CPU (OpenBLAS\(corename))", deviceIndex: nil)
  }

  func runNaive<T: MatmulScalar>(
    _ spec: MatmulSpec, a: [T], b: [T], token: CancellationToken, meter: inout ProgressMeter
  ) throws -> BackendRun<T> {
    let blocks = WorkSplit.blocks(m: spec.m, n: spec.n, k: spec.k, budget: configuration.naiveBlockMultiplyAdds)
    let (c, warmup, repeats) = try runOnHost(
      spec, a: a, b: b, blocks: blocks, token: token, meter: &meter, block: T.naiveBlock)
    return BackendRun(
      c: c, timings: Self.hostTimings(warmup: warmup, repeats: repeats, pieces: blocks.count),
      kernel: "triple-loop", kernelConfig: nil, device: "host CPU", deviceIndex: nil)
  }

  /// Warm-up then `repeats` timed runs of `block` over `blocks`, checking `token` before each block.
  private func runOnHost<T: MatmulScalar>(
    _ spec: MatmulSpec, a: [T], b: [T], blocks: [WorkSplit.Block], token: CancellationToken,
    meter: inout ProgressMeter,
    block: (Range<Int>, Range<Int>, Int, Int, UnsafePointer<T>, UnsafePointer<T>, UnsafeMutablePointer<T>) -> Void
  ) throws -> (c: [T], warmup: Double, repeats: [Double]) {
    var c = [T](repeating: 0, count: spec.m * spec.n)
    var warmup = 0.0
    var repeats: [Double] = []
    try a.withUnsafeBufferPointer { a in
      try b.withUnsafeBufferPointer { b in
        try c.withUnsafeMutableBufferPointer { c in
          for run in 0...spec.repeats {
            let watch = Stopwatch()
            for piece in blocks {
              try token.check()
              block(piece.rows, piece.columns, spec.k, spec.n, a.baseAddress!, b.baseAddress!, c.baseAddress!)
              meter.advance(by: Double(piece.rows.count * piece.columns.count * spec.k))
            }
            if run == 0 { warmup = watch.seconds } else { repeats.append(watch.seconds) }
          }
        }
      }
    }
    return (c, warmup, repeats)
  }
}
