/// `vectorize`: one computation (a dot product, or y ← a·x + y) four ways: an interpreter-style
/// loop, a plain Swift loop, a SIMD loop, and OpenBLAS.
///
/// The interpreter-style loop is a *model* of what CPython does per element, not Python itself:
/// every number is a heap object reached through a protocol existential, every `*` and `+` is a
/// dynamically dispatched call that checks the other operand's type and allocates its result.
/// (Python adds bytecode dispatch and reference counting on top, so it is slower still.)
struct VectorizeExperiment: Experiment {
  static let kind = ExperimentKind.vectorize
  static let parameters: [JobParameter] = [
    .choice(
      "operation", default: "dot", allowed: ["dot", "axpy"], "the computation: the dot product x·y, or y ← a·x + y"),
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

  init(_ parameters: JobParameters, environment: ExperimentEnvironment) throws(ComputeError) {
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
      memoryBytes: n * (2 * 8 + 2 * 48 + 2 * 8),
      seconds: Double(n) * (2 / ExperimentCost.Rates.boxedOpsPerSecond) * (runs + 1),
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
}
