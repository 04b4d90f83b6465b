import Compute
import JSON

/// A job kind as `GET /jobs/kinds` lists it: the kind's own description (one shape for every
/// kind), the questions whose answers link it, and where to `POST` it.
struct JobKindResponse {
  let info: JobKindInfo
  let questions: [Int]

  init(_ info: JobKindInfo, questions: [Int]) {
    self.info = info
    self.questions = questions
  }

  var json: JSONValue {
    guard case .object(var members) = JSONValue(encoding: info) else { return .null }
    members["reason"] = info.reason.map(JSONValue.string) ?? .null  // present, null when the kind runs
    members["questions"] = .array(questions.map(JSONValue.int))
    members["href"] = .string("/jobs/\(info.kind)")
    return .object(members.sortedByKey())
  }
}
