import JSON
/// A predict-then-measure exercise on a hardware question: the reader writes down a prediction,
/// runs the linked experiment, and the page shows the prediction beside the measurement.
///
/// Front matter: `{prompt, experiment: {kind, params}, observe, explanation}`.
/// JSON keys: `prompt`, `kind`, `params`, `observe`, `explanation`.
public struct Exercise: Sendable, Hashable, Codable {
  /// What to predict, asked before the run.
  public var prompt: String
  /// The job kind that measures it (checked against the server's kinds, like ``Experiment``).
  public var kind: String
  /// The job's parameters, an object.
  public var params: JSONValue
  /// Which figure of the result answers the prompt.
  public var observe: String
  /// What to expect and why, shown after the run.
  public var explanation: String

  public init(prompt: String, kind: String, params: JSONValue = .emptyObject, observe: String, explanation: String) {
    self.prompt = prompt
    self.kind = kind
    self.params = params
    self.observe = observe
    self.explanation = explanation
  }
}
