/// What one kind's run produced, before the runner adds the kind, parameters and timings.
struct ExperimentReport {
  var figures: [ExperimentFigure]
  var series: [ExperimentSeries]
  var verification: ExperimentVerification
  var device: String
  var summary: String
  /// Working sets the kind meant to come from memory beyond the caches, for the sanity checks.
  var workingSets: [SanityChecks.WorkingSet] = []
}
