import COpenBLAS

/// `vectorize`: one computation (a dot product, or y ← a·x + y) four ways: an interpreter-style
/// loop, a plain Swift loop, a SIMD loop, and OpenBLAS.
///
/// The interpreter-style loop is a *model* of what CPython does per element, not Python itself:
/// every number is a heap object reached through a protocol existential, every `*` and `+` is a
/// dynamically dispatched call that checks the other operand's type and allocates its result.
/// (Python adds bytecode dispatch and reference counting on top, so it is slower still.)
struct VectorizeExperiment: Experiment {
  static let kind = ExperimentKind.vectorize
  static let parameters: [ExperimentParameter] = [
    .choice("operation", default: "dot", allowed: ["dot", "axpy"], "the computation: the dot product x·y, or y ← a·x + y"),
    .int("n", default: 1_000_000, min: 1000, max: 10_000_000, unit: "elements", "vector length"),
    .repeats(default: 3, max: 20),
    .seed(default: 1),
  ]

  let operation: String
  let n: Int
  let repeats: Int
  let seed: UInt64
  /// The scalar a of axpy.
  static let a = 2.5

  init(_ parameters: ExperimentParameters, environment: ExperimentEnvironment) throws(ComputeError) {
    operation = parameters.string("operation")
    n = parameters.int("n")
    repeats = parameters.int("repeats")
    seed = UInt64(parameters.int("seed"))
  }

  /// Per element: x and y as doubles and as boxed objects (about 32 bytes each plus a 16-byte
  /// existential), a result copy and a reference for axpy.
  var cost: ExperimentCost {
    let runs = Double(repeats + 1)
    return ExperimentCost(
      memoryBytes: n * (2 * 8 + 2 * 48 + 2 * 8), seconds: Double(n) * (2 / ExperimentCost.Rates.boxedOpsPerSecond) * (runs + 1),
      progressUnits: 1 + 4 * (repeats + 1), sizeField: "n")
  }

  func run(_ session: ExperimentSession) throws -> ExperimentReport {
    let (x, y) = session.setup { () -> ([Double], [Double]) in
      var generator = SplitMix64(seed: seed)
      // Values in [0, 1): a positive dot product is well conditioned, so the four orders of
      // summation agree closely and the check can be tight.
      let x = (0..<n).map { _ in Double(generator.next() >> 11) * 0x1p-53 }
      let y = (0..<n).map { _ in Double(generator.next() >> 11) * 0x1p-53 }
      return (x, y)
    }
    session.advance()
    return operation == "dot" ? try runDot(x, y, session: session) : try runAxpy(x, y, session: session)
  }

  // MARK: - dot

  private func runDot(_ x: [Double], _ y: [Double], session: ExperimentSession) throws -> ExperimentReport {
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
    let detail = ["interpreter", "loop", "simd", "blas"].map { "\($0) \(Format.number(errors[$0] ?? .nan))" }.joined(separator: ", ")
    return report(
      times: (interpreterNs, loopNs, simdNs, blasNs), blasName: "cblas_ddot",
      verification: ExperimentVerification(
        method: "each method's dot product compared with a compensated float64 dot product of the same vectors",
        passed: worst <= tolerance, maxError: worst, tolerance: tolerance,
        detail: "Relative differences from the reference: \(detail)."),
      session: session)
  }

