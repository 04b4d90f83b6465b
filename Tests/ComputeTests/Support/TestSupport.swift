import Dispatch
import Foundation
import Synchronization
import Compute

/// One runner for the whole test run, as the server has one: OpenCL devices and program caches shared.
let sharedRunner = MatmulRunner()

/// Whether an OpenCL device is present (PoCL's CPU device here); OpenCL tests are skipped otherwise.
let openCLAvailable = sharedRunner.openCL.availability == .available

/// Shapes that catch edge handling: scalars, primes just past tile sizes, and non-square products.
let edgeShapes: [(m: Int, k: Int, n: Int)] = [(1, 1, 1), (17, 17, 17), (129, 129, 129), (17, 33, 5), (5, 70, 66)]

/// Allowed max-norm relative error against the float64 reference, per dtype.
func tolerance(_ dtype: DType) -> Double { dtype == .float32 ? 1e-5 : 1e-12 }

/// An error thrown by `body`, or nil; for `#expect` on typed errors with details.
func thrownError<T>(_ body: () throws -> T) -> (any Error)? {
  do {
    _ = try body()
    return nil
  } catch {
    return error
  }
}

/// A one-shot result box that a completion handler fills and a test waits on.
final class Completion<T: Sendable>: Sendable {
  private let box = Mutex<Result<T, any Error>?>(nil)
  private let done = DispatchSemaphore(value: 0)

  func fulfil(_ result: Result<T, any Error>) {
    box.withLock { $0 = result }
    done.signal()
  }

  /// The result, waiting up to `seconds` for it; nil if it did not come.
  func wait(seconds: Double = 30) -> Result<T, any Error>? {
    guard done.wait(timeout: .now() + seconds) == .success else { return nil }
    done.signal()
    return box.withLock { $0 }
  }

  /// The result if it has come, without waiting.
  var current: Result<T, any Error>? { box.withLock { $0 } }
}

/// A gate that jobs wait on until the test opens it (bounded, so a broken test cannot hang).
final class Gate: Sendable {
  private let semaphore = DispatchSemaphore(value: 0)
  func open() { for _ in 0..<64 { semaphore.signal() } }
  func wait(seconds: Double = 30) { _ = semaphore.wait(timeout: .now() + seconds) }
}

/// Polls `condition` every 5 ms for up to `seconds`; returns whether it became true.
func eventually(seconds: Double = 30, _ condition: () -> Bool) -> Bool {
  let deadline = DispatchTime.now() + seconds
  while DispatchTime.now() < deadline {
    if condition() { return true }
    usleep(5_000)
  }
  return condition()
}

/// The ComputeError code of a Result's failure, or nil.
func errorCode<T>(_ result: Result<T, any Error>?) -> ComputeError.Code? {
  guard case .failure(let error) = result else { return nil }
  return (error as? ComputeError)?.code
}

/// Polls `condition` without holding a thread: for async tests whose condition depends on a task
/// that needs one of the cooperative pool's (two, on 2 cores) threads to start.
func eventuallyAsync(seconds: Double = 30, _ condition: () -> Bool) async -> Bool {
  let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
  while ContinuousClock.now < deadline {
    if condition() { return true }
    try? await Task.sleep(for: .milliseconds(5))
  }
  return condition()
}
