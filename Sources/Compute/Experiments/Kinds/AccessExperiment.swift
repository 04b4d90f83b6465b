/// `access`: row- vs column-major traversal of an n×n float64 matrix, and a stride sweep over a
/// large array, on the host CPU.
///
/// The stride sweep reads one 8-byte element per access. Up to 64 bytes (a cache line) it reads
/// every `stride`-th element; beyond that it walks the array `stride` bytes at a time from each
/// line offset in turn, so every line is read exactly once per pass and the bytes moved stay the
/// same while the order scatters: what grows is the cost of reaching each line (prefetchers lose
/// the pattern, then every access needs a new page and TLB entry).
struct AccessExperiment: Experiment {
  static let kind = ExperimentKind.access
  static let parameters: [JobParameter] = [
    .int(
      "n", default: 4096, min: 16, max: 8192, unit: "elements",
      "side of the n×n float64 matrix traversed by rows and by columns"),
    .int("array_mib", default: 64, min: 1, max: 512, unit: "MiB", "size of the array of the stride sweep"),
    .int(
      "max_stride", default: 16384, min: 8, max: 1 << 20, unit: "bytes",
      "largest stride of the sweep, which doubles from 8 bytes"),
    .repeats(default: 3, max: 20),
  ]

  let n: Int
  let elements: Int
  let strides: [Int]
  let repeats: Int

  init(_ parameters: JobParameters, environment: ExperimentEnvironment) throws(ComputeError) {
    n = parameters.int("n")
    elements = parameters.int("array_mib") << 20 / 8
    repeats = parameters.int("repeats")
    let maxStride = parameters.int("max_stride")
    strides = Array(sequence(first: 8) { $0 * 2 }.prefix { $0 <= maxStride })
  }

  var cost: ExperimentCost {
    let runs = Double(repeats + 1)
    let matrix = Double(n * n)
    let matrixSeconds =
      runs
      * (matrix / ExperimentCost.Rates.scalarOpsPerSecond + matrix / ExperimentCost.Rates.scatteredAccessesPerSecond)
    let strideAccesses = strides.reduce(0.0) { total, stride in total + Double(elements / min(stride / 8, 8)) }
    let strideSeconds = runs * strideAccesses / ExperimentCost.Rates.scatteredAccessesPerSecond
    return ExperimentCost(
      memoryBytes: n * n * 8 + elements * 8, seconds: matrixSeconds + strideSeconds,
      progressUnits: 1 + (repeats + 1) * (2 + strides.count), sizeField: matrix > Double(elements) ? "n" : "array_mib")
  }

