import Dispatch
import Testing

@testable import Compute

@Suite("Experiment cancellation and progress")
struct ExperimentCancellationTests {
  /// Runs `kind`, cancelling its token from the progress callback once `threshold` is passed.
  /// Returns the error and the last fraction reported before it.
  func cancelMidway(_ kind: ExperimentKind, _ parameters: [String: JobValue], at threshold: Double) -> (
    ComputeError?, Double
  ) {
    let token = CancellationToken()
    var last = 0.0
    let error = computeError {
      try experimentRunner.run(kind, parameters: parameters, token: token) { fraction in
        last = fraction
        if fraction >= threshold { token.cancel() }
      }
    }
    return (error, last)
  }

  @Test(
    "cancelling mid-sweep stops with the cancelled error",
    arguments: [
      (
        ExperimentKind.access,
        ["n": 32, "array_mib": 1, "max_stride": 65536, "repeats": 2] as [String: JobValue]
      ),
      (.summation, ["max_n": 100_000, "points_per_decade": 4, "repeats": 2]),
      (.solve, ["n": 20, "hilbert_max": 16, "repeats": 1]),
      (.bandwidth, ["n": 2048, "repeats": 5, "peak_gflops": 1]),
      (.vectorize, ["n": 2000, "repeats": 5]),
    ])
  func cancellingMidSweepStops(kind: ExperimentKind, parameters: [String: JobValue]) {
    let (error, last) = cancelMidway(kind, parameters, at: 0.3)
    #expect(error?.code == .cancelled)
    #expect(last >= 0.3 && last < 1)
  }

  @Test(
    "cancelling an OpenCL sweep between launches stops with the cancelled error", .enabled(if: openCLAvailable),
    arguments: [
      (
        ExperimentKind.coalescing,
        ["n": 4096, "max_stride": 64, "transpose_n": 32, "repeats": 2] as [String: JobValue]
      ),
      (.peak, ["work_items": 128, "iterations": 16, "repeats": 5]),
      (.divergence, ["n": 512, "work": 4, "repeats": 5]),
      (.reduction, ["n": 4096, "repeats": 5]),
    ])
  func cancellingAnOpenCLSweepStops(kind: ExperimentKind, parameters: [String: JobValue]) {
    let (error, last) = cancelMidway(kind, parameters, at: 0.3)
    #expect(error?.code == .cancelled)
    #expect(last < 1)
  }

  @Test func aTokenCancelledBeforeTheStartReportsNoProgress() {
    let token = CancellationToken()
    token.cancel(.timedOut(seconds: 5))
    var reports = 0
    let error = computeError {
      try experimentRunner.run(.summation, parameters: ["max_n": 1000], token: token) { _ in reports += 1 }
    }
    #expect(error?.code == .timedOut)
    #expect(reports == 0)
  }

  @Test func progressRisesToOne() throws {
    var fractions: [Double] = []
    _ = try experimentRunner.run(.access, parameters: ["n": 16, "array_mib": 1, "max_stride": 64, "repeats": 2]) {
      fractions.append($0)
    }
    #expect(fractions.last == 1)
    #expect(zip(fractions, fractions.dropFirst()).allSatisfy { $0 <= $1 })
    #expect(fractions.count > 3)
  }

  @Test func aPoolJobIsCancelledByThePool() throws {
    let pool = WorkerPool()
    let parameters: [String: JobValue] = ["max_n": 10_000_000, "points_per_decade": 4, "repeats": 20]
    let used = try experimentRunner.validate(.summation, parameters: parameters)
    let done = Completion<ExperimentOutcome>()
    try pool.submit(
      id: "sum", lane: experimentRunner.lane(for: .summation, parameters: used),
      work: { try experimentRunner.run(.summation, parameters: used.values, context: $0) }, completion: done.fulfil)
    #expect(
      eventually {
        if case .running(_, let progress, _) = pool.status(of: "sum") { return progress > 0 }
        return done.current != nil
      })
    pool.cancel(id: "sum")
    #expect(errorCode(done.wait()) == .cancelled)
  }
}
