/// What one kind's run produced, before the runner adds the kind, parameters and timings.
struct ExperimentReport {
  var figures: [ExperimentFigure]
  var series: [ExperimentSeries]
  var verification: ExperimentVerification
  var device: String
  var summary: String
}
