/// The one error type that the Compute module's entry points throw.
///
/// Callers match on ``code`` and read ``field`` to name the offending input:
///
/// ```swift
/// do { try runner.validate(spec) }                       // throws(ComputeError)
/// catch where error.code == .memoryBudgetExceeded { … error.limit … }
///
/// do { try await pool.run(id: id, lane: lane) { … } }    // untyped throws
/// catch let error as ComputeError where error.code == .queueFull { … }
/// ```
///
/// (`Code` is an enum, so `catch ComputeError.Code.queueFull` would be an enum-case pattern
/// against the error itself and does not compile; use `where`.)
///
/// The module knows nothing about HTTP: mapping codes to statuses is the server's job.
public struct ComputeError: Error, Sendable, Equatable, CustomStringConvertible {
  /// What went wrong, as a stable machine-readable code (the raw value is snake_case).
  public enum Code: String, Sendable, Codable, CaseIterable {
    // Validation of a spec: the caller sent something wrong.
    /// A dimension (`m`, `k`, `n`) or a size is zero or negative.
    case invalidDimension = "invalid_dimension"
    /// A dimension exceeds ``ComputeLimits/maxDimension``.
    case dimensionTooLarge = "dimension_too_large"
    /// `repeats` is outside `1...ComputeLimits.maxRepeats`.
    case invalidRepeats = "invalid_repeats"
    /// The `dtype` string names no ``DType``.
    case unknownDType = "unknown_dtype"
    /// The `backend` string names no ``Backend``.
    case unknownBackend = "unknown_backend"
    /// The `kernel` string names no ``MatmulKernel``, or a kernel was given for a backend without kernels.
    case unknownKernel = "unknown_kernel"
    /// The `device` index names no OpenCL device.
    case unknownDevice = "unknown_device"
    /// float64 was asked of an OpenCL device without `cl_khr_fp64`.
    case fp64Unsupported = "fp64_unsupported"
    /// An explicit matrix has rows of different lengths, or no rows.
    case raggedMatrix = "ragged_matrix"
    /// Explicit matrices do not match each other or the stated `m`, `k`, `n`.
    case shapeMismatch = "shape_mismatch"
    /// An explicit matrix holds a NaN, an infinity, or (for float32) a value beyond float32's range;
    /// or an experiment parameter has the wrong type, lies outside its `min`…`max` (``limit`` is the
    /// bound crossed) or is not one of its allowed values (listed in ``available``).
    case invalidValue = "invalid_value"
    /// Neither a seed nor both explicit matrices were given, or only one of `a` and `b`.
    case missingInput = "missing_input"
    /// The job's estimated memory exceeds ``ComputeLimits/memoryBudgetBytes`` (see ``limit``), or an
    /// experiment's estimated memory or run time exceeds ``ExperimentRunner/Configuration``'s budgets
    /// (``limit`` in bytes or seconds; ``message`` says which).
    case memoryBudgetExceeded = "memory_budget_exceeded"
    /// The backend cannot run here (see ``available`` for those that can, and ``message`` for why).
    case backendUnavailable = "backend_unavailable"

    // The worker pool.
    /// The pool's queue holds ``WorkerPool/Configuration/queueCapacity`` jobs already.
    case queueFull = "queue_full"
    /// A job with this id is already queued or running.
    case duplicateJob = "duplicate_job"
    /// The pool is shutting down or stopped and takes no new jobs; queued jobs end with this too.
    case shuttingDown = "shutting_down"

    // The end of a job.
    /// The job was cancelled (by ``WorkerPool/cancel(id:)`` or its ``CancellationToken``).
    case cancelled
    /// The job ran past its timeout and was cancelled.
    case timedOut = "timed_out"

    // Failures below us.
    /// An OpenCL call failed (``message`` names the call and status; ``buildLog`` holds a build log).
    case deviceFailure = "device_failure"
    /// LAPACK found the matrix singular (`gesv` info > 0).
    case singularMatrix = "singular_matrix"
    /// An argument to a library call was invalid (a programming error on the caller's side), or an
    /// experiment was given a parameter (``field``) or a kind it does not know (``available`` lists the known ones).
    case invalidArgument = "invalid_argument"
    /// A `.npy` file could not be read.
    case malformedNPY = "malformed_npy"
  }

  /// The code to match on.
  public var code: Code
  /// The input field at fault (`"m"`, `"dtype"`, `"a"`, …), or `nil` when no single field is.
  public var field: String?
  /// A sentence for people, naming the field, the value and the rule.
  public var message: String
  /// The limit that was exceeded, where there is one (bytes for memory, elements for a dimension).
  public var limit: Int?
  /// The values that would have been accepted (available backends, kernels, dtypes), where known.
  public var available: [String]?
  /// The OpenCL compiler's build log, for a failed program build.
  public var buildLog: String?

  /// Makes an error; prefer the static factories, which phrase the message consistently.
  public init(
    _ code: Code, field: String? = nil, message: String, limit: Int? = nil,
    available: [String]? = nil, buildLog: String? = nil
  ) {
    self.code = code
    self.field = field
    self.message = message
    self.limit = limit
    self.available = available
    self.buildLog = buildLog
  }

  public var description: String { "\(code.rawValue): \(message)" }
}
