import Dispatch

/// Runs `body` over `count` indices split into `chunks` contiguous ranges, in parallel when `chunks` > 1.
func parallel(_ chunks: Int, _ count: Int, _ body: (Range<Int>) -> Void) {
  let chunks = max(1, min(chunks, count))
  if chunks == 1 {
    body(0..<count)
    return
  }
  withoutActuallyEscaping(body) { body in
    let box = UncheckedBox(body)
    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
      box.value((count * chunk / chunks)..<(count * (chunk + 1) / chunks))
    }
  }
}

/// Lets a non-Sendable closure cross into `concurrentPerform`, which runs it on other threads but
/// returns only after they all finish.
struct UncheckedBox<T>: @unchecked Sendable {  // concurrentPerform returns only after every use ends
  // @unchecked: used only by `parallel`, whose callers' closures touch disjoint data per chunk.
  let value: T
  init(_ value: T) { self.value = value }
}
