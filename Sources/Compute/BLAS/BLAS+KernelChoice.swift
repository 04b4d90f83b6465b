import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// OpenBLAS (built with DYNAMIC_ARCH, as Debian's is) picks its kernels for the CPU when it loads,
/// before `main`. On a CPU newer than the library (Debian 12's 0.3.21 on a family 6 model 207
/// Xeon, say) it falls back to the oldest x86-64 set, Prescott (SSE3): SGEMM ran 36 GFLOP/s there
/// against 212 with `OPENBLAS_CORETYPE=SkylakeX`, so every BLAS figure and ceiling read 6× low.
///
/// `hpclab serve` therefore checks at start: when OpenBLAS chose a fallback set, nobody forced one
/// (`OPENBLAS_CORETYPE`), and the CPU's flags support a better one, it restarts itself once with
/// `OPENBLAS_CORETYPE` set (the variable must be there when the library loads) and logs it.
public enum BLASKernelChoice {
  /// Kernel sets OpenBLAS falls back to on an x86 CPU it does not recognise.
  static let fallbacks: Set<String> = [
    "prescott", "core2", "penryn", "dunnington", "nehalem", "katmai", "coppermine", "northwood", "banias", "atom",
  ]

  /// Set in the restarted process to the kernel set OpenBLAS had chosen (and stops a second restart).
  public static let marker = "HPCLAB_OPENBLAS_RESTARTED"

  /// The `OPENBLAS_CORETYPE` to restart with, or nil: AVX-512 (F, CD, BW, DQ, VL) gives `SkylakeX`,
  /// AVX2 with FMA `Haswell`.
  public static func replacement(
    corename: String?, cpuFlags: Set<String>, environment: [String: String]
  ) -> String? {
    guard environment["OPENBLAS_CORETYPE"] == nil, environment[marker] == nil,
      let core = corename?.lowercased(), fallbacks.contains(core)
    else { return nil }
    if cpuFlags.isSuperset(of: ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]) { return "SkylakeX" }
    if cpuFlags.isSuperset(of: ["avx2", "fma"]) { return "Haswell" }
    return nil
  }

  /// The first processor's flags in `/proc/cpuinfo` (empty where there is none).
  public static func cpuFlags() -> Set<String> {
    cpuFlags(cpuinfo: HostMachine.readSmallFile("/proc/cpuinfo", limit: 1 << 16))
  }

  static func cpuFlags(cpuinfo: String?) -> Set<String> {
    Set(HostMachine.cpuinfoField("flags", cpuinfo: cpuinfo)?.split(separator: " ").map(String.init) ?? [])
  }

  /// Replaces this process with itself, `OPENBLAS_CORETYPE` set, when ``replacement(corename:cpuFlags:environment:)``
  /// says so. Returns when there is nothing to do, or if the exec fails (the server then runs as it is).
  public static func restartIfOpenBLASFellBack() {
    let corename = BLAS.info.corename
    guard
      let coretype = replacement(
        corename: corename, cpuFlags: cpuFlags(), environment: ProcessInfo.processInfo.environment)
    else { return }
    setenv("OPENBLAS_CORETYPE", coretype, 1)
    setenv(marker, corename ?? "?", 1)
    execv("/proc/self/exe", CommandLine.unsafeArgv)
  }

  /// After a restart, a sentence for the log: what OpenBLAS had chosen and what it runs now.
  public static var restartNote: String? {
    let environment = ProcessInfo.processInfo.environment
    guard let previous = environment[marker], let coretype = environment["OPENBLAS_CORETYPE"] else { return nil }
    return
      "OpenBLAS did not recognise this CPU and chose its \(previous) kernels; restarted with OPENBLAS_CORETYPE=\(coretype), which the CPU's flags support (now \(BLAS.info.corename ?? "?")). Set OPENBLAS_CORETYPE to choose another."
  }
}
