// STREAM on the host: Swift loops over raw pointers, split across threads.
extension BandwidthExperiment {
  func runHost(_ session: ExperimentSession) throws -> Result {
    let n = self.n
    let a = UnsafeMutablePointer<Double>.allocate(capacity: n)
    let b = UnsafeMutablePointer<Double>.allocate(capacity: n)
    let c = UnsafeMutablePointer<Double>.allocate(capacity: n)
    defer {
      a.deallocate()
      b.deallocate()
      c.deallocate()
    }
    let arrays = StreamArrays(a: a, b: b, c: c)
    let chunks = threads
    // First touch in parallel, so pages land near the threads that use them (on NUMA machines).
    session.setup {
      parallel(chunks, n) { range in
        for j in range {
          arrays.a[j] = 2  // STREAM sets a = 1, then doubles it once before timing
          arrays.b[j] = 2
          arrays.c[j] = 0
        }
      }
    }
    session.advance()

    let scalar = Self.scalar
    var samples = [[Double]](repeating: [], count: 4)
    for iteration in 0...repeats {
      for kernel in 0..<4 {
        try session.check()
        let watch = Stopwatch()
        switch kernel {
        case 0: parallel(chunks, n) { range in for j in range { arrays.c[j] = arrays.a[j] } }
        case 1: parallel(chunks, n) { range in for j in range { arrays.b[j] = scalar * arrays.c[j] } }
        case 2: parallel(chunks, n) { range in for j in range { arrays.c[j] = arrays.a[j] + arrays.b[j] } }
        default: parallel(chunks, n) { range in for j in range { arrays.a[j] = arrays.b[j] + scalar * arrays.c[j] } }
        }
        let seconds = watch.seconds
        if iteration > 0 { samples[kernel].append(seconds) }
        session.advance()
      }
    }
    let check = session.verifying {
      StreamCheck(
        a: UnsafeBufferPointer(start: a, count: n), b: UnsafeBufferPointer(start: b, count: n),
        c: UnsafeBufferPointer(start: c, count: n), iterations: repeats + 1, epsilon: 1e-13)
    }
    session.advance()
    return record(
      samples, name: "host (\(threads) thread\(threads == 1 ? "" : "s"))", clock: .host,
      includes: "the loop over all elements, split across \(threads) thread\(threads == 1 ? "" : "s")", check: check,
      session: session)
  }
}
