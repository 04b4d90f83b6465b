import Testing
@testable import Compute

@Suite("BLAS and LAPACK")
struct BLASTests {
  @Test func gemmMultipliesRowMajorMatrices() {
    // [1 2 3; 4 5 6] · [7 8; 9 10; 11 12] = [58 64; 139 154]
    #expect(BLAS.gemm(m: 2, k: 3, n: 2, a: [1, 2, 3, 4, 5, 6] as [Float], b: [7, 8, 9, 10, 11, 12]) == [58, 64, 139, 154])
    #expect(BLAS.gemm(m: 2, k: 3, n: 2, a: [1, 2, 3, 4, 5, 6] as [Double], b: [7, 8, 9, 10, 11, 12]) == [58, 64, 139, 154])
  }

  @Test func infoDescribesOpenBLAS() {
    let info = BLAS.info
    #expect(info.name == "OpenBLAS")
    #expect(info.config.contains("OpenBLAS"))
    #expect(info.threads >= 1 && info.processors >= 1)
  }

  @Test func solveFindsXForAX_EqualsB() throws {
    // 2x + y = 5, x + 3y = 10 → x = 1, y = 3
    let x = try LAPACK.solve(a: [2, 1, 1, 3], b: [5, 10], n: 2)
    #expect(abs(x[0] - 1) < 1e-12 && abs(x[1] - 3) < 1e-12)
  }

  @Test func solveHandlesSeveralRightHandSides() throws {
    let a: [Double] = [4, 1, 0, 1, 4, 1, 0, 1, 4]
    let expected: [Double] = [1, -1, 2, 0, 3, 1]  // X, 3×2 row-major
    let b = BLAS.gemm(m: 3, k: 3, n: 2, a: a, b: expected)
    let x = try LAPACK.solve(a: a, b: b, n: 3, nrhs: 2)
    #expect(zip(x, expected).allSatisfy { abs($0 - $1) < 1e-12 })
  }

  @Test func solveRejectsASingularMatrix() {
    let error = thrownError { try LAPACK.solve(a: [1, 2, 2, 4], b: [1, 2], n: 2) } as? ComputeError
    #expect(error?.code == .singularMatrix)
  }

  @Test func solveRejectsMismatchedShapes() {
    let error = thrownError { try LAPACK.solve(a: [1, 2, 3], b: [1, 2], n: 2) } as? ComputeError
    #expect(error?.code == .invalidArgument)
    #expect(error?.field == "a")
  }
}
