import COpenBLAS

/// What the linked BLAS library says about itself, for the device catalog.
public struct BLASInfo: Sendable, Codable, Equatable {
  /// Always `"OpenBLAS"`.
  public var name: String
  /// `openblas_get_config()`, e.g. `"OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY SkylakeX MAX_THREADS=64"`.
  public var config: String
  /// `openblas_get_corename()`: the kernel set chosen for this CPU, e.g. `"SkylakeX"`.
  public var corename: String?
  /// `openblas_get_num_threads()`: threads one BLAS call may use.
  public var threads: Int
  /// `openblas_get_num_procs()`: processors OpenBLAS sees.
  public var processors: Int
  /// `openblas_get_parallel()`: 0 sequential, 1 pthreads, 2 OpenMP.
  public var parallelMode: Int

  enum CodingKeys: String, CodingKey {
    case name, config, corename, threads, processors
    case parallelMode = "parallel_mode"
  }
}

extension BLAS {
  /// The linked library's self-description.
  public static var info: BLASInfo {
    BLASInfo(
      name: "OpenBLAS",
      config: openblas_get_config().map { String(cString: $0) }?.trimmingSpaces ?? "",
      corename: openblas_get_corename().map { String(cString: $0) }?.trimmingSpaces,
      threads: Int(openblas_get_num_threads()),
      processors: Int(openblas_get_num_procs()),
      parallelMode: Int(openblas_get_parallel()))
  }
}

extension String {
  /// The string without leading and trailing spaces and newlines.
  var trimmingSpaces: String {
    var view = Substring(self)
    while let first = view.first, first == " " || first == "\n" { view.removeFirst() }
    while let last = view.last, last == " " || last == "\n" { view.removeLast() }
    return String(view)
  }
}
