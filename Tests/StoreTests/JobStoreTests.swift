import Content
import Foundation
import Testing

@testable import Store

@Suite("Jobs persistence")
struct JobStoreTests {
  @Test func insertAndGet_RoundTripEveryField() throws {
    let temporary = try TemporaryStore()
    defer { temporary.remove() }
    let store = temporary.store
    let created = Date(timeIntervalSince1970: 1_800_000_000.123)
    let inserted = try store.insertJob(NewJob(
      kind: "matmul", spec: ["n": 512, "dtype": "float32", "backend": ["cpu", "gpu"]],
      idempotencyKey: "key-1", requestHash: "h1", createdAt: created))
    guard case .inserted(let job) = inserted else {
      Issue.record("expected .inserted, got \(inserted)")
      return
    }
    #expect(job.id.count == 16 && job.id.allSatisfy(\.isHexDigit))
    #expect(job.status == .queued)
    #expect(job.progress == 0)
    #expect(job.createdAt == created.truncatedToMilliseconds)
    #expect(try store.job(id: job.id) == job)
    #expect(try store.job(id: "missing") == nil)
    #expect(try store.job(idempotencyKey: "key-1") == job)
    #expect(try store.job(idempotencyKey: "key-2") == nil)
  }

  @Test func idempotencyKey_ReturnsExistingOrConflict() throws {
    let temporary = try TemporaryStore()
    defer { temporary.remove() }
    let store = temporary.store
    let first = try store.insertJob(NewJob(kind: "matmul", spec: ["n": 1], idempotencyKey: "k", requestHash: "same")).job
    #expect(try store.insertJob(NewJob(kind: "matmul", spec: ["n": 1], idempotencyKey: "k", requestHash: "same")) == .existing(first))
    #expect(try store.insertJob(NewJob(kind: "matmul", spec: ["n": 2], idempotencyKey: "k", requestHash: "other")) == .conflict(first))
    // Jobs without a key never collide.
    let a = try store.insertJob(NewJob(kind: "matmul", spec: [:])).job
    let b = try store.insertJob(NewJob(kind: "matmul", spec: [:])).job
    #expect(a.id != b.id)
    #expect(try store.jobs().count == 3)
  }

  @Test func lifecycle_UpdatesStatusProgressTimingsAndResult() throws {
    let temporary = try TemporaryStore()
    defer { temporary.remove() }
    let store = temporary.store
    let job = try store.insertJob(NewJob(id: "job-1", kind: "matmul", spec: ["n": 4])).job

    let running = try store.updateJob(id: job.id, .running())
    #expect(running.status == .running)
    #expect(running.startedAt != nil)
    #expect(try store.updateJob(id: job.id, .progress(0.5)).progress == 0.5)
    #expect(try store.updateJob(id: job.id, .progress(7)).progress == 1, "progress is clamped")

    let payload = Data("\u{93}NUMPY fake payload".utf8)
    let done = try store.updateJob(
      id: job.id, .succeeded(result: ["checksum": 12.5], timings: ["compute_ms": 3.25]), payload: payload)
    #expect(done.status == .succeeded)
    #expect(done.finishedAt != nil)
    #expect(done.result == ["checksum": 12.5])
    #expect(done.timings == ["compute_ms": 3.25])
    #expect(done.resultPayloadBytes == payload.count)
    #expect(try store.job(id: job.id) == done)
    #expect(try store.resultPayload(forJob: job.id) == payload)
    #expect(store.resultPayloadURL(forJob: job.id)?.lastPathComponent == "job-1.npy")
  }

