import Foundation
import JSON
import Testing

@testable import Compute

/// Defaults and estimates come from the device and the host: a large host cache or a GPU's L2
/// changes the sizes, never into a refusal; the level of the hierarchy measured is named.
@Suite struct DeviceDefaultsTests {
  /// A host like the 16-core machine of the GPU issue: sysfs reports a 320 MiB L3.
  static let bigHost = HostMachine(
    cpuName: "test host", cores: 16, lastLevelCacheBytes: 320 << 20, lastLevelCacheSource: "sysfs L3", pageBytes: 4096)

  /// An H200 as NVIDIA's OpenCL driver reports it (132 units at 1980 MHz, a small "global memory
  /// cache", no compute capability from this driver build).
  static let h200: OpenCL.DeviceInfo = {
    let json = #"""
      {"index":0,"platform_index":0,"name":"NVIDIA H200","vendor":"NVIDIA Corporation","version":"OpenCL 3.0 CUDA",
       "driver_version":"580.159","opencl_c_version":"OpenCL C 1.2","type":"gpu","compute_units":132,
       "max_clock_mhz":1980,"global_memory_bytes":150754820096,"local_memory_bytes":49152,
       "max_allocation_bytes":37688705024,"max_work_group_size":1024,"max_work_item_sizes":[1024,1024,64],
       "fp64":true,"profiling":true,"global_memory_cache_bytes":4325376,"global_memory_cache_line_bytes":128,
       "compute_capability":null}
      """#
    return try! JSONDecoder().decode(OpenCL.DeviceInfo.self, from: Data(json.utf8))
  }()

  @Test func recognisesAnH200ByNameWithItsLanesAndL2() {
    let profile = DeviceProfile(Self.h200, host: Self.bigHost)
    #expect(profile.architecture == "NVIDIA Hopper (compute capability 9.0)")
    #expect(profile.float32LanesPerUnit == 128 && profile.float64LanesPerUnit == 64)
    #expect(profile.lastLevelCacheBytes == 50 << 20)
    let peak = profile.peakFlopsPerSecond(.float32, computeUnits: 132, clockMHz: 1980) ?? 0
    #expect(abs(peak - 66.9e12) < 0.1e12)
    // A coalescing buffer sized from it: 2²⁶ floats, 256 MiB, 5× the L2; 2²³ (the old default) measured L2.
    #expect(profile.streamingElements(elementBytes: 4) == 1 << 26)
    let old = DeviceProfile.hierarchyNote(
      workingSet: 4 << 23, what: "each buffer", cacheBytes: profile.lastLevelCacheBytes, source: profile.lastLevelCacheSource)
    #expect(old.hasPrefix("This measured the cache, not DRAM"), "\(old)")
    let new = DeviceProfile.hierarchyNote(
      workingSet: 4 << 26, what: "each buffer", cacheBytes: profile.lastLevelCacheBytes, source: profile.lastLevelCacheSource)
    #expect(new.hasPrefix("This measured DRAM"), "\(new)")
  }

  @Test func aCPUDeviceUsesTheHostsCacheAndAnUnknownGPUIsNotCompared() {
    var cpu = Self.h200
    cpu.type = "cpu"
    cpu.name = "pthread-test"
    cpu.vendor = "PoCL"
    #expect(DeviceProfile(cpu, host: Self.bigHost).lastLevelCacheBytes == 320 << 20)
    var other = Self.h200
    other.name = "Some GPU"
    other.vendor = "Other"
    let profile = DeviceProfile(other, host: Self.bigHost)
    #expect(profile.architecture == nil && profile.float32LanesPerUnit == nil)
    #expect(profile.lastLevelCacheBytes == 4325376)
  }

  /// Every kind that runs here accepts `{}`, and `{"target": …}` for every target it offers (each
  /// with its own defaults).
  static func validateEveryDefault(_ runner: ExperimentRunner) throws {
    for kind in ExperimentKind.allCases where (kind.openCL != .required || openCLAvailable) && !kind.needsCUDA {
      let used = try runner.validate(kind, parameters: [:])
      #expect(!used.values.isEmpty, "\(kind)")
      let targets = kind.parameters.first { $0.name == "target" }?.allowed ?? []
      for case .string(let target) in targets where target == "cpu" || target == "host" || openCLAvailable {
        _ = try runner.validate(kind, parameters: ["target": .string(target)])
      }
    }
  }

  @Test func everyKindAcceptsItsDefaultsOnAHostWithA320MiBL3() throws {
    let runner = ExperimentRunner(openCL: sharedRunner.openCL, host: Self.bigHost)
    try Self.validateEveryDefault(runner)
    let cpu = try runner.validate(.bandwidth, parameters: ["target": .string("cpu")])
    // 4 × 320 MiB / 8 = 167772160 wanted; capped by the 1 GiB budget (3 arrays and the 24 MiB dgemm).
    #expect(cpu.int("n") < 167_772_160 && cpu.int("n") >= 40_000_000, "\(cpu.int("n"))")
    let capped = BandwidthExperiment.defaultN(cpu.values, environment: runner.environment)
    #expect(capped.capped?.contains("memory budget") == true, "\(capped)")
  }

  /// With a memory budget large enough not to cap them (as the GPU report's 16 GiB), the 4× rule's
  /// sizes on a 320 MiB L3 would outrun the time budget: a default is lowered to fit and says so; a
  /// size the client gave is refused, never changed.
  @Test func aDefaultThatWouldOutrunTheTimeBudgetIsLoweredAndSaysSo() throws {
    let runner = ExperimentRunner(
      configuration: .init(memoryBudgetBytes: 16 << 30, timeBudgetSeconds: 60), openCL: sharedRunner.openCL,
      host: Self.bigHost)
    try Self.validateEveryDefault(runner)
    let wanted = 4 * (320 << 20) / 8
    let (used, experiment, flags) = try runner.prepare(
      .bandwidth, parameters: ["target": .string("cpu")], environment: runner.environment)
    #expect(used.int("n") < wanted && experiment.cost.seconds <= 60, "\(used.int("n"))")
    #expect(flags.map(\.code) == [.defaultCapped], "\(flags)")
    #expect(flags.first?.message.contains("time budget") == true)
    let error = computeError { try runner.validate(.bandwidth, parameters: ["target": .string("cpu"), "n": .int(wanted)]) }
    #expect(error?.code == .memoryBudgetExceeded && error?.field == "n", "\(String(describing: error))")
  }

  @Test func theBandwidthSummarySaysWhatWasCappedAndWhatItMeans() throws {
    let host = HostMachine(
      cpuName: "test host", cores: 2, lastLevelCacheBytes: 64 << 20, lastLevelCacheSource: "sysfs L3", pageBytes: 4096)
    // A small budget caps n far below 4× the 64 MiB cache: the run says so.
    let small = ExperimentRunner(configuration: .init(memoryBudgetBytes: 96 << 20), openCL: sharedRunner.openCL, host: host)
    let outcome = try small.run(.bandwidth, parameters: ["target": .string("cpu"), "repeats": .int(1), "peak_gflops": .number(10)])
    #expect(outcome.summary.contains("capped"), "\(outcome.summary)")
    #expect(outcome.summary.contains("raise the server's --memory-budget"), "\(outcome.summary)")
    #expect(outcome.summary.contains("This measured the cache, not DRAM") || outcome.summary.contains("partly cache"))
  }
}
