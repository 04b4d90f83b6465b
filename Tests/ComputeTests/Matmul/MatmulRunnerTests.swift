import Testing
@testable import Compute

@Suite("MatmulRunner")
struct MatmulRunnerTests {
  static let hostBackends: [Backend] = [.blas, .cpuNaive]

  @Test("host backends match the float64 reference on edge shapes", arguments: hostBackends, DType.allCases)
  func hostBackendsMatchReference(backend: Backend, dtype: DType) throws {
    for shape in edgeShapes {
      let spec = MatmulSpec(m: shape.m, k: shape.k, n: shape.n, dtype: dtype, backend: backend, repeats: 1, seed: 7)
      let outcome = try sharedRunner.run(spec)
      #expect(outcome.c.rows == shape.m && outcome.c.columns == shape.n)
      #expect(outcome.c.dtype == dtype)
      #expect(outcome.summary.maxRelError <= tolerance(dtype), "\(backend) \(dtype) \(shape)")
    }
  }

  @Test(
    "every OpenCL kernel matches the float64 reference on edge shapes",
    .enabled(if: openCLAvailable), arguments: MatmulKernel.allCases, DType.allCases)
  func openCLKernelsMatchReference(kernel: MatmulKernel, dtype: DType) throws {
    for shape in edgeShapes {
      let spec = MatmulSpec(
        m: shape.m, k: shape.k, n: shape.n, dtype: dtype, backend: .opencl, kernel: kernel, repeats: 1, seed: 11)
      let outcome = try sharedRunner.run(spec)
      #expect(outcome.summary.kernel == kernel.rawValue)
      #expect(outcome.summary.maxRelError <= tolerance(dtype), "\(kernel) \(dtype) \(shape): \(outcome.summary)")
    }
  }
}