  @Test func finishedJobs_RefuseEveryChange() throws {
    let temporary = try TemporaryStore()
    defer { temporary.remove() }
    let store = temporary.store
    let job = try store.insertJob(NewJob(kind: "matmul", spec: [:])).job
    try store.updateJob(id: job.id, .cancelled(reason: "client asked"))
    #expect(throws: StoreError.invalidTransition(id: job.id, from: .cancelled, to: .succeeded)) {
      try store.updateJob(id: job.id, .succeeded(result: nil), payload: Data([1, 2, 3]))
    }
    #expect(store.resultPayloadURL(forJob: job.id) == nil, "a refused update leaves no payload file")
    #expect(throws: StoreError.invalidTransition(id: job.id, from: .cancelled, to: .cancelled)) {
      try store.updateJob(id: job.id, .progress(0.9))
    }
    #expect(try store.job(id: job.id)?.error?["detail"] == "client asked")
    #expect(try store.job(id: job.id)?.error?["status"] == 409)
  }

  @Test func invalidTransitionsAndIDs_AreTypedErrors() throws {
    let temporary = try TemporaryStore()
    defer { temporary.remove() }
    let store = temporary.store
    let job = try store.insertJob(NewJob(kind: "matmul", spec: [:])).job
    try store.updateJob(id: job.id, .running())
    #expect(throws: StoreError.invalidTransition(id: job.id, from: .running, to: .queued)) {
      try store.updateJob(id: job.id, JobUpdate(status: .queued))
    }
    #expect(throws: StoreError.jobNotFound("nope")) { try store.updateJob(id: "nope", .running()) }
    #expect(throws: StoreError.invalidJobID("../etc/passwd")) {
      try store.insertJob(NewJob(id: "../etc/passwd", kind: "x", spec: [:]))
    }
    #expect(throws: StoreError.invalidJobID("")) { try store.updateJob(id: "", .running()) }
  }

  @Test func listRecent_FiltersByStatusNewestFirst() throws {
    let temporary = try TemporaryStore()
    defer { temporary.remove() }
    let store = temporary.store
    let base = Date(timeIntervalSince1970: 1_800_000_000)
    for index in 0..<5 {
      let job = try store.insertJob(NewJob(id: "j\(index)", kind: "k", spec: [:], createdAt: base + Double(index))).job
      if index.isMultiple(of: 2) { try store.updateJob(id: job.id, .running()) }
    }
    #expect(try store.jobs().map(\.id) == ["j4", "j3", "j2", "j1", "j0"])
    #expect(try store.jobs(limit: 2).map(\.id) == ["j4", "j3"])
    #expect(try store.jobs(status: .running).map(\.id) == ["j4", "j2", "j0"])
    #expect(try store.jobs(status: .queued).map(\.id) == ["j3", "j1"])
    #expect(try store.jobCounts() == [.running: 3, .queued: 2])
  }

  @Test func recoverAfterRestart_FailsRunningAndReturnsQueuedOldestFirst() throws {
    let temporary = try TemporaryStore()
    defer { temporary.remove() }
    let base = Date(timeIntervalSince1970: 1_800_000_000)
    let store = temporary.store
    for (index, id) in ["q2", "r1", "q1", "done"].enumerated() {
      _ = try store.insertJob(NewJob(id: id, kind: "k", spec: [:], createdAt: base + Double(10 - index)))
    }
    try store.updateJob(id: "r1", .running())
    try store.updateJob(id: "done", .running())
    try store.updateJob(id: "done", .succeeded(result: ["ok": true]))

    let reopened = try temporary.reopen()
    let recovery = try reopened.recoverAfterRestart()
    #expect(recovery.interrupted.map(\.id) == ["r1"])
    #expect(recovery.interrupted.first?.status == .failed)
    #expect(recovery.interrupted.first?.error?["detail"] == "interrupted by restart")
    #expect(recovery.interrupted.first?.error?["type"] == "about:blank")
    #expect(recovery.queued.map(\.id) == ["q1", "q2"])
    #expect(try reopened.job(id: "r1")?.status == .failed)
    #expect(try reopened.job(id: "r1")?.finishedAt != nil)
    #expect(try reopened.job(id: "done")?.status == .succeeded)
    #expect(try reopened.recoverAfterRestart().interrupted.isEmpty)
  }

  @Test func prune_DeletesOldFinishedJobsAndTheirFiles() throws {
    let temporary = try TemporaryStore()
    defer { temporary.remove() }
    let store = temporary.store
    let now = Date()
    for index in 0..<6 {
      let id = "f\(index)"
      _ = try store.insertJob(NewJob(id: id, kind: "k", spec: [:]))
      // f0, f1 finished two days ago; f2…f5 a minute apart, recently.
      let finished = index < 2 ? now - 2 * 86_400 : now - Double(600 - index * 60)
      try store.updateJob(id: id, .succeeded(result: nil, at: finished), payload: Data([UInt8(index)]))
    }
    _ = try store.insertJob(NewJob(id: "old-queued", kind: "k", spec: [:], createdAt: now - 10 * 86_400))
    _ = try store.insertJob(NewJob(id: "old-running", kind: "k", spec: [:], createdAt: now - 10 * 86_400))
    try store.updateJob(id: "old-running", .running(at: now - 9 * 86_400))
    let orphan = temporary.directory.appendingPathComponent("results/orphan.npy")
    try Data([9]).write(to: orphan)
    try FileManager.default.setAttributes([.modificationDate: now - 3 * 86_400], ofItemAtPath: orphan.path)

    let deleted = try store.pruneJobs(olderThan: now - 86_400, keepingAtMost: 3)
    #expect(deleted == 3)  // f0, f1 by age; f2 by count
    let remaining = Set(try store.jobs().map(\.id))
    #expect(remaining == ["f3", "f4", "f5", "old-queued", "old-running"])
    for index in 0..<3 { #expect(store.resultPayloadURL(forJob: "f\(index)") == nil) }
    for index in 3..<6 { #expect(store.resultPayloadURL(forJob: "f\(index)") != nil) }
    #expect(!FileManager.default.fileExists(atPath: orphan.path))
  }

  @Test func jobJSON_UsesSnakeCaseAndISO8601Milliseconds() throws {
    let job = JobRecord(
      id: "abc", kind: "matmul", status: .succeeded, spec: ["n": 2], progress: 1,
      createdAt: Date(timeIntervalSince1970: 1_800_000_000.5), startedAt: nil,
      finishedAt: Date(timeIntervalSince1970: 1_800_000_001.25), result: ["ok": true],
      idempotencyKey: "k", resultPayloadBytes: 80)
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    let json = String(decoding: try encoder.encode(job), as: UTF8.self)
    #expect(json.contains(#""created_at":"2027-01-15T08:00:00.500Z""#))
    #expect(json.contains(#""finished_at":"2027-01-15T08:00:01.250Z""#))
    #expect(json.contains(#""idempotency_key":"k""#))
    #expect(json.contains(#""result_payload_bytes":80"#))
    #expect(!json.contains("started_at"))
    #expect(try JSONDecoder().decode(JobRecord.self, from: Data(json.utf8)) == job)
  }

  @Test func concurrentInsertsWithOneKey_CreateOneJob() async throws {
    let temporary = try TemporaryStore()
    defer { temporary.remove() }
    let store = temporary.store
    let ids = try await withThrowingTaskGroup(of: String.self) { group in
      for _ in 0..<16 {
        group.addTask { try store.insertJob(NewJob(kind: "k", spec: [:], idempotencyKey: "same", requestHash: "h")).job.id }
      }
      return try await group.reduce(into: Set<String>()) { $0.insert($1) }
    }
    #expect(ids.count == 1)
  }
}

extension Date {
  var truncatedToMilliseconds: Date {
    Date(timeIntervalSince1970: (timeIntervalSince1970 * 1000).rounded(.down) / 1000)
  }
}
