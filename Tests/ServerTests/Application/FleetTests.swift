import FleetStore
import Foundation
import JSON
import Testing
import TestSupport

@testable import Application

/// The fleet's parts that need no PostgreSQL: routing fields, database addresses, which workers a
/// fan-out picks, and what a server without `--database` says of them. The fleet itself (servers,
/// workers and a real PostgreSQL as processes) is `scripts/fleet-check.sh`.
@Suite struct FleetTests {
  @Test func routingFieldsAreTakenOutOfTheBody() throws {
    let body: JSONValue = ["n": 64, "fleet": "all", "labels": ["gpu", "a100"]]
    let (routing, rest) = try FleetRouting.split(body)
    #expect(routing.fanOut == .all)
    #expect(routing.labels == ["gpu", "a100"])
    #expect(rest == ["n": 64])
    let (named, _) = try FleetRouting.split(["fleet": ["w1", "H200"]])
    #expect(named.fanOut == .matching(["w1", "H200"]))
    let (plain, same) = try FleetRouting.split(["n": 8])
    #expect(plain.firstField == nil && same == ["n": 8])
  }

  @Test(arguments: [
    ("fleet", JSONValue.int(7)), ("fleet", JSONValue.array([])), ("fleet", JSONValue.array([.string("")])),
    ("worker", JSONValue.string("")), ("worker", JSONValue.int(1)), ("labels", JSONValue.string("gpu")),
    ("labels", JSONValue.array([.int(1)])),
  ])
  func malformedRoutingIsRefusedNamingTheField(field: String, value: JSONValue) {
    #expect(throws: JobServiceError.self) { try FleetRouting.split(.object([(field, value)])) }
    do {
      _ = try FleetRouting.split(.object([(field, value)]))
    } catch {
      #expect(error.problem.extensions["field"] == .string(field))
      #expect(error.problem.status == 422)
    }
  }

  @Test func fleetAndWorkerTogetherAreRefused() {
    #expect(throws: JobServiceError.self) { try FleetRouting.split(["fleet": "all", "worker": "a"]) }
  }

  @Test func databaseAddressesParse_AndPasswordsStayOutOfDescriptions() throws {
    let url = try FleetDatabaseURL(parsing: "postgres://lab:s%40cret@db.example:6543/jobs?sslmode=require")
    #expect(url.host == "db.example" && url.port == 6543 && url.user == "lab" && url.password == "s@cret")
    #expect(url.database == "jobs" && url.sslMode == "require")
    #expect(!url.description.contains("cret"))
    let loopback = try FleetDatabaseURL(parsing: "postgresql://hpclab@127.0.0.1/hpclab")
    #expect(loopback.sslMode == "disable" && loopback.port == 5432)
    let socket = try FleetDatabaseURL(parsing: "postgres://hpclab@/hpclab?host=/run/postgresql")
    #expect(socket.socketDirectory == "/run/postgresql")
    for bad in ["mysql://x/y", "postgres://h:99999/db", "postgres://h/db?sslmode=verify", "not a url"] {
      #expect(throws: FleetStoreError.self, "\(bad)") { try FleetDatabaseURL(parsing: bad) }
    }
  }

  @Test func aFanOutPicksWorkersByNameLabelOrDeviceName() {
    let h200: JSONValue = [
      "id": "gpu1-1a2b", "name": "gpu1", "labels": ["gpu"],
      "devices": ["cuda": ["devices": [["name": "NVIDIA H200"]]], "opencl": ["platforms": []]],
    ]
    let laptop: JSONValue = ["id": "lap-9", "name": "laptop", "labels": [], "devices": ["cpu": "Intel Core i7"]]
    func names(_ fanOut: FleetRouting.FanOut, labels: [String] = []) -> [String] {
      JobService.workers([h200, laptop], matching: fanOut, labels: labels).compactMap { $0["name"]?.stringValue }
    }
    #expect(names(.all) == ["gpu1", "laptop"])
    #expect(names(.matching(["h200"])) == ["gpu1"])
    #expect(names(.matching(["gpu"])) == ["gpu1"], "a label")
    #expect(names(.matching(["laptop"])) == ["laptop"])
    #expect(names(.matching(["i7", "gpu1"])) == ["gpu1", "laptop"])
    #expect(names(.all, labels: ["gpu"]) == ["gpu1"], "a job's labels still apply")
    #expect(names(.matching(["nothing"])).isEmpty)
  }

  @Test func anEntryThatNamesAWorkerIsNotADeviceFragment() {
    let b: JSONValue = ["id": "b-1", "name": "b", "labels": [], "devices": ["cpu": "Xeon Processor"]]
    let c: JSONValue = ["id": "c-1", "name": "c", "labels": [], "devices": ["cpu": "Xeon Processor"]]
    let a: JSONValue = ["id": "a-1", "name": "a", "labels": [], "devices": ["cpu": "Xeon Processor"]]
    let chosen = JobService.workers([a, b, c], matching: .matching(["b", "c"]), labels: [])
    #expect(chosen.compactMap { $0["name"]?.stringValue } == ["b", "c"], "\"c\" is in \"Processor\", but it names worker c")
  }

  @Test func withoutADatabase_routingIsA422_WorkersListThisProcess_AndNoGroupExists() async throws {
    let application = try InProcessRoutesTests.makeApplication()
    let client = InProcessClient(application.makeResponder())
    let routed = await client.post("/jobs/matmul", json: #"{"n": 8, "fleet": "all"}"#)
    #expect(routed.status == 422)
    #expect(routed.json?["field"] as? String == "fleet")
    let worker = await client.post("/jobs/matmul", json: #"{"n": 8, "worker": "w1"}"#)
    #expect(worker.status == 422 && worker.json?["field"] as? String == "worker")
    let workers = await client.get("/workers")
    #expect(workers.status == 200 && workers.json?["mode"] as? String == "local")
    let list = try #require(workers.json?["workers"] as? [[String: Any]])
    #expect(list.count == 1 && (list[0]["lanes"] as? [String])?.first == "cpu")
    #expect(await client.get("/fleet/g123").status == 404)
    let plain = await client.post("/jobs/matmul", json: #"{"n": 8}"#)
    #expect(plain.status == 202 && plain.json?["fleet"] == nil, "a job in one process has no placement")
  }
}
