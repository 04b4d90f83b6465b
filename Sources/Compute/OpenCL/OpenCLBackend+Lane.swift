extension OpenCLBackend {
  /// The worker-pool lane for work on OpenCL device `index`: `"cpu"` when the device is a CPU
  /// device (PoCL runs its work-items on the host's cores, so it must queue behind host jobs, or
  /// both would time each other), `"opencl:<index>"` for a GPU or accelerator. An index that names
  /// no device gets `"opencl:<index>"`; validation rejects it before it runs.
  ///
  /// Matmul jobs (``MatmulRunner/lane(for:)``) and experiments (``ExperimentRunner/lane(for:parameters:)``)
  /// both use this rule, so jobs on the same cores always share a lane.
  public func lane(device index: Int) -> String {
    let devices = self.devices
    if devices.indices.contains(index), devices[index].info.type.split(separator: "+").contains("cpu") {
      return "cpu"
    }
    return "opencl:\(index)"
  }
}
