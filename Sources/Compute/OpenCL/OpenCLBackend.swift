import Synchronization

/// The OpenCL devices of this machine, found once, with a context, a profiling queue and a
/// program cache per device made on first use.
///
/// With no OpenCL platform (the ICD loader returns `CL_PLATFORM_NOT_FOUND_KHR`, or 0 platforms,
/// or platforms without devices) nothing fails: ``availability`` is `.unavailable` with a reason,
/// and the other backends carry on.
public final class OpenCLBackend: Sendable {
  /// Finds the platforms; ``OpenCL/platforms()`` unless a test injects another.
  public typealias Discovery = @Sendable () throws(OpenCLError) -> [OpenCL.Platform]

  /// Whether OpenCL can be used, and if not, why.
  public enum Availability: Sendable, Equatable {
    /// At least one device was found.
    case available
    /// No usable device; the reason is a sentence for people.
    case unavailable(reason: String)
  }

  /// What discovery found.
  struct Discovered: Sendable {
    var platforms: [OpenCL.Platform]
    var devices: [OpenCL.Device]
    var availability: Availability
  }

  /// A device ready to run kernels: its context, profiling queue and program cache.
  public final class DeviceRuntime: Sendable {
    /// The device.
    public let device: OpenCL.Device
    /// The device's context.
    public let context: OpenCL.Context
    /// An in-order profiling queue on the device.
    public let queue: OpenCL.CommandQueue
    /// Programs built on this device.
    public let programs: OpenCL.ProgramCache

    init(device: OpenCL.Device) throws(OpenCLError) {
      self.device = device
      self.context = try OpenCL.Context(device: device)
      self.queue = try OpenCL.CommandQueue(context: context)
      self.programs = OpenCL.ProgramCache()
    }
  }

  private let discover: Discovery
  private let discovered = Mutex<Discovered?>(nil)
  private let runtimes = Mutex<[Int: DeviceRuntime]>([:])

  /// Makes a backend; discovery runs on first use, not here.
  public init(discover: @escaping Discovery = { () throws(OpenCLError) in try OpenCL.platforms() }) {
    self.discover = discover
  }

  /// Runs discovery once (holding the lock, so concurrent first callers wait for one discovery).
  func discovery() -> Discovered {
    discovered.withLock { cached in
      if let cached { return cached }
      let result = Self.run(discover)
      cached = result
      return result
    }
  }

  /// One discovery at a time in the whole process, platforms and devices: the ICD loader
  /// (ocl-icd) initialises itself on the first `clGetPlatformIDs` without a lock, and PoCL sets a
  /// device up on `clGetDeviceIDs` while another thread may read that device's info; two backends
  /// discovering at once (two applications in one test process) crashed inside both.
  private static let processWideDiscovery = Mutex(())

  private static func run(_ discover: Discovery) -> Discovered {
    processWideDiscovery.withLock { _ in discoverAll(discover) }
  }

  private static func discoverAll(_ discover: Discovery) -> Discovered {
    let platforms: [OpenCL.Platform]
    do {
      platforms = try discover()
    } catch where error.status == OpenCL.platformNotFoundKHR {
      return Discovered(
        platforms: [], devices: [],
        availability: .unavailable(
          reason: "no OpenCL platform found: clGetPlatformIDs returned CL_PLATFORM_NOT_FOUND_KHR (-1001); "
            + "install an OpenCL driver (ICD), e.g. pocl-opencl-icd for CPUs"))
    } catch {
      return Discovered(
        platforms: [], devices: [],
        availability: .unavailable(reason: "OpenCL platform discovery failed: \(error)"))
    }
    guard !platforms.isEmpty else {
      return Discovered(
        platforms: [], devices: [],
        availability: .unavailable(
          reason: "no OpenCL platform found: clGetPlatformIDs reported 0 platforms; "
            + "install an OpenCL driver (ICD), e.g. pocl-opencl-icd for CPUs"))
    }
    var devices: [OpenCL.Device] = []
    var failures: [String] = []
    for platform in platforms {
      do {
        devices += try platform.devices(firstIndex: devices.count)
      } catch {
        failures.append("\(platform.name): \(error)")
      }
    }
    guard !devices.isEmpty else {
      let detail = failures.isEmpty ? "" : " (\(failures.joined(separator: "; ")))"
      return Discovered(
        platforms: platforms, devices: [],
        availability: .unavailable(
          reason: "\(platforms.count) OpenCL platform(s) found but no device\(detail)"))
    }
    return Discovered(platforms: platforms, devices: devices, availability: .available)
  }

  /// Whether OpenCL can be used here.
  public var availability: Availability { discovery().availability }

  /// Every device, numbered across platforms.
  public var devices: [OpenCL.Device] { discovery().devices }

  /// Every platform found.
  public var platforms: [OpenCL.Platform] { discovery().platforms }

  /// The device used when a spec names none: the first GPU, else the first device.
  public var defaultDeviceIndex: Int? {
    let devices = self.devices
    return (devices.first { $0.info.type.contains("gpu") } ?? devices.first)?.info.index
  }

  /// The runtime (context, queue, program cache) of device `index`, made on first use.
  public func runtime(device index: Int) throws(OpenCLError) -> DeviceRuntime {
    let devices = self.devices
    guard devices.indices.contains(index) else {
      throw OpenCLError(status: -33, call: "device \(index)")  // CL_INVALID_DEVICE
    }
    return try runtimes.withLock { (runtimes) throws(OpenCLError) -> DeviceRuntime in
      if let runtime = runtimes[index] { return runtime }
      let runtime = try DeviceRuntime(device: devices[index])
      runtimes[index] = runtime
      return runtime
    }
  }
}
