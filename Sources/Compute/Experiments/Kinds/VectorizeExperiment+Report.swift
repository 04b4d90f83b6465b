// The vectorize experiment's figures and summary.
extension VectorizeExperiment {
  func report(
    times: (interpreter: Double, loop: Double, simd: Double, blas: Double), blasName: String,
    verification: ExperimentVerification, session: ExperimentSession
  ) -> ExperimentReport {
    let figures = [
      ExperimentFigure(
        name: "interpreter_ns", value: times.interpreter, unit: "ns/element",
        label: "interpreter-style loop (boxed values, dynamic dispatch)"),
      ExperimentFigure(name: "loop_ns", value: times.loop, unit: "ns/element", label: "plain Swift loop"),
      ExperimentFigure(name: "simd_ns", value: times.simd, unit: "ns/element", label: "Swift loop over SIMD8<Double>"),
      ExperimentFigure(name: "blas_ns", value: times.blas, unit: "ns/element", label: blasName),
      ExperimentFigure(
        name: "interpreter_over_loop", value: times.interpreter / times.loop, unit: "×",
        label: "interpreter-style time over plain loop time"),
      ExperimentFigure(
        name: "loop_over_blas", value: times.loop / times.blas, unit: "×", label: "plain loop time over BLAS time"),
      ExperimentFigure(
        name: "interpreter_over_blas", value: times.interpreter / times.blas, unit: "×",
        label: "interpreter-style time over BLAS time"),
    ]
    let what = operation == "dot" ? "a dot product" : "y ← a·x + y"
    let summary =
      "For \(what) of n = \(Format.count(n)) float64 values, the interpreter-style loop took \(Format.number(times.interpreter)) ns per element, the plain Swift loop \(Format.number(times.loop)) ns, SIMD \(Format.number(times.simd)) ns and \(blasName) \(Format.number(times.blas)) ns: "
      + "the interpreter-style loop is \(Format.ratio(times.interpreter / times.loop)) slower than the tight loop and \(Format.ratio(times.interpreter / times.blas)) slower than BLAS. "
      + "The gap is per-element overhead (an allocation and two dynamic calls per element in this model of an interpreter, which Python pays too), not arithmetic; "
      + (operation == "dot"
        ? "the plain loop trails SIMD and BLAS because it must add in strict order, one addition waiting for the last."
        : "axpy streams three arrays, so the tight versions end up limited by memory bandwidth.")
    return ExperimentReport(
      figures: figures, series: [], verification: verification, device: session.hostDescription, summary: summary)
  }
}
