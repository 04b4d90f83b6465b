import COpenCL

/// A thin Swift layer over the OpenCL 1.2 C API: platforms, devices, contexts, queues,
/// programs, kernels, buffers and events, each releasing its handle in `deinit`.
///
/// Thread safety: OpenCL 1.2 (appendix A.2) makes every API call thread-safe except
/// `clSetKernelArg` and `clEnqueueNDRangeKernel` on the same `cl_kernel` from two threads.
/// So the wrapper classes hold no mutable Swift state and are `Sendable`, except
/// ``OpenCL/Kernel``, which is not.
public enum OpenCL {}

extension OpenCL {
  /// Reads a `clGet*Info` string: asks for the size, then for the bytes.
  static func queryString(
    _ call: String, _ query: (Int, UnsafeMutableRawPointer?, UnsafeMutablePointer<Int>?) -> cl_int
  ) throws(OpenCLError) -> String {
    var size = 0
    try check(query(0, nil, &size), call)
    guard size > 0 else { return "" }
    var bytes = [UInt8](repeating: 0, count: size)
    try check(bytes.withUnsafeMutableBytes { query(size, $0.baseAddress, nil) }, call)
    if let end = bytes.firstIndex(of: 0) { bytes.removeSubrange(end...) }
    return String(decoding: bytes, as: UTF8.self).trimmingSpaces
  }

  /// Reads a fixed-size `clGet*Info` value of type `T` (an integer or a handle).
  static func queryValue<T: BitwiseCopyable>(
    _ call: String, initial: T,
    _ query: (Int, UnsafeMutableRawPointer?, UnsafeMutablePointer<Int>?) -> cl_int
  ) throws(OpenCLError) -> T {
    var value = initial
    let status = withUnsafeMutableBytes(of: &value) { query(MemoryLayout<T>.size, $0.baseAddress, nil) }
    try check(status, call)
    return value
  }

  /// Reads a `clGet*Info` array of `size_t`.
  static func querySizes(
    _ call: String, _ query: (Int, UnsafeMutableRawPointer?, UnsafeMutablePointer<Int>?) -> cl_int
  ) throws(OpenCLError) -> [Int] {
    var size = 0
    try check(query(0, nil, &size), call)
    var values = [Int](repeating: 0, count: size / MemoryLayout<Int>.size)
    guard !values.isEmpty else { return [] }
    try check(values.withUnsafeMutableBytes { query(size, $0.baseAddress, nil) }, call)
    return values
  }
}