  static func interpretedDot(_ x: [any DynamicNumber], _ y: [any DynamicNumber], token: CancellationToken) throws(ComputeError) -> Double {
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

  // MARK: - axpy

  private func runAxpy(_ x: [Double], _ y0: [Double], session: ExperimentSession) throws -> ExperimentReport {
    let n = self.n
    let a = Self.a
    let boxedX = session.setup { x.map { BoxedDouble($0) as any DynamicNumber } }
    let includes = "the loop only; y reset from a copy before each run, untimed"
    var outputs: [String: [Double]] = [:]
    /// Times `body` on a fresh copy of y0 (copied element by element into a buffer that stays
    /// unique, so no copy-on-write happens inside the timed region).
    func time(_ method: String, _ body: (UnsafeMutableBufferPointer<Double>) -> Void) throws -> Double {
      var y = y0
      let measurement = try session.measure("\(method) axpy, n = \(n)", clock: .host, includes: includes, repeats: repeats) {
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
    let interpreterNs = try session.measure(
      "interpreter axpy, n = \(n)", clock: .host, includes: "the loop only; boxed y rebuilt from y0 before each run, untimed",
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

  // MARK: - The report

  private func report(
    times: (interpreter: Double, loop: Double, simd: Double, blas: Double), blasName: String,
    verification: ExperimentVerification, session: ExperimentSession
  ) -> ExperimentReport {
    let figures = [
      ExperimentFigure(name: "interpreter_ns", value: times.interpreter, unit: "ns/element", label: "interpreter-style loop (boxed values, dynamic dispatch)"),
      ExperimentFigure(name: "loop_ns", value: times.loop, unit: "ns/element", label: "plain Swift loop"),
      ExperimentFigure(name: "simd_ns", value: times.simd, unit: "ns/element", label: "Swift loop over SIMD8<Double>"),
      ExperimentFigure(name: "blas_ns", value: times.blas, unit: "ns/element", label: blasName),
      ExperimentFigure(name: "interpreter_over_loop", value: times.interpreter / times.loop, unit: "×", label: "interpreter-style time over plain loop time"),
      ExperimentFigure(name: "loop_over_blas", value: times.loop / times.blas, unit: "×", label: "plain loop time over BLAS time"),
      ExperimentFigure(name: "interpreter_over_blas", value: times.interpreter / times.blas, unit: "×", label: "interpreter-style time over BLAS time"),
    ]
    let what = operation == "dot" ? "a dot product" : "y ← a·x + y"
    let summary =
      "For \(what) of n = \(Format.count(n)) float64 values, the interpreter-style loop took \(Format.number(times.interpreter)) ns per element, the plain Swift loop \(Format.number(times.loop)) ns, SIMD \(Format.number(times.simd)) ns and \(blasName) \(Format.number(times.blas)) ns: "
      + "the interpreter-style loop is \(Format.ratio(times.interpreter / times.loop)) slower than the tight loop and \(Format.ratio(times.interpreter / times.blas)) slower than BLAS. "
      + "The gap is per-element overhead (an allocation and two dynamic calls per element in this model of an interpreter, which Python pays too), not arithmetic; "
      + (operation == "dot"
        ? "the plain loop trails SIMD and BLAS because it must add in strict order, one addition waiting for the last."
        : "axpy streams three arrays, so the tight versions end up limited by memory bandwidth.")
    return ExperimentReport(
      figures: figures, series: [], verification: verification, device: session.hostDescription, summary: summary)
  }
}

// MARK: - The interpreter model

/// A number as an interpreter holds it: a heap object behind an existential, with dynamically
/// dispatched arithmetic that checks the other operand's type and allocates its result.
protocol DynamicNumber: AnyObject {
  var doubleValue: Double { get }
  func adding(_ other: any DynamicNumber) -> any DynamicNumber
  func multiplying(_ other: any DynamicNumber) -> any DynamicNumber
}

/// A boxed float64 (Python's `float`).
final class BoxedDouble: DynamicNumber {
  let value: Double
  init(_ value: Double) { self.value = value }
  var doubleValue: Double { value }
  func adding(_ other: any DynamicNumber) -> any DynamicNumber {
    if let other = other as? BoxedDouble { return BoxedDouble(value + other.value) }
    return BoxedDouble(value + other.doubleValue)
  }
  func multiplying(_ other: any DynamicNumber) -> any DynamicNumber {
    if let other = other as? BoxedDouble { return BoxedDouble(value * other.value) }
    return BoxedDouble(value * other.doubleValue)
  }
}

/// A boxed integer (Python's `int`), so that calls cannot be resolved to a single class.
final class BoxedInt: DynamicNumber {
  let value: Int
  init(_ value: Int) { self.value = value }
  var doubleValue: Double { Double(value) }
  func adding(_ other: any DynamicNumber) -> any DynamicNumber {
    if let other = other as? BoxedInt { return BoxedInt(value &+ other.value) }
    return BoxedDouble(Double(value) + other.doubleValue)
  }
  func multiplying(_ other: any DynamicNumber) -> any DynamicNumber {
    if let other = other as? BoxedInt { return BoxedInt(value &* other.value) }
    return BoxedDouble(Double(value) * other.doubleValue)
  }
}
