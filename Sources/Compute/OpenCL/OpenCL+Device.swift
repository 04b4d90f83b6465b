import COpenCL

extension OpenCL {
  /// An OpenCL device and its capabilities, queried once.
  public struct Device: @unchecked Sendable, Equatable {
    // @unchecked: `cl_device_id` is an immutable handle owned by the platform for the life of the
    // process (root devices need no retain/release); queries are thread-safe (OpenCL 1.2, A.2).
    let id: cl_device_id
    /// What the device says about itself.
    public let info: DeviceInfo

    init(id: cl_device_id, index: Int, platformIndex: Int) throws(OpenCLError) {
      self.id = id
      self.info = try DeviceInfo(id: id, index: index, platformIndex: platformIndex)
    }

    public static func == (lhs: Device, rhs: Device) -> Bool { lhs.id == rhs.id }

    /// `CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT` or `_DOUBLE`: the vector width the device prefers
    /// for `dtype` (16 and 8 lanes on an AVX-512 CPU under PoCL, 1 on most GPUs; 0 without float64).
    public func preferredVectorWidth(_ dtype: DType) throws(OpenCLError) -> Int {
      let param = dtype == .float32 ? CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT : CL_DEVICE_PREFERRED_VECTOR_WIDTH_DOUBLE
      return Int(
        try OpenCL.queryValue("clGetDeviceInfo", initial: cl_uint(0)) {
          clGetDeviceInfo(id, cl_device_info(param), $0, $1, $2)
        })
    }

    /// `CL_DEVICE_EXTENSIONS`, split at spaces (e.g. `cl_khr_fp64`, `cl_khr_int64_base_atomics`);
    /// queried on each call (it is not part of ``DeviceInfo``, so the catalog's JSON is unchanged).
    public var extensions: [String] {
      get throws(OpenCLError) {
        try OpenCL.queryString("clGetDeviceInfo") {
          clGetDeviceInfo(id, cl_device_info(CL_DEVICE_EXTENSIONS), $0, $1, $2)
        }.split(separator: " ").map(String.init)
      }
    }
  }

  /// A device's name, kind and limits, as the device catalog reports them.
  public struct DeviceInfo: Sendable, Codable, Equatable {
    /// The device's global index, counting across platforms; what a matmul spec's `device` names.
    public var index: Int
    /// The index of its platform.
    public var platformIndex: Int
    /// `CL_DEVICE_NAME`.
    public var name: String
    /// `CL_DEVICE_VENDOR`.
    public var vendor: String
    /// `CL_DEVICE_VERSION`, e.g. "OpenCL 3.0 PoCL HSTR: …".
    public var version: String
    /// `CL_DRIVER_VERSION`.
    public var driverVersion: String
    /// `CL_DEVICE_OPENCL_C_VERSION`.
    public var openCLCVersion: String
    /// `CL_DEVICE_TYPE` as words: "cpu", "gpu", "accelerator", "custom" or "default", joined by "+".
    public var type: String
    /// `CL_DEVICE_MAX_COMPUTE_UNITS`.
    public var computeUnits: Int
    /// `CL_DEVICE_MAX_CLOCK_FREQUENCY`, in MHz.
    public var maxClockMHz: Int
    /// `CL_DEVICE_GLOBAL_MEM_SIZE`, in bytes.
    public var globalMemoryBytes: Int
    /// `CL_DEVICE_LOCAL_MEM_SIZE`, in bytes.
    public var localMemoryBytes: Int
    /// `CL_DEVICE_MAX_MEM_ALLOC_SIZE`, in bytes: the largest single buffer.
    public var maxAllocationBytes: Int
    /// `CL_DEVICE_MAX_WORK_GROUP_SIZE`.
    public var maxWorkGroupSize: Int
    /// `CL_DEVICE_MAX_WORK_ITEM_SIZES`, per dimension.
    public var maxWorkItemSizes: [Int]
    /// Whether the device does float64: `cl_khr_fp64` among its extensions or a
    /// non-zero `CL_DEVICE_DOUBLE_FP_CONFIG`.
    public var fp64: Bool
    /// Whether profiling timestamps are available on its queues (`CL_QUEUE_PROFILING_ENABLE`).
    public var profiling: Bool
    /// `CL_DEVICE_GLOBAL_MEM_CACHE_SIZE`, in bytes (0 when the device reports none). Drivers differ
    /// in which cache this is; ``DeviceProfile`` decides the last-level cache from it and the name.
    public var globalMemoryCacheBytes: Int
    /// `CL_DEVICE_GLOBAL_MEM_CACHELINE_SIZE`, in bytes.
    public var globalMemoryCacheLineBytes: Int
    /// NVIDIA's compute capability (`cl_nv_device_attribute_query`), e.g. "9.0"; `nil` elsewhere.
    public var computeCapability: String?