  func run(_ session: ExperimentSession) throws -> ExperimentReport {
    let n = self.n
    let (matrix, array) = session.setup { () -> ([Double], [Int]) in
      var matrix = [Double](repeating: 0, count: n * n)
      for i in 0..<n { for j in 0..<n { matrix[i * n + j] = Double((i &* 7 &+ j) & 1023) } }
      return (matrix, Array(0..<elements))
    }
    session.advance()

    // Row- and column-major traversals; both sums are of small integers, so exact and equal.
    var rowSum = 0.0
    var columnSum = 0.0
    let includes = "the traversal loop only; matrix already in memory"
    let (row, column) = try matrix.withUnsafeBufferPointer { a in
      let row = try session.measure("row-major traversal, n = \(n)", clock: .host, includes: includes, repeats: repeats)
      {
        rowSum = try Self.rowMajorSum(a, n: n, token: session.token)
        return nil
      }
      let column = try session.measure(
        "column-major traversal, n = \(n)", clock: .host, includes: includes, repeats: repeats
      ) {
        columnSum = try Self.columnMajorSum(a, n: n, token: session.token)
        return nil
      }
      return (row, column)
    }
    let elementsPerTraversal = Double(n * n)
    let rowNs = row.reportedSeconds / elementsPerTraversal * 1e9
    let columnNs = column.reportedSeconds / elementsPerTraversal * 1e9

    // The stride sweep.
    var strideNs: [(stride: Int, ns: Double)] = []
    var strideFailures: [Int] = []
    try array.withUnsafeBufferPointer { a in
      for stride in strides {
        var sum = 0
        let measurement = try session.measure(
          "stride \(stride) bytes over \(Format.bytes(elements * 8))", clock: .host,
          includes: "the strided reads only; array already in memory", repeats: repeats
        ) {
          sum = try Self.stridedSum(a, strideBytes: stride, token: session.token)
          return nil
        }
        if sum != Self.expectedStridedSum(count: a.count, strideBytes: stride) { strideFailures.append(stride) }
        strideNs.append(
          (stride, measurement.reportedSeconds / Double(Self.accesses(count: a.count, strideBytes: stride)) * 1e9))
      }
    }

    let expectedMatrixSum = session.verifying { Self.expectedMatrixSum(n: n) }
    let matrixOK = rowSum == columnSum && rowSum == expectedMatrixSum
    let passed = matrixOK && strideFailures.isEmpty
    var detail =
      "Row-major sum \(Format.number(rowSum)), column-major sum \(Format.number(columnSum)), expected \(Format.number(expectedMatrixSum)) (integer-valued elements, so all three must be equal)."
    detail +=
      strideFailures.isEmpty
      ? " Every stride's sum of the visited indices equals its closed form."
      : " Strides whose sum differs from the closed form: \(strideFailures.map(String.init).joined(separator: ", ")) bytes."

    func ns(at stride: Int) -> Double? { strideNs.first { $0.stride == stride }?.ns }
    var figures = [
      ExperimentFigure(
        name: "row_major_ns", value: rowNs, unit: "ns/element", label: "row-major traversal (consecutive addresses)"),
      ExperimentFigure(
        name: "column_major_ns", value: columnNs, unit: "ns/element",
        label: "column-major traversal (\(n * 8)-byte jumps)"),
      ExperimentFigure(
        name: "column_to_row_ratio", value: columnNs / rowNs, unit: "×", label: "column-major time over row-major time"),
    ]
    for stride in [8, 64, 4096] {
      if let value = ns(at: stride) {
        figures.append(
          ExperimentFigure(name: "stride_\(stride)_ns", value: value, unit: "ns/access", label: "\(stride)-byte stride")
        )
      }
    }
    if let lastStride = strideNs.last, ![8, 64, 4096].contains(lastStride.stride) {
      figures.append(
        ExperimentFigure(
          name: "stride_max_ns", value: lastStride.ns, unit: "ns/access",
          label: "\(lastStride.stride)-byte stride (the largest)"))
    }
    let series = [
      ExperimentSeries(
        name: "strided reads", xLabel: "stride", xUnit: "bytes", yLabel: "time per access", yUnit: "ns/access",
        points: strideNs.map { .init(x: Double($0.stride), y: $0.ns) })
    ]

    var summary =
      "Column-major traversal of a \(n)×\(n) float64 matrix took \(Format.number(columnNs)) ns per element, \(Format.ratio(columnNs / rowNs)) the \(Format.number(rowNs)) ns of row-major: each step down a column jumps \(Format.bytes(n * 8)), so every element needs its own cache line instead of sharing one with 7 neighbours. "
    if let first = strideNs.first, let last = strideNs.last {
      summary +=
        "In the stride sweep over \(Format.bytes(elements * 8)), time per access went from \(Format.number(first.ns)) ns at \(first.stride) bytes"
      if let line = ns(at: 64), last.stride > 64 {
        summary += " to \(Format.number(line)) ns at 64 bytes (one cache line per access)"
      }
      if let page = ns(at: 4096), last.stride > 4096 {
        summary += " and \(Format.number(page)) ns at 4096 bytes (one page, so one TLB entry, per access)"
      }
      summary +=
        last.stride > 64
        ? ", and \(Format.number(last.ns)) ns at \(Format.bytes(last.stride))."
        : " to \(Format.number(last.ns)) ns at \(last.stride) bytes."
    }
    return ExperimentReport(
      figures: figures, series: series,
      verification: ExperimentVerification(
        method:
          "checksums: row- and column-major sums equal each other and the closed form; each stride's sum equals the closed form for the indices it visits",
        passed: passed, maxError: matrixOK ? 0 : abs(rowSum - columnSum), tolerance: 0, detail: detail),
      device: session.hostDescription, summary: summary)
  }
}
