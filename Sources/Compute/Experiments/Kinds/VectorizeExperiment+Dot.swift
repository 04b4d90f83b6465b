import COpenBLAS

// The dot product four ways.
extension VectorizeExperiment {
  func runDot(_ x: [Double], _ y: [Double], session: ExperimentSession) throws -> ExperimentReport {
    let boxedX = session.setup { x.map { BoxedDouble($0) as any DynamicNumber } }
    let boxedY = session.setup { y.map { BoxedDouble($0) as any DynamicNumber } }
    var results: [String: Double] = [:]
    let includes = "the loop only; inputs already in memory (boxed inputs built beforehand)"
    let n = self.n
    func time(_ method: String, _ body: () throws -> Double) throws -> Double {
      try session.measure("\(method) dot, n = \(n)", clock: .host, includes: includes, repeats: repeats) {
        results[method] = try body()
        return nil
      }.reportedSeconds / Double(n) * 1e9
    }
    let interpreterNs = try time("interpreter") { try Self.interpretedDot(boxedX, boxedY, token: session.token) }
    let (loopNs, simdNs, blasNs) = try x.withUnsafeBufferPointer { x in
      try y.withUnsafeBufferPointer { y in
        (
          try time("loop") { Self.loopDot(x, y) },
          try time("simd") { Self.simdDot(x, y) },
          try time("blas") { cblas_ddot(blasint(n), x.baseAddress, 1, y.baseAddress, 1) }
        )
      }
    }
    let reference = session.verifying { Self.compensatedDot(x, y) }
    let errors = results.mapValues { abs($0 - reference) / abs(reference) }
    let worst = errors.values.max() ?? 0
    let tolerance = 1e-12
    let detail = ["interpreter", "loop", "simd", "blas"].map { "\($0) \(Format.number(errors[$0] ?? .nan))" }.joined(
      separator: ", ")
    return report(
      times: (interpreterNs, loopNs, simdNs, blasNs), blasName: "cblas_ddot",
      verification: ExperimentVerification(
        method: "each method's dot product compared with a compensated float64 dot product of the same vectors",
        passed: worst <= tolerance, maxError: worst, tolerance: tolerance,
        detail: "Relative differences from the reference: \(detail)."),
      session: session)
  }

  static func interpretedDot(_ x: [any DynamicNumber], _ y: [any DynamicNumber], token: CancellationToken)
    throws(ComputeError) -> Double
  {
    var total: any DynamicNumber = BoxedInt(0)  // Python's sum() starts from the int 0
    for i in 0..<x.count {
      if i & 0xFFFF == 0 { try token.check() }
      total = total.adding(x[i].multiplying(y[i]))
    }
    return total.doubleValue
  }

  static func loopDot(_ x: UnsafeBufferPointer<Double>, _ y: UnsafeBufferPointer<Double>) -> Double {
    var sum = 0.0
    for i in 0..<x.count { sum += x[i] * y[i] }
    return sum
  }

  /// Eight lanes of partial sums, so additions need not wait for each other and can use vector registers.
  static func simdDot(_ x: UnsafeBufferPointer<Double>, _ y: UnsafeBufferPointer<Double>) -> Double {
    let count = x.count
    let px = UnsafeRawPointer(x.baseAddress!)
    let py = UnsafeRawPointer(y.baseAddress!)
    var lanes = SIMD8<Double>()
    var i = 0
    while i + 8 <= count {
      let vx = px.loadUnaligned(fromByteOffset: i * 8, as: SIMD8<Double>.self)
      let vy = py.loadUnaligned(fromByteOffset: i * 8, as: SIMD8<Double>.self)
      lanes += vx * vy
      i += 8
    }
    var sum = lanes.sum()
    while i < count {
      sum += x[i] * y[i]
      i += 1
    }
    return sum
  }

  static func compensatedDot(_ x: [Double], _ y: [Double]) -> Double {
    var sum = 0.0
    var compensation = 0.0
    for i in 0..<x.count {
      let product = x[i] * y[i]
      let t = sum + product
      compensation += abs(sum) >= abs(product) ? (sum - t) + product : (product - t) + sum
      sum = t
    }
    return sum + compensation
  }
}
