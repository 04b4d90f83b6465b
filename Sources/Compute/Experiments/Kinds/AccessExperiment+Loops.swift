// The traversals and the strided reads, with their closed-form checksums.
extension AccessExperiment {
  /// Σ aᵢⱼ row by row, four accumulators so that the add latency does not hide the memory behaviour.
  static func rowMajorSum(_ a: UnsafeBufferPointer<Double>, n: Int, token: CancellationToken) throws(ComputeError)
    -> Double
  {
    var s0 = 0.0
    var s1 = 0.0
    var s2 = 0.0
    var s3 = 0.0
    let base = a.baseAddress!
    for i in 0..<n {
      if i & 63 == 0 { try token.check() }
      let row = base + i * n
      var j = 0
      while j + 4 <= n {
        s0 += row[j]
        s1 += row[j + 1]
        s2 += row[j + 2]
        s3 += row[j + 3]
        j += 4
      }
      while j < n {
        s0 += row[j]
        j += 1
      }
    }
    return (s0 + s1) + (s2 + s3)
  }

  /// Σ aᵢⱼ column by column, four rows at a time into four accumulators.
  static func columnMajorSum(_ a: UnsafeBufferPointer<Double>, n: Int, token: CancellationToken) throws(ComputeError)
    -> Double
  {
    var s0 = 0.0
    var s1 = 0.0
    var s2 = 0.0
    var s3 = 0.0
    let base = a.baseAddress!
    for j in 0..<n {
      if j & 63 == 0 { try token.check() }
      var i = 0
      while i + 4 <= n {
        s0 += base[i * n + j]
        s1 += base[(i + 1) * n + j]
        s2 += base[(i + 2) * n + j]
        s3 += base[(i + 3) * n + j]
        i += 4
      }
      while i < n {
        s0 += base[i * n + j]
        i += 1
      }
    }
    return (s0 + s1) + (s2 + s3)
  }

  /// Σ ((7i + j) mod 1024) over the matrix, in integers.
  static func expectedMatrixSum(n: Int) -> Double {
    var total = 0
    for i in 0..<n { for j in 0..<n { total += (i &* 7 &+ j) & 1023 } }
    return Double(total)
  }

  /// Reads every `strideBytes / 8`-th element (strides up to a line), or, beyond a line, every line
  /// once in stride order, summing the values (which are their own indices).
  static func stridedSum(_ a: UnsafeBufferPointer<Int>, strideBytes: Int, token: CancellationToken) throws(ComputeError)
    -> Int
  {
    let step = strideBytes / 8
    let base = a.baseAddress!
    let count = a.count
    var sum = 0
    if step <= 8 {
      try token.check()
      var i = 0
      while i < count {
        sum &+= base[i]
        i += step
      }
      return sum
    }
    var offset = 0
    while offset < step {
      if offset & 511 == 0 { try token.check() }
      var i = offset
      while i < count {
        sum &+= base[i]
        i += step
      }
      offset += 8
    }
    return sum
  }

  /// Accesses one pass of ``stridedSum(_:strideBytes:token:)`` makes.
  static func accesses(count: Int, strideBytes: Int) -> Int {
    let step = min(strideBytes / 8, 8)
    return (count + step - 1) / step
  }

  /// The closed form of ``stridedSum(_:strideBytes:token:)`` when `a[i] = i`: the sum of the
  /// multiples of `min(step, 8)` below `count`.
  static func expectedStridedSum(count: Int, strideBytes: Int) -> Int {
    let step = min(strideBytes / 8, 8)
    let terms = (count + step - 1) / step
    return step * (terms * (terms - 1) / 2)
  }
}
