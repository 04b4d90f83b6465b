/// The machine an experiment runs on: the host, and the OpenCL devices if any.
struct ExperimentEnvironment {
  var host: HostMachine
  var openCL: OpenCLBackend
  /// CUDA devices, for `peak` with `backend: "cuda"`.
  var cuda: CUDABackend
  /// The devices found (empty when OpenCL is unavailable).
  var devices: [OpenCL.DeviceInfo]
  /// The device used when `device` is not given.
  var defaultDeviceIndex: Int?
  /// The memory budget defaults must fit (``ExperimentRunner/Configuration/memoryBudgetBytes``).
  var memoryBudgetBytes: Int

  init(host: HostMachine, openCL: OpenCLBackend, cuda: CUDABackend, memoryBudgetBytes: Int = 1 << 30) {
    self.host = host
    self.openCL = openCL
    self.cuda = cuda
    self.memoryBudgetBytes = memoryBudgetBytes
    devices = openCL.devices.map(\.info)
    defaultDeviceIndex = openCL.defaultDeviceIndex
  }

  /// What hpclab knows of device `index` beyond OpenCL's report (architecture, caches, rates).
  func profile(_ index: Int) -> DeviceProfile? { device(index).map { DeviceProfile($0, host: host) } }

  /// A default size that fits: `wanted`, or less when its memory (`hostBytesPerElement` on the
  /// host, plus `deviceBytesPerElement` on a device that shares the host's memory) would exceed
  /// the memory budget (less `reservedBytes`), or when one buffer (`largestBufferBytesPerElement`)
  /// would exceed the device's largest allocation, or its buffers a quarter of its memory.
  /// `cap` is the parameter's maximum. Returns the size, rounded down to a multiple of 1024 when
  /// capped, and a sentence saying what capped it.
  func fittingDefault(
    wanted: Int, cap: Int, hostBytesPerElement: Int, deviceBytesPerElement: Int = 0,
    largestBufferBytesPerElement: Int = 0, reservedBytes: Int = 0, device index: Int? = nil
  ) -> (n: Int, capped: String?) {
    var limit = cap
    var reason = "the parameter's maximum"
    let gpu = index.flatMap(profile)?.isGPU ?? false
    let sharedBytes = hostBytesPerElement + (gpu ? 0 : deviceBytesPerElement)
    if sharedBytes > 0 {
      let fits = max(memoryBudgetBytes - reservedBytes, 0) / sharedBytes
      if fits < limit { (limit, reason) = (fits, "the memory budget of \(Format.bytes(memoryBudgetBytes))") }
    }
    if let info = index.flatMap(device) {
      if largestBufferBytesPerElement > 0, info.maxAllocationBytes > 0 {
        let fits = info.maxAllocationBytes / largestBufferBytesPerElement
        if fits < limit { (limit, reason) = (fits, "the device's largest allocation (\(Format.bytes(info.maxAllocationBytes)))") }
      }
      if gpu, deviceBytesPerElement > 0, info.globalMemoryBytes > 0 {
        let fits = info.globalMemoryBytes / 4 / deviceBytesPerElement
        if fits < limit { (limit, reason) = (fits, "a quarter of the device's memory") }
      }
    }
    guard wanted > limit else { return (wanted, nil) }
    let n = max(limit / 1024 * 1024, 1024)
    return (n, "the default n was capped at \(n) (from \(wanted)) by \(reason)")
  }

  /// The device `index`, if it exists.
  func device(_ index: Int) -> OpenCL.DeviceInfo? { devices.indices.contains(index) ? devices[index] : nil }

  /// A conservative estimate of an OpenCL device's floating-point rate for time budgets, from its
  /// ``DeviceProfile`` (about half a GPU's peak; one FMA per cycle per unit on a CPU device).
  func deviceFlopsPerSecond(_ index: Int) -> Double {
    profile(index)?.flopsPerSecondEstimate ?? ExperimentCost.Rates.deviceFlopsPerSecond
  }

  /// A conservative estimate of an OpenCL device's memory bandwidth for time budgets, from its
  /// ``DeviceProfile`` (8 bytes per cycle per unit on a GPU, 1 on a CPU device).
  func deviceBytesPerSecond(_ index: Int) -> Double {
    profile(index)?.bytesPerSecondEstimate ?? ExperimentCost.Rates.memoryBytesPerSecond
  }
}
