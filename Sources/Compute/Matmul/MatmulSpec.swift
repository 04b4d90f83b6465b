/// What to multiply and how: C = A·B with A m×k and B k×n.
///
/// Inputs come from a seed (see ``Matrix/seededInputs(m:k:n:dtype:seed:)``) or are given
/// explicitly as nested rows. Check a spec with ``MatmulRunner/validate(_:)`` before queueing it;
/// ``MatmulRunner/run(_:token:progress:)`` validates again.
///
/// ```swift
/// let spec = MatmulSpec(m: 512, k: 512, n: 512, dtype: .float32, backend: .opencl, kernel: .tiled)
/// ```
public struct MatmulSpec: Sendable, Equatable {
  /// Where the inputs come from.
  public enum Inputs: Sendable, Equatable {
    /// A and B generated from this seed.
    case seeded(UInt64)
    /// A (m×k) and B (k×n) as rows of values; rounded to the spec's dtype.
    case explicit(a: [[Double]], b: [[Double]])
  }

  /// Rows of A and C.
  public var m: Int
  /// Columns of A, rows of B.
  public var k: Int
  /// Columns of B and C.
  public var n: Int
  /// Element type of A, B and C. Default `.float32`.
  public var dtype: DType
  /// Where the product runs. Default `.blas`.
  public var backend: Backend
  /// What `dtype` asked for: ``dtype`` itself, or a Tensor Core precision on `cuda` (whose
  /// storage, ``dtype``, is float32). Default: ``dtype``'s.
  public var precision: MatmulPrecision
  /// The OpenCL kernel; `nil` means ``MatmulKernel/default`` for `opencl`. Other backends take none.
  public var kernel: MatmulKernel?
  /// The OpenCL device's global index (``OpenCL/DeviceInfo/index``); `nil` means
  /// ``OpenCLBackend/defaultDeviceIndex``. Other backends take none.
  public var device: Int?
  /// Timed runs after the untimed warm-up. Default 3.
  public var repeats: Int
  /// The inputs. Default `.seeded(1)`.
  public var inputs: Inputs

  /// The seed used when a spec gives neither a seed nor matrices.
  public static let defaultSeed: UInt64 = 1

  /// A spec with inputs made from `seed`.
  public init(
    m: Int, k: Int, n: Int, dtype: DType = .float32, backend: Backend = .blas,
    kernel: MatmulKernel? = nil, device: Int? = nil, repeats: Int = 3, seed: UInt64 = MatmulSpec.defaultSeed
  ) {
    self.m = m
    self.k = k
    self.n = n
    self.dtype = dtype
    self.precision = MatmulPrecision(dtype)
    self.backend = backend
    self.kernel = kernel
    self.device = device
    self.repeats = repeats
    self.inputs = .seeded(seed)
  }

  /// A spec with explicit inputs; m, k and n are read from their shapes (validation checks them).
  public init(
    a: [[Double]], b: [[Double]], dtype: DType = .float32, backend: Backend = .blas,
    kernel: MatmulKernel? = nil, device: Int? = nil, repeats: Int = 3
  ) {
    self.m = a.count
    self.k = a.first?.count ?? 0
    self.n = b.first?.count ?? 0
    self.dtype = dtype
    self.precision = MatmulPrecision(dtype)
    self.backend = backend
    self.kernel = kernel
    self.device = device
    self.repeats = repeats
    self.inputs = .explicit(a: a, b: b)
  }

  /// This spec with a precision; its storage becomes ``dtype``.
  public func with(precision: MatmulPrecision) -> MatmulSpec {
    var copy = self
    copy.precision = precision
    copy.dtype = precision.storage
    return copy
  }

  /// The seed, for seeded inputs.
  public var seed: UInt64? {
    if case .seeded(let seed) = inputs { seed } else { nil }
  }

  /// The kernel that will run: the given one, the default for `opencl`, `nil` for other backends.
  public var effectiveKernel: MatmulKernel? {
    backend == .opencl ? (kernel ?? .default) : nil
  }

  /// Multiply-adds in one product: m·n·k (saturating at `Int.max`).
  public var multiplyAdds: Int { max(m, 0).multipliedClamped(max(n, 0)).multipliedClamped(max(k, 0)) }
}
