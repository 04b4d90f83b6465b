// The host's roofline: OpenBLAS GEMM ceilings and a SIMD read of each cache level and of DRAM.
extension RooflineExperiment {
  func runHost(_ session: ExperimentSession) throws -> ExperimentReport {
    let float32 = try gemmCeiling(Float.self, session: session)
    let float64 = try gemmCeiling(Double.self, session: session)
    let largest = levels.map(\.bytes).max() ?? 0
    let buffer = UnsafeMutableRawPointer.allocate(byteCount: largest, alignment: 64)
    let sums = UnsafeMutablePointer<Double>.allocate(capacity: threads)
    defer {
      buffer.deallocate()
      sums.deallocate()
    }
    let threads = self.threads
    let words = largest / 8
    // Filled in parallel, so each thread's pages are first touched by the thread that reads them.
    session.setup {
      let base = buffer.bindMemory(to: Double.self, capacity: words)
      parallel(threads, words) { range in for index in range { base[index] = 1 } }
    }
    var readings: [Reading] = []
    for level in levels {
      let perThread = level.bytes / threads
      // Passes over the working set so that a sample moves at least 64 MiB per thread.
      let passes = max(1, (64 << 20) / max(perThread, 1))
      var verified = true
      let measurement = try session.measure(
        "read \(level.name), \(Format.bytes(level.bytes))", clock: .host,
        includes: "\(passes) pass\(passes == 1 ? "" : "es") of SIMD loads over \(threads) thread\(threads == 1 ? "" : "s")' \(Format.bytes(perThread)) each",
        repeats: repeats
      ) {
        parallel(threads, threads) { range in
          for thread in range {
            sums[thread] = Self.sum(UnsafeRawPointer(buffer + thread * perThread), bytes: perThread, passes: passes)
          }
        }
        for thread in 0..<threads where sums[thread] != Double(perThread / 8 * passes) { verified = false }
        return nil
      }
      let bytes = Double(level.bytes) * Double(passes)
      readings.append(Reading(level: level, gbPerSecond: bytes / measurement.reportedSeconds / 1e9, verified: verified))
    }
    return report(
      ceilings: [("float32", float32.gflops), ("float64", float64.gflops)], readings: readings,
      verified: float32.verified && float64.verified, ceilingSource: "OpenBLAS GEMM, n = \(gemmN)",
      device: session.hostDescription)
  }

  /// The sum of `passes` passes over `bytes` bytes of doubles, read 8 at a time into 8 SIMD
  /// accumulators (independent chains, enough to cover the add latency, so the loads set the pace).
  @inline(never)
  static func sum(_ base: UnsafeRawPointer, bytes: Int, passes: Int) -> Double {
    let vectors = bytes / 64
    var total = 0.0
    for _ in 0..<passes {
      var s = (SIMD8<Double>(), SIMD8<Double>(), SIMD8<Double>(), SIMD8<Double>())
      var t = (SIMD8<Double>(), SIMD8<Double>(), SIMD8<Double>(), SIMD8<Double>())
      var index = 0
      while index + 8 <= vectors {
        let at = index * 64
        s.0 += base.load(fromByteOffset: at, as: SIMD8<Double>.self)
        s.1 += base.load(fromByteOffset: at + 64, as: SIMD8<Double>.self)
        s.2 += base.load(fromByteOffset: at + 128, as: SIMD8<Double>.self)
        s.3 += base.load(fromByteOffset: at + 192, as: SIMD8<Double>.self)
        t.0 += base.load(fromByteOffset: at + 256, as: SIMD8<Double>.self)
        t.1 += base.load(fromByteOffset: at + 320, as: SIMD8<Double>.self)
        t.2 += base.load(fromByteOffset: at + 384, as: SIMD8<Double>.self)
        t.3 += base.load(fromByteOffset: at + 448, as: SIMD8<Double>.self)
        index += 8
      }
      while index < vectors {
        s.0 += base.load(fromByteOffset: index * 64, as: SIMD8<Double>.self)
        index += 1
      }
      total += ((s.0 + s.1) + (s.2 + s.3) + (t.0 + t.1) + (t.2 + t.3)).sum()
    }
    return total
  }

  /// The GEMM rate of an n×n product of ones (each element of C must be n).
  private func gemmCeiling<T: BinaryFloatingPoint>(_: T.Type, session: ExperimentSession) throws -> (gflops: Double, verified: Bool) {
    let n = gemmN
    let a = UnsafeMutablePointer<T>.allocate(capacity: n * n)
    let b = UnsafeMutablePointer<T>.allocate(capacity: n * n)
    let c = UnsafeMutablePointer<T>.allocate(capacity: n * n)
    defer {
      a.deallocate()
      b.deallocate()
      c.deallocate()
    }
    session.setup {
      a.initialize(repeating: 1, count: n * n)
      b.initialize(repeating: 1, count: n * n)
    }
    let name = T.self == Float.self ? "float32" : "float64"
    let measurement = try session.measure(
      "\(name) GEMM \(n)×\(n)×\(n)", clock: .host, includes: "one cblas_\(T.self == Float.self ? "s" : "d")gemm call (OpenBLAS threads)",
      repeats: repeats
    ) {
      if let a = a as? UnsafeMutablePointer<Float>, let b = b as? UnsafeMutablePointer<Float>, let c = c as? UnsafeMutablePointer<Float> {
        BLAS.sgemm(rows: 0..<n, k: n, n: n, a: a, b: b, c: c)
      } else if let a = a as? UnsafeMutablePointer<Double>, let b = b as? UnsafeMutablePointer<Double>,
        let c = c as? UnsafeMutablePointer<Double>
      {
        BLAS.dgemm(rows: 0..<n, k: n, n: n, a: a, b: b, c: c)
      }
      return nil
    }
    let verified = session.verifying { c[0] == T(n) && c[n * n - 1] == T(n) && c[n * n / 2 + 7] == T(n) }
    return (2 * Double(n * n * n) / measurement.reportedSeconds / 1e9, verified)
  }
}
