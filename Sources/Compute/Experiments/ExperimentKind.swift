/// The experiments the server offers as job kinds (`POST /jobs/{kind}`), besides `matmul`.
///
/// Each has a title, a one-line description, its parameters with defaults and limits, and says
/// whether it needs OpenCL. ``ExperimentRunner`` validates parameters and runs them.
public enum ExperimentKind: String, Sendable, Codable, CaseIterable {
  /// Device peak from an FMA-chain kernel, float32 and float64.
  case peak
  /// Effective bandwidth of unit-stride vs strided access, and a naive vs tiled transpose.
  case coalescing
  /// A branch that splits work-items within a group vs one uniform per group.
  case divergence
  /// Sum by global atomics vs a local-memory tree reduction.
  case reduction
  /// LAPACK `dgesv` on a random and a Hilbert matrix: residual, error and condition number.
  case solve
  /// STREAM copy/scale/add/triad, with a roofline point.
  case bandwidth
  /// Naive vs Kahan vs pairwise float32 summation against an exact reference, over n.
  case summation
  /// Row- vs column-major traversal and a stride sweep on the CPU.
  case access
  /// An interpreter-style loop vs a tight loop vs BLAS for the same computation.
  case vectorize
  /// One product through cuBLAS in float32, tf32, float16, bfloat16, float8 and float64: speed and error.
  case precision
  /// This machine's roofline: ceilings per dtype and read bandwidth per level of the memory hierarchy.
  case roofline

  /// How a kind uses OpenCL.
  public enum OpenCLUse: String, Sendable, Codable {
    /// It runs only on an OpenCL device.
    case required
    /// It runs on the host, and on an OpenCL device when asked (`bandwidth`'s `target`).
    case optional
    /// It runs on the host only.
    case none
  }

  /// A short title, e.g. "Device peak FLOP/s".
  public var title: String {
    switch self {
    case .peak: "Device peak FLOP/s (FMA chains)"
    case .coalescing: "Memory coalescing: strided access and transpose"
    case .divergence: "Branch divergence within work-groups"
    case .reduction: "Reduction: global atomics vs local-memory tree"
    case .solve: "LAPACK solve: residual, error and conditioning"
    case .bandwidth: "STREAM memory bandwidth and roofline"
    case .summation: "Floating-point summation error"
    case .access: "Memory access patterns on the CPU"
    case .vectorize: "Interpreter-style loop vs tight loop vs BLAS"
    case .precision: "Tensor Core precisions: speed and error (CUDA)"
    case .roofline: "This machine's roofline, measured"
    }
  }

  /// One line saying what it measures.
  public var description: String {
    switch self {
    case .peak:
      "GFLOP/s of an OpenCL kernel of independent fused multiply-add chains, float32 and float64, and their ratio."
    case .coalescing:
      "Effective GB/s of an OpenCL copy as adjacent work-items access addresses s elements apart, and of a naive vs a local-memory tiled transpose."
    case .divergence:
      "Time per element of an OpenCL kernel whose branch splits work-items within a group, vs the same work with the branch uniform per group."
    case .reduction:
      "Summing n floats in OpenCL by one global atomic per element vs a local-memory tree per work-group, checked against a float64 host sum."
    case .solve:
      "LAPACK dgesv on a random and on a Hilbert matrix: backward error, forward error against x = ones, and the condition number, over n."
    case .bandwidth:
      "STREAM copy, scale, add and triad GB/s on the host (and optionally the OpenCL device), with a roofline point."
    case .summation:
      "Relative error of naive, Kahan and pairwise float32 sums and a float64 sum against an exact reference, as n grows."
    case .access:
      "ns per element of row- vs column-major traversal of a float64 matrix, and ns per access as the stride grows."
    case .vectorize:
      "ns per element of the same dot product or axpy as a boxed, dynamically dispatched loop, a tight loop, SIMD and BLAS."
    case .precision:
      "TFLOP/s and error against float64 of one cuBLAS product in float32 (CUDA cores), tf32, float16, bfloat16 and float8 (Tensor Cores) and float64, on a CUDA device."
    case .roofline:
      "GFLOP/s ceilings per dtype and the read bandwidth of each memory level (L1d, L2, L3, DRAM on the host; local memory, L2, global memory on an OpenCL device), drawn as a roofline."
    }
  }

  /// Whether it needs an OpenCL device.
  public var openCL: OpenCLUse {
    switch self {
    case .peak, .coalescing, .divergence, .reduction: .required
    case .bandwidth, .roofline: .optional
    case .solve, .summation, .access, .vectorize, .precision: .none
    }
  }

  /// Whether it runs only on a CUDA device (`precision`).
  public var needsCUDA: Bool { self == .precision }

  /// Its parameters, in display order, with static defaults (`nil` where the machine decides).
  public var parameters: [JobParameter] { implementation.parameters }

  /// Parses a kind name, throwing `.invalidArgument` naming `field` (with the known kinds in `available`) otherwise.
  public init(validating raw: String, field: String = "kind") throws(ComputeError) {
    guard let kind = ExperimentKind(rawValue: raw) else {
      throw ComputeError(
        .invalidArgument, field: field,
        message:
          "unknown experiment kind '\(raw)'; expected one of \(Self.allCases.map(\.rawValue).joined(separator: ", "))",
        available: Self.allCases.map(\.rawValue))
    }
    self = kind
  }

  /// The type that implements it.
  var implementation: any Experiment.Type {
    switch self {
    case .peak: PeakExperiment.self
    case .coalescing: CoalescingExperiment.self
    case .divergence: DivergenceExperiment.self
    case .reduction: ReductionExperiment.self
    case .solve: SolveExperiment.self
    case .bandwidth: BandwidthExperiment.self
    case .summation: SummationExperiment.self
    case .access: AccessExperiment.self
    case .vectorize: VectorizeExperiment.self
    case .precision: PrecisionExperiment.self
    case .roofline: RooflineExperiment.self
    }
  }
}
