/// The three arrays, shared read-write by the STREAM threads (each writes only its own chunk).
struct StreamArrays: @unchecked Sendable {  // raw pointers; each thread writes only its own chunk, joined before reads
  // @unchecked: plain pointers; the parallel loops partition the indices, so no element is
  // touched by two threads, and the arrays outlive every loop (freed after the last one).
  let a: UnsafeMutablePointer<Double>
  let b: UnsafeMutablePointer<Double>
  let c: UnsafeMutablePointer<Double>
}
