/// The memory a matmul job is expected to need, worked out before it runs.
public struct MemoryEstimate: Sendable, Equatable, Codable {
  /// Host bytes: A, B and C in the dtype, plus the float64 reference product and, for float32,
  /// float64 copies of A and B for it.
  public var hostBytes: Int
  /// Device bytes: A, B and C in the dtype for `opencl`; 0 for host backends.
  public var deviceBytes: Int
  /// Host plus device; what the memory budget is checked against (a CPU OpenCL device such as
  /// PoCL allocates its buffers in host memory too).
  public var totalBytes: Int { hostBytes.addingClamped(deviceBytes) }

  enum CodingKeys: String, CodingKey {
    case hostBytes = "host_bytes"
    case deviceBytes = "device_bytes"
  }
}

extension MatmulSpec {
  /// What the job will allocate (the caller's explicit nested arrays are not counted); see
  /// ``MemoryEstimate``. Saturates at `Int.max` rather than overflowing.
  public func estimatedMemory() -> MemoryEstimate {
    let a = max(m, 0).multipliedClamped(max(k, 0))
    let b = max(k, 0).multipliedClamped(max(n, 0))
    let c = max(m, 0).multipliedClamped(max(n, 0))
    let elements = a.addingClamped(b).addingClamped(c)
    let working = elements.multipliedClamped(dtype.byteCount)
    let reference =
      dtype == .float32 ? elements.multipliedClamped(8) : c.multipliedClamped(8)
    if backend == .opencl, effectiveKernel == .auto {
      // The tunable kernel's layout: transposed, padded copies made on the host, and on the device.
      let layout = XgemmLayout(m: max(m, 1), n: max(n, 1), k: max(k, 1))
      let counts = layout.bufferElements
      let padded = counts.at.addingClamped(counts.b).addingClamped(counts.c).multipliedClamped(dtype.byteCount)
      return MemoryEstimate(hostBytes: working.addingClamped(reference).addingClamped(padded), deviceBytes: padded)
    }
    let device = backend == .opencl ? working : 0
    return MemoryEstimate(hostBytes: working.addingClamped(reference), deviceBytes: device)
  }

  /// ``estimatedMemory()``'s total in bytes.
  public func estimatedMemoryBytes() -> Int { estimatedMemory().totalBytes }
}

extension Int {
  func multipliedClamped(_ other: Int) -> Int {
    let (value, overflow) = multipliedReportingOverflow(by: other)
    return overflow ? .max : value
  }

  func addingClamped(_ other: Int) -> Int {
    let (value, overflow) = addingReportingOverflow(other)
    return overflow ? .max : value
  }
}
