import CCUDA

/// A device allocation in the current CUDA context, freed when released. Copies are timed with
/// CUDA events. Confined to the thread whose context made it.
final class CUDABuffer {
  let pointer: UInt64

  init(bytes: Int) throws(ComputeError) {
    var value: UInt64 = 0
    try CUDACall.check(hl_cuda_alloc(&value, max(bytes, 1)))
    pointer = value
  }

  deinit { _ = hl_cuda_free(pointer) }

  /// Copies `values` to the device; returns the copy's device time in seconds.
  @discardableResult
  func upload<T>(_ values: [T]) throws -> Double {
    var milliseconds: Float = 0
    try values.withUnsafeBytes { try CUDACall.check(hl_cuda_upload(pointer, $0.baseAddress, $0.count, &milliseconds)) }
    return Double(milliseconds) / 1000
  }

  /// `count` values copied back, and the copy's device time in seconds.
  func download<T: BitwiseCopyable>(count: Int, as _: T.Type = T.self) throws -> (values: [T], seconds: Double) {
    var values = [T](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    var milliseconds: Float = 0
    try values.withUnsafeMutableBytes {
      try CUDACall.check(hl_cuda_download($0.baseAddress, pointer, $0.count, &milliseconds))
    }
    return (values, Double(milliseconds) / 1000)
  }
}

@available(*, unavailable)
extension CUDABuffer: Sendable {}
