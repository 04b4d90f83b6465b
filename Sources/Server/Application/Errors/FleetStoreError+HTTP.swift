import FleetStore
import HTTP

/// How the fleet database's failures reach a client: the request was fine, the database was not
/// (503 with `Retry-After`); the address itself is checked at start and never reaches here.
extension FleetStoreError: HTTPResponseError {
  public var problem: Problem {
    Problem(
      status: .serviceUnavailable, detail: "The fleet's job database did not answer: \(self)", headers: ["Retry-After": "5"])
  }
}
