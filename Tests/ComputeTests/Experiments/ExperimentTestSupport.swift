import Compute
import Testing

/// One experiment runner for the test run, sharing the matmul runner's OpenCL devices and caches.
let experimentRunner = ExperimentRunner(openCL: sharedRunner.openCL)

/// The ComputeError thrown by `body`, or nil.
func computeError<T>(_ body: () throws -> T) -> ComputeError? {
  thrownError(body) as? ComputeError
}

/// Checks what every outcome must hold: it verified, its figures have units and labels, its
/// series have points, and its summary says something with numbers in it.
func expectWellFormed(
  _ outcome: ExperimentOutcome, kind: ExperimentKind, sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(outcome.kind == kind, sourceLocation: sourceLocation)
  #expect(outcome.verification.passed, "\(kind): \(outcome.verification.detail)", sourceLocation: sourceLocation)
  #expect(!outcome.verification.method.isEmpty, sourceLocation: sourceLocation)
  #expect(!outcome.figures.isEmpty, sourceLocation: sourceLocation)
  for figure in outcome.figures {
    #expect(!figure.unit.isEmpty && !figure.label.isEmpty, "\(kind).\(figure.name)", sourceLocation: sourceLocation)
  }
  for series in outcome.series {
    #expect(!series.points.isEmpty, "\(kind) series \(series.name)", sourceLocation: sourceLocation)
    #expect(!series.xUnit.isEmpty && !series.yUnit.isEmpty, sourceLocation: sourceLocation)
  }
  #expect(!outcome.timings.measurements.isEmpty, sourceLocation: sourceLocation)
  for measurement in outcome.timings.measurements {
    #expect(
      measurement.samples.count == measurement.repeats, "\(kind) \(measurement.name)", sourceLocation: sourceLocation)
    #expect(measurement.seconds.min > 0, sourceLocation: sourceLocation)
  }
  #expect(
    outcome.summary.contains { $0.isNumber }, "\(kind) summary: \(outcome.summary)", sourceLocation: sourceLocation)
  #expect(!outcome.device.isEmpty, sourceLocation: sourceLocation)
  // Every parameter of the kind is reported as used.
  #expect(Set(outcome.parameters.values.keys) == Set(kind.parameters.map(\.name)), sourceLocation: sourceLocation)
}
