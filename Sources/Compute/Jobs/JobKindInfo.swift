/// A job kind as `GET /jobs/kinds` lists it, one shape for every kind. JSON keys: `kind`,
/// `title`, `description`, `opencl` (`required`, `optional`, `none`), `available`, `reason`,
/// `parameters`.
public struct JobKindInfo: Sendable, Codable, Equatable {
  /// The name in `POST /jobs/{kind}`.
  public var kind: String
  public var title: String
  public var description: String
  public var openCL: ExperimentKind.OpenCLUse
  /// Whether it can run here with its defaults (false for an OpenCL kind without a device).
  public var available: Bool
  /// Why it cannot run here; `nil` when it can.
  public var reason: String?
  /// Its parameters, with this machine's values filled in for machine-dependent defaults.
  public var parameters: [JobParameter]

  enum CodingKeys: String, CodingKey {
    case kind, title, description
    case openCL = "opencl"
    case available, reason, parameters
  }
}
