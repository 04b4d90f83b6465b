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
