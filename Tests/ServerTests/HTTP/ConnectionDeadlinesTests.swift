import Testing
import TestSupport

@testable import HTTP

/// The connection's timeouts as a state machine, driven with plain times: no sockets, no sleeps.
@Suite struct ConnectionDeadlinesTests {
  let limits = ConnectionDeadlines.Limits(headerTimeout: 10, bodyTimeout: 30, idleTimeout: 60, writeTimeout: 20)

  @Test func aSilentNewConnectionClosesAfterTheHeaderTimeout() {
    let deadlines = ConnectionDeadlines(limits: limits, openedAt: 0)
    #expect(deadlines.check(at: 10, .init()) == .none)
    #expect(deadlines.check(at: 10.1, .init()) == .close)
  }

  @Test func aDribbledHeadGets408AfterTheHeaderTimeout_FromItsFirstByte() {
    var deadlines = ConnectionDeadlines(limits: limits, openedAt: 0)
    deadlines.requestBegan(at: 5)
    deadlines.requestBegan(at: 9)  // later bytes do not move the start
    #expect(deadlines.check(at: 15, .init(midRequest: true)) == .none)
    #expect(deadlines.check(at: 15.5, .init(midRequest: true)) == .requestTimeout)
  }

  @Test func aBodyHasTheHeaderAndBodyTimeoutsTogether() {
    var deadlines = ConnectionDeadlines(limits: limits, openedAt: 0)
    deadlines.requestBegan(at: 0)
    #expect(deadlines.check(at: 39, .init(midRequest: true, readingBody: true)) == .none)
    #expect(deadlines.check(at: 41, .init(midRequest: true, readingBody: true)) == .requestTimeout)
  }

  @Test func aReplyInTheMakingHasNoDeadline_ThenTheIdleTimeoutApplies() {
    var deadlines = ConnectionDeadlines(limits: limits, openedAt: 0)
    deadlines.requestBegan(at: 1)
    deadlines.requestReceived()
    #expect(deadlines.check(at: 500, .init(replying: true)) == .none)
    deadlines.becameIdle(at: 500)
    #expect(deadlines.check(at: 559, .init()) == .none, "after a request the idle timeout, not the header one")
    #expect(deadlines.check(at: 561, .init()) == .close)
  }

  @Test func queuedOutputIsNotIdle_AndABlockedWriteClosesAfterTheWriteTimeout() {
    var deadlines = ConnectionDeadlines(limits: limits, openedAt: 0)
    #expect(deadlines.check(at: 100, .init(outputPending: true)) == .none)
    deadlines.writeBlocked(at: 100)
    deadlines.writeBlocked(at: 110)
    #expect(deadlines.check(at: 119, .init(replying: true, outputPending: true)) == .none)
    #expect(deadlines.check(at: 121, .init(replying: true, outputPending: true)) == .close)
    deadlines.writeDrained()
    #expect(deadlines.check(at: 121, .init(replying: true)) == .none)
  }
}

/// The same deadlines in a live server whose clock the test moves: the 408 and the idle close
/// come as soon as the clock passes them (within one sweep, a quarter second), not after waiting.
@Suite(.liveSockets) struct MovedClockTimeoutTests {
  func start(_ clock: ManualClock) throws -> TestServer {
    var router = Router(logger: .init(label: "t"))
    router.get("/hello") { _, _ in .text("hello") }
    return try TestServer(responder: router) { $0.clock = clock }
  }

  @Test func aHalfSentHeadIsAnswered408WhenTheClockPassesTheHeaderTimeout() async throws {
    let clock = ManualClock()
    let server = try start(clock)
    let client = try server.client()
    try client.send("GET /hello HTTP/1.1\r\nHost: t\r\nX-Slow: ")
    try await Task.sleep(for: .milliseconds(300))  // let the server read it; no deadline has passed
    #expect(server.server.openConnections == 1)
    clock.advance(by: 11)
    #expect(try await client.readResponse().status == 408)
    #expect(await client.waitForClose())
    await server.stop()
  }

  @Test func anIdleKeptAliveConnectionClosesWhenTheClockPassesTheIdleTimeout() async throws {
    let clock = ManualClock()
    let server = try start(clock)
    let client = try server.client()
    try client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
    #expect(try await client.readResponse().status == 200)
    try await Task.sleep(for: .milliseconds(300))  // the server marks the connection idle after its write
    clock.advance(by: 59)
    try await Task.sleep(for: .milliseconds(400))
    #expect(server.server.openConnections == 1, "59 s of 60: still open")
    clock.advance(by: 2)
    #expect(await client.waitForClose())
    await server.stop()
  }
}
