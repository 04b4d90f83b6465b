import AsyncBridge
import Testing

/// A trait for suites that talk to a live server over sockets: each test body runs with a task
/// executor of its own threads, so the test's awaits (a read after an interim 100, a shutdown in
/// flight) are never queued behind other suites' synchronous, CPU-heavy test bodies on Swift's
/// cooperative pool. Without it a parallel run on 2 cores could stall such a test past the
/// server's deadlines and turn a scheduling delay into a 408.
public struct LiveSocketsTrait: SuiteTrait, TestTrait, TestScoping {
  public var isRecursive: Bool { true }

  public func provideScope(
    for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
  ) async throws {
    guard testCase != nil || !test.isSuite else { return try await function() }
    try await withTaskExecutorPreference(testExecutor) { try await function() }
  }
}

extension Trait where Self == LiveSocketsTrait {
  /// Runs each test's body on dedicated threads (see ``LiveSocketsTrait``).
  public static var liveSockets: Self { LiveSocketsTrait() }
}

/// Dispatch-backed threads for the live-socket tests' own tasks.
let testExecutor = DispatchTaskExecutor(label: "hpclab.tests.live")
