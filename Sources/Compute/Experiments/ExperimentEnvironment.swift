/// The machine an experiment runs on: the host, and the OpenCL devices if any.
struct ExperimentEnvironment {
  var host: HostMachine
  var openCL: OpenCLBackend
  /// The devices found (empty when OpenCL is unavailable).
  var devices: [OpenCL.DeviceInfo]
  /// The device used when `device` is not given.
  var defaultDeviceIndex: Int?

  init(host: HostMachine, openCL: OpenCLBackend) {
    self.host = host
    self.openCL = openCL
    devices = openCL.devices.map(\.info)
    defaultDeviceIndex = openCL.defaultDeviceIndex
  }

  /// The device `index`, if it exists.
  func device(_ index: Int) -> OpenCL.DeviceInfo? { devices.indices.contains(index) ? devices[index] : nil }

  /// A deliberately low estimate of an OpenCL device's floating-point rate for time budgets: one
  /// scalar FMA per cycle per compute unit, and at least ``ExperimentCost/Rates/deviceFlopsPerSecond``.
  func deviceFlopsPerSecond(_ index: Int) -> Double {
    guard let info = device(index) else { return ExperimentCost.Rates.deviceFlopsPerSecond }
    return max(
      ExperimentCost.Rates.deviceFlopsPerSecond, 2 * Double(info.computeUnits) * Double(info.maxClockMHz) * 1e6)
  }

  /// A deliberately low estimate of an OpenCL device's memory bandwidth for time budgets: one byte
  /// per cycle per compute unit, and at least ``ExperimentCost/Rates/memoryBytesPerSecond``.
  func deviceBytesPerSecond(_ index: Int) -> Double {
    guard let info = device(index) else { return ExperimentCost.Rates.memoryBytesPerSecond }
    return max(ExperimentCost.Rates.memoryBytesPerSecond, Double(info.computeUnits) * Double(info.maxClockMHz) * 1e6)
  }
}
