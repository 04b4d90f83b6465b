/// Every job kind this machine runs, by name: `matmul` and the experiments, built once from the
/// runners that share one OpenCL backend.
public struct JobCatalog: Sendable {
  /// The kinds by name.
  public let kinds: [String: any JobKind]

  /// `tuned` is called with each configuration a `tune` job records (the server stores it).
  public init(
    matmul: MatmulRunner, experiments: ExperimentRunner,
    tuned: @escaping @Sendable (TuningTable.Entry) -> Void = { _ in }
  ) {
    var kinds: [String: any JobKind] = [
      "matmul": MatmulJob(runner: matmul), "tune": TuneJob(runner: matmul, recorded: tuned),
    ]
    for kind in ExperimentKind.allCases {
      kinds[kind.rawValue] = ExperimentJob(kind: kind, runner: experiments)
    }
    self.kinds = kinds
  }

  /// The kind's names, sorted.
  public var names: [String] { kinds.keys.sorted() }

  public subscript(name: String) -> (any JobKind)? { kinds[name] }
}
