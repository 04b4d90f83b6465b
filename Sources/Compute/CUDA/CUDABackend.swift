import CCUDA
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// The CUDA devices of this machine, through the driver, cuBLAS/cuBLASLt and NVRTC opened with
/// `dlopen` on first use (see `CCUDA`). Nothing is linked at build time: without CUDA,
/// ``availability`` says why, naming what was looked for, and everything else runs.
///
/// Search order for the libraries: the directories given (`--cuda-library-path`,
/// `HPCLAB_CUDA_LIBRARY_PATH`), the loader's own paths, then `/usr/local/cuda/lib64`.
public final class CUDABackend: Sendable {
  /// Whether CUDA can be used, and if not, why.
  public enum Availability: Sendable, Equatable {
    case available
    case unavailable(reason: String)
  }

  struct Loaded: Sendable {
    var availability: Availability
    var devices: [CUDADeviceInfo]
    /// What the loader tried and found, for `/devices`.
    var searched: String
    var nvrtc: Bool
    var cublasLt: Bool
  }

  /// The directories searched first.
  public let libraryPaths: [String]
  private let loaded = Mutex<Loaded?>(nil)

  /// Makes a backend; nothing is opened until first use.
  public init(libraryPaths: [String] = []) {
    self.libraryPaths = libraryPaths
  }

  /// A backend that never looks for CUDA (tests that must not depend on the machine).
  public static func disabled(reason: String) -> CUDABackend {
    let backend = CUDABackend()
    backend.loaded.withLock {
      $0 = Loaded(availability: .unavailable(reason: reason), devices: [], searched: "", nvrtc: false, cublasLt: false)
    }
    return backend
  }

  func load() -> Loaded {
    loaded.withLock { cached in
      if let cached { return cached }
      let result = Self.open(libraryPaths)
      cached = result
      return result
    }
  }

  private static func open(_ paths: [String]) -> Loaded {
    var report = [CChar](repeating: 0, count: 4096)
    let status = withCStringArray(paths) { pointers in
      hl_cuda_load(pointers, Int32(paths.count), &report, report.count)
    }
    var searched = String(decoding: report.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    while searched.hasSuffix(" ") || searched.hasSuffix(";") { searched.removeLast() }
    guard status == 0 else {
      let error = String(cString: hl_cuda_last_error())
      return Loaded(
        availability: .unavailable(reason: searched.isEmpty ? error : "\(error): \(searched)"), devices: [],
        searched: searched, nvrtc: false, cublasLt: false)
    }
    var count: Int32 = 0
    guard hl_cuda_device_count(&count) == 0 else {
      return Loaded(
        availability: .unavailable(reason: "cuDeviceGetCount failed: \(String(cString: hl_cuda_last_error()))"),
        devices: [], searched: searched, nvrtc: false, cublasLt: false)
    }
    var devices: [CUDADeviceInfo] = []
    for ordinal in 0..<Int(count) {
      var info = hl_cuda_device()
      guard hl_cuda_device_info(Int32(ordinal), &info) == 0 else { continue }
      devices.append(CUDADeviceInfo(ordinal: ordinal, info))
    }
    let availability: Availability =
      devices.isEmpty ? .unavailable(reason: "the CUDA driver loaded but reports no device (\(searched))") : .available
    return Loaded(
      availability: availability, devices: devices, searched: searched, nvrtc: hl_cuda_have_nvrtc() != 0,
      cublasLt: hl_cuda_have_lt() != 0)
  }

  public var availability: Availability { load().availability }
  public var devices: [CUDADeviceInfo] { load().devices }
  /// What the loader tried and found.
  public var searched: String { load().searched }
  /// Whether NVRTC (for `peak`'s kernels) and cuBLASLt (for float8) loaded.
  public var hasNVRTC: Bool { load().nvrtc }
  public var hasCublasLt: Bool { load().cublasLt }

  /// Checks `--cuda-library-path` at start: each directory must exist and hold at least one of the
  /// libraries looked for. Returns a sentence for each one that does not, empty when all do.
  public static func checkLibraryPaths(_ paths: [String]) -> [String] {
    var problems: [String] = []
    for path in paths {
      guard let directory = opendir(path) else {
        problems.append("--cuda-library-path \(path): no such directory")
        continue
      }
      var found = false
      while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        if ["libcuda.so", "libcublas.so", "libcublasLt.so", "libnvrtc.so"].contains(where: { name.hasPrefix($0) }) {
          found = true
          break
        }
      }
      closedir(directory)
      if !found {
        problems.append(
          "--cuda-library-path \(path): no libcuda.so.1, libcublas.so.*, libcublasLt.so.* or libnvrtc.so.* in it")
      }
    }
    return problems
  }
}

/// A CUDA device as the driver reports it.
public struct CUDADeviceInfo: Sendable, Codable, Equatable {
  public var index: Int
  public var name: String
  /// Streaming multiprocessors.
  public var smCount: Int
  /// e.g. "9.0".
  public var computeCapability: String
  public var memoryBytes: Int
  /// SM clock in MHz (0 when the driver no longer reports it).
  public var clockMHz: Int
  public var memoryClockMHz: Int
  public var memoryBusBits: Int
  public var l2Bytes: Int
  /// The driver's CUDA version, e.g. "13.0".
  public var driverVersion: String

  enum CodingKeys: String, CodingKey {
    case index, name
    case smCount = "sm_count"
    case computeCapability = "compute_capability"
    case memoryBytes = "memory_bytes"
    case clockMHz = "clock_mhz"
    case memoryClockMHz = "memory_clock_mhz"
    case memoryBusBits = "memory_bus_bits"
    case l2Bytes = "l2_bytes"
    case driverVersion = "driver_version"
  }

  init(ordinal: Int, _ info: hl_cuda_device) {
    index = ordinal
    name = withUnsafeBytes(of: info.name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    smCount = Int(info.multiprocessors)
    computeCapability = "\(info.major).\(info.minor)"
    memoryBytes = Int(clamping: info.memory_bytes)
    clockMHz = Int(info.clock_khz) / 1000
    memoryClockMHz = Int(info.memory_clock_khz) / 1000
    memoryBusBits = Int(info.memory_bus_bits)
    l2Bytes = Int(info.l2_bytes)
    driverVersion = "\(info.driver_version / 1000).\(info.driver_version % 1000 / 10)"
  }

  /// Compute capability as a number, e.g. 8.9.
  public var capability: Double { Double(computeCapability) ?? 0 }
}

/// Calls `body` with a C array of C strings (NUL-terminated copies of `strings`).
func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
  let copies = strings.map { strdup($0) }
  defer { copies.forEach { free($0) } }
  let pointers = copies.map { UnsafePointer($0) }
  return pointers.withUnsafeBufferPointer { body($0.baseAddress) }
}
