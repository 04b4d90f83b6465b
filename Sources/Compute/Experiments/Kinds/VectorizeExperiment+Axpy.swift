import COpenBLAS

// y ← a·x + y four ways.
extension VectorizeExperiment {
  func runAxpy(_ x: [Double], _ y0: [Double], session: ExperimentSession) throws -> ExperimentReport {
    let n = self.n
    let a = Self.a
    let boxedX = session.setup { x.map { BoxedDouble($0) as any DynamicNumber } }
    let includes = "the loop only; y reset from a copy before each run, untimed"
    var outputs: [String: [Double]] = [:]
    /// Times `body` on a fresh copy of y0 (copied element by element into a buffer that stays
    /// unique, so no copy-on-write happens inside the timed region).
    func time(_ method: String, _ body: (UnsafeMutableBufferPointer<Double>) -> Void) throws -> Double {
      var y = y0
      let measurement = try session.measure(
        "\(method) axpy, n = \(n)", clock: .host, includes: includes, repeats: repeats
      ) {
        y.withUnsafeMutableBufferPointer { target in
          y0.withUnsafeBufferPointer { target.baseAddress!.update(from: $0.baseAddress!, count: n) }
        }
        let watch = Stopwatch()
        y.withUnsafeMutableBufferPointer { body($0) }
        return watch.seconds
      }
      outputs[method] = y
      return measurement.reportedSeconds / Double(n) * 1e9
    }
    var boxedY: [any DynamicNumber] = []
    let interpreterNs =
      try session.measure(
        "interpreter axpy, n = \(n)", clock: .host,
        includes: "the loop only; boxed y rebuilt from y0 before each run, untimed",
        repeats: repeats
      ) {
        boxedY = y0.map { BoxedDouble($0) as any DynamicNumber }
        let watch = Stopwatch()
        try Self.interpretedAxpy(a, boxedX, &boxedY, token: session.token)
        return watch.seconds
      }.reportedSeconds / Double(n) * 1e9
    outputs["interpreter"] = boxedY.map(\.doubleValue)
    let (loopNs, simdNs, blasNs) = try x.withUnsafeBufferPointer { x in
      (
        try time("loop") { Self.loopAxpy(a, x, $0) },
        try time("simd") { Self.simdAxpy(a, x, $0) },
        try time("blas") { cblas_daxpy(blasint(n), a, x.baseAddress, 1, $0.baseAddress, 1) }
      )
    }
    // The reference: y0 + a·x once, in plain float64 (BLAS may fuse the multiply-add: 1 ulp apart).
    let (worst, detail) = session.verifying { () -> (Double, String) in
      var worst = 0.0
      var perMethod: [String] = []
      for method in ["interpreter", "loop", "simd", "blas"] {
        let output = outputs[method] ?? []
        var methodWorst = output.count == n ? 0.0 : .infinity
        for i in 0..<min(output.count, n) {
          let expected = a * x[i] + y0[i]
          methodWorst = max(methodWorst, abs(output[i] - expected) / abs(expected))
        }
        worst = max(worst, methodWorst)
        perMethod.append("\(method) \(Format.number(methodWorst))")
      }
      return (worst, perMethod.joined(separator: ", "))
    }
    let tolerance = 4 * Double.ulpOfOne
    return report(
      times: (interpreterNs, loopNs, simdNs, blasNs), blasName: "cblas_daxpy",
      verification: ExperimentVerification(
        method: "each method's y compared element by element with a·x + y computed once in float64",
        passed: worst <= tolerance, maxError: worst, tolerance: tolerance,
        detail: "Largest relative difference per element: \(detail)."),
      session: session)
  }

  static func interpretedAxpy(
    _ a: Double, _ x: [any DynamicNumber], _ y: inout [any DynamicNumber], token: CancellationToken
  ) throws(ComputeError) {
    let boxedA: any DynamicNumber = BoxedDouble(a)
    for i in 0..<x.count {
      if i & 0xFFFF == 0 { try token.check() }
      y[i] = boxedA.multiplying(x[i]).adding(y[i])
    }
  }

  static func loopAxpy(_ a: Double, _ x: UnsafeBufferPointer<Double>, _ y: UnsafeMutableBufferPointer<Double>) {
    for i in 0..<x.count { y[i] = a * x[i] + y[i] }
  }

  static func simdAxpy(_ a: Double, _ x: UnsafeBufferPointer<Double>, _ y: UnsafeMutableBufferPointer<Double>) {
    let count = x.count
    let px = UnsafeRawPointer(x.baseAddress!)
    let py = UnsafeMutableRawPointer(y.baseAddress!)
    let va = SIMD8<Double>(repeating: a)
    var i = 0
    while i + 8 <= count {
      let vx = px.loadUnaligned(fromByteOffset: i * 8, as: SIMD8<Double>.self)
      let vy = py.loadUnaligned(fromByteOffset: i * 8, as: SIMD8<Double>.self)
      py.storeBytes(of: va * vx + vy, toByteOffset: i * 8, as: SIMD8<Double>.self)
      i += 8
    }
    while i < count {
      y[i] = a * x[i] + y[i]
      i += 1
    }
  }
}