    enum CodingKeys: String, CodingKey {
      case index
      case platformIndex = "platform_index"
      case name, vendor, version
      case driverVersion = "driver_version"
      case openCLCVersion = "opencl_c_version"
      case type
      case computeUnits = "compute_units"
      case maxClockMHz = "max_clock_mhz"
      case globalMemoryBytes = "global_memory_bytes"
      case localMemoryBytes = "local_memory_bytes"
      case maxAllocationBytes = "max_allocation_bytes"
      case maxWorkGroupSize = "max_work_group_size"
      case maxWorkItemSizes = "max_work_item_sizes"
      case fp64, profiling
      case globalMemoryCacheBytes = "global_memory_cache_bytes"
      case globalMemoryCacheLineBytes = "global_memory_cache_line_bytes"
      case computeCapability = "compute_capability"
    }

    init(id: cl_device_id, index: Int, platformIndex: Int) throws(OpenCLError) {
      func string(_ param: Int32) throws(OpenCLError) -> String {
        try OpenCL.queryString("clGetDeviceInfo") { clGetDeviceInfo(id, cl_device_info(param), $0, $1, $2) }
      }
      func value<T: BitwiseCopyable>(_ param: Int32, _ initial: T) throws(OpenCLError) -> T {
        try OpenCL.queryValue("clGetDeviceInfo", initial: initial) {
          clGetDeviceInfo(id, cl_device_info(param), $0, $1, $2)
        }
      }
      self.index = index
      self.platformIndex = platformIndex
      name = try string(CL_DEVICE_NAME)
      vendor = try string(CL_DEVICE_VENDOR)
      version = try string(CL_DEVICE_VERSION)
      driverVersion = try string(CL_DRIVER_VERSION)
      openCLCVersion = try string(CL_DEVICE_OPENCL_C_VERSION)
      type = Self.typeName(try value(CL_DEVICE_TYPE, cl_device_type(0)))
      computeUnits = Int(try value(CL_DEVICE_MAX_COMPUTE_UNITS, cl_uint(0)))
      maxClockMHz = Int(try value(CL_DEVICE_MAX_CLOCK_FREQUENCY, cl_uint(0)))
      globalMemoryBytes = Int(clamping: try value(CL_DEVICE_GLOBAL_MEM_SIZE, cl_ulong(0)))
      localMemoryBytes = Int(clamping: try value(CL_DEVICE_LOCAL_MEM_SIZE, cl_ulong(0)))
      maxAllocationBytes = Int(clamping: try value(CL_DEVICE_MAX_MEM_ALLOC_SIZE, cl_ulong(0)))
      maxWorkGroupSize = try value(CL_DEVICE_MAX_WORK_GROUP_SIZE, Int(0))
      maxWorkItemSizes = try OpenCL.querySizes("clGetDeviceInfo") {
        clGetDeviceInfo(id, cl_device_info(CL_DEVICE_MAX_WORK_ITEM_SIZES), $0, $1, $2)
      }
      let extensions = try string(CL_DEVICE_EXTENSIONS).split(separator: " ")
      // CL_DEVICE_DOUBLE_FP_CONFIG is core in 1.2 but some drivers reject the query; treat that as "none".
      var doubleConfig: cl_device_fp_config = 0
      _ = withUnsafeMutableBytes(of: &doubleConfig) {
        clGetDeviceInfo(id, cl_device_info(CL_DEVICE_DOUBLE_FP_CONFIG), $0.count, $0.baseAddress, nil)
      }
      fp64 = extensions.contains("cl_khr_fp64") || doubleConfig != 0
      let queueProperties = try value(CL_DEVICE_QUEUE_PROPERTIES, cl_command_queue_properties(0))
      profiling = queueProperties & cl_command_queue_properties(CL_QUEUE_PROFILING_ENABLE) != 0
      globalMemoryCacheBytes = Int(clamping: (try? value(CL_DEVICE_GLOBAL_MEM_CACHE_SIZE, cl_ulong(0))) ?? 0)
      globalMemoryCacheLineBytes = Int((try? value(CL_DEVICE_GLOBAL_MEM_CACHELINE_SIZE, cl_uint(0))) ?? 0)
      if extensions.contains("cl_nv_device_attribute_query") {
        // CL_DEVICE_COMPUTE_CAPABILITY_MAJOR_NV and _MINOR_NV (cl_ext.h: 0x4000, 0x4001).
        let major = try? value(0x4000, cl_uint(0))
        let minor = try? value(0x4001, cl_uint(0))
        computeCapability = major.map { "\($0).\(minor ?? 0)" }
      } else {
        computeCapability = nil
      }
    }

    static func typeName(_ type: cl_device_type) -> String {
      let names: [(Int32, String)] = [
        (CL_DEVICE_TYPE_CPU, "cpu"), (CL_DEVICE_TYPE_GPU, "gpu"),
        (CL_DEVICE_TYPE_ACCELERATOR, "accelerator"), (CL_DEVICE_TYPE_CUSTOM, "custom"),
        (CL_DEVICE_TYPE_DEFAULT, "default"),
      ]
      let words = names.filter { type & cl_device_type($0.0) != 0 }.map(\.1)
      return words.isEmpty ? "unknown" : words.joined(separator: "+")
    }
  }
}
