/// Turns "pieces done out of a known total" into monotone fractions for a progress callback.
///
/// Work is measured in multiply-adds so that a progress bar moves evenly through
/// warm-up, repeats and the reference product whatever their split into pieces.
struct ProgressMeter {
  private let total: Double
  private var done: Double = 0
  private var lastReported: Double = -1
  private let report: (Double) -> Void

  init(totalUnits: Double, report: @escaping (Double) -> Void) {
    self.total = max(totalUnits, 1)
    self.report = report
  }

  /// Adds `units` of finished work and reports the new fraction when it moved by at least 0.1 %.
  mutating func advance(by units: Double) {
    done += units
    let fraction = min(done / total, 1)
    if fraction - lastReported >= 0.001 || fraction == 1 {
      lastReported = fraction
      report(fraction)
    }
  }

  /// Reports 1, once, at the very end.
  mutating func finish() {
    if lastReported < 1 {
      lastReported = 1
      report(1)
    }
  }
}
