import Foundation
import Testing
@testable import Compute

@Suite("NPY")
struct NPYTests {
  let float32 = Matrix(rows: 2, columns: 3, float32: [1, -2.5, 0, -0.0, .greatestFiniteMagnitude, .leastNonzeroMagnitude])
  let float64 = Matrix(rows: 3, columns: 1, float64: [.pi, -1e300, .leastNonzeroMagnitude])

  @Test func theHeaderIsVersion1PaddedTo64BytesAndEndsWithANewline() {
    let bytes = NPY.encode(float32)
    #expect(Array(bytes[0..<8]) == [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
    let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
    #expect((10 + headerLength) % 64 == 0)
    #expect(bytes[10 + headerLength - 1] == UInt8(ascii: "\n"))
    let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
    #expect(header.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"))
    #expect(bytes.count == 10 + headerLength + 6 * 4)
  }

  @Test func float32AndFloat64RoundTrip() throws {
    for matrix in [float32, float64, Matrix(rows: 1, columns: 1, float64: [42])] {
      #expect(try NPY.decode(NPY.encode(matrix)) == matrix)
    }
  }

  @Test func decodingRejectsGarbage() {
    let error = thrownError { try NPY.decode(Array("not numpy".utf8)) } as? ComputeError
    #expect(error?.code == .malformedNPY)
    var truncated = NPY.encode(float64)
    truncated.removeLast(3)
    #expect((thrownError { try NPY.decode(truncated) } as? ComputeError)?.code == .malformedNPY)
  }

  static let pythonWithNumpy: Bool = {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", "import numpy"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    do {
      try process.run()
      process.waitUntilExit()
      return process.terminationStatus == 0
    } catch {
      return false
    }
  }()

  @Test(.enabled(if: pythonWithNumpy, "needs python3 with numpy"))
  func numpyLoadsOurFilesAndWeLoadNumpys() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("npy-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let ours32 = directory.appendingPathComponent("ours32.npy")
    let ours64 = directory.appendingPathComponent("ours64.npy")
    let theirs = directory.appendingPathComponent("theirs.npy")
    try Data(NPY.encode(float32)).write(to: ours32)
    try Data(NPY.encode(float64)).write(to: ours64)
    let script = """
      import sys, numpy as np
      a = np.load(sys.argv[1]); b = np.load(sys.argv[2])
      assert a.dtype == np.float32 and a.shape == (2, 3), (a.dtype, a.shape)
      assert b.dtype == np.float64 and b.shape == (3, 1), (b.dtype, b.shape)
      assert a[0, 1] == -2.5 and a[1, 1] == np.finfo(np.float32).max and b[0, 0] == np.pi, (a, b)
      np.save(sys.argv[3], np.asfortranarray(np.arange(6, dtype=np.float64).reshape(2, 3)))
      """
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script, ours32.path, ours64.path, theirs.path]
    let errors = Pipe()
    process.standardError = errors
    try process.run()
    process.waitUntilExit()
    let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(process.terminationStatus == 0, "\(message)")
    let decoded = try NPY.decode(Array(try Data(contentsOf: theirs)))
    #expect(decoded == Matrix(rows: 2, columns: 3, float64: [0, 1, 2, 3, 4, 5]))
  }
}
