/// Everything that can run matmul jobs here, for a `GET /devices`: the BLAS library and each
/// OpenCL platform with its devices. JSON keys: `blas`, `opencl`, `backends`.
public struct DeviceCatalog: Sendable, Codable, Equatable {
  /// The linked BLAS library.
  public var blas: BLASInfo
  /// The OpenCL platforms and devices, or why there are none.
  public var openCL: OpenCLCatalog
  /// Backends that can run here (`blas`, `opencl` when available, `cpu-naive`).
  public var backends: [Backend]

  /// OpenCL as found on this machine. JSON keys: `available`, `reason`, `platforms`.
  public struct OpenCLCatalog: Sendable, Codable, Equatable {
    /// Whether at least one device was found.
    public var available: Bool
    /// Why OpenCL is unavailable (e.g. no platform: `CL_PLATFORM_NOT_FOUND_KHR`); `nil` when available.
    public var reason: String?
    /// The platforms, each with its devices.
    public var platforms: [Platform]
  }

  /// One OpenCL platform. JSON keys: `index`, `name`, `vendor`, `version`, `profile`, `devices`.
  public struct Platform: Sendable, Codable, Equatable {
    public var index: Int
    public var name: String
    public var vendor: String
    public var version: String
    public var profile: String
    /// Its devices; see ``OpenCL/DeviceInfo`` for the fields.
    public var devices: [OpenCL.DeviceInfo]
  }

  /// CUDA as found on this machine: whether it loaded, why not, what the loader searched, and
  /// the devices. JSON keys: `available`, `reason`, `searched`, `nvrtc`, `cublaslt`, `devices`.
  public struct CUDACatalog: Sendable, Codable, Equatable {
    public var available: Bool
    public var reason: String?
    public var searched: String
    public var nvrtc: Bool
    public var cublasLt: Bool
    public var devices: [CUDADeviceInfo]

    enum CodingKeys: String, CodingKey {
      case available, reason, searched, nvrtc
      case cublasLt = "cublaslt"
      case devices
    }

    public init(_ cuda: CUDABackend) {
      switch cuda.availability {
      case .available: (available, reason) = (true, nil)
      case .unavailable(let why): (available, reason) = (false, why)
      }
      searched = cuda.searched
      nvrtc = cuda.hasNVRTC
      cublasLt = cuda.hasCublasLt
      devices = cuda.devices
    }
  }

  /// CUDA devices, or why there are none.
  public var cuda: CUDACatalog

  enum CodingKeys: String, CodingKey {
    case blas
    case openCL = "opencl"
    case cuda
    case backends
  }

  /// Builds the catalog from what `openCL` discovered.
  public init(blas: BLASInfo, openCL: OpenCLBackend, cuda: CUDABackend, backends: [Backend]) {
    self.blas = blas
    self.backends = backends
    self.cuda = CUDACatalog(cuda)
    let devices = openCL.devices
    let platforms = openCL.platforms.map { platform in
      Platform(
        index: platform.index, name: platform.name, vendor: platform.vendor, version: platform.version,
        profile: platform.profile,
        devices: devices.filter { $0.info.platformIndex == platform.index }.map(\.info))
    }
    switch openCL.availability {
    case .available: self.openCL = OpenCLCatalog(available: true, reason: nil, platforms: platforms)
    case .unavailable(let reason): self.openCL = OpenCLCatalog(available: false, reason: reason, platforms: platforms)
    }
  }
}
