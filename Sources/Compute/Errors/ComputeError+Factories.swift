// Factories that phrase each error the same way wherever it is raised.
extension ComputeError {
  static func invalidDimension(_ field: String, _ value: Int) -> ComputeError {
    ComputeError(.invalidDimension, field: field, message: "\(field) must be at least 1, got \(value)")
  }

  static func dimensionTooLarge(_ field: String, _ value: Int, limit: Int) -> ComputeError {
    ComputeError(
      .dimensionTooLarge, field: field, message: "\(field) = \(value) exceeds the limit of \(limit)",
      limit: limit)
  }

  static func invalidRepeats(_ value: Int, limit: Int) -> ComputeError {
    ComputeError(
      .invalidRepeats, field: "repeats", message: "repeats must be in 1...\(limit), got \(value)",
      limit: limit)
  }

  static func unknownValue(_ code: Code, field: String, value: String, allowed: [String]) -> ComputeError {
    ComputeError(
      code, field: field,
      message: "unknown \(field) '\(value)'; expected one of \(allowed.joined(separator: ", "))",
      available: allowed)
  }

  static func cancelled(_ reason: CancellationToken.Reason) -> ComputeError {
    switch reason {
    case .requested: ComputeError(.cancelled, message: "the job was cancelled")
    case .timedOut(let seconds):
      ComputeError(.timedOut, message: "the job ran past its timeout of \(formatSeconds(seconds)) and was cancelled")
    case .shutdown: ComputeError(.shuttingDown, message: "the job was cancelled because the worker pool is shutting down")
    }
  }

  static func openCL(_ error: OpenCLError) -> ComputeError {
    ComputeError(.deviceFailure, message: error.description, buildLog: error.buildLog)
  }
}

/// `1.5 s`, `300 s`: seconds without a trailing `.0` when whole.
func formatSeconds(_ seconds: Double) -> String {
  seconds.rounded() == seconds ? "\(Int(seconds)) s" : "\(seconds) s"
}
