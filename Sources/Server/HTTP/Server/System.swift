#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Facts about the process and machine that the server sizes itself by.
public enum System {
  /// Online processor count.
  public static var coreCount: Int { Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

  /// Raises the soft open-file limit to the hard limit and returns the soft limit in force.
  @discardableResult
  public static func raiseFileDescriptorLimit() -> Int {
    var limit = rlimit()
    guard getrlimit(RLIMIT_NOFILE_VALUE, &limit) == 0 else { return 1024 }
    if limit.rlim_cur < limit.rlim_max {
      var raised = limit
      raised.rlim_cur = min(limit.rlim_max, 1 << 20)
      if setrlimit(RLIMIT_NOFILE_VALUE, &raised) == 0 { limit = raised }
    }
    return Int(clamping: limit.rlim_cur)
  }

  /// Descriptors this process has open now (the entries of /proc/self/fd, less the one that
  /// lists them); nil where that folder does not exist.
  public static func openDescriptorCount() -> Int? {
    guard let directory = opendir("/proc/self/fd") else { return nil }
    defer { closedir(directory) }
    var count = 0
    while let entry = readdir(directory) {
      let first = withUnsafeBytes(of: entry.pointee.d_name) { $0.first ?? 0 }
      if first != UInt8(ascii: ".") { count += 1 }
    }
    return max(0, count - 1)
  }

  /// Monotonic time in seconds.
  @inline(__always)
  public static func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
  }
}

#if canImport(Glibc)
  private let RLIMIT_NOFILE_VALUE = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
#else
  private let RLIMIT_NOFILE_VALUE = RLIMIT_NOFILE
#endif
