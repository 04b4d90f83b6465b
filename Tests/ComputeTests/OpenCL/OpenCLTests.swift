import Testing
@testable import Compute

@Suite("OpenCL layer", .enabled(if: openCLAvailable))
struct OpenCLTests {
  var runtime: OpenCLBackend.DeviceRuntime {
    get throws { try sharedRunner.openCL.runtime(device: sharedRunner.openCL.defaultDeviceIndex ?? 0) }
  }

  @Test func discoveryDescribesEachDevice() throws {
    let platforms = try OpenCL.platforms()
    #expect(!platforms.isEmpty)
    let devices = sharedRunner.openCL.devices
    #expect(!devices.isEmpty)
    for (index, device) in devices.enumerated() {
      let info = device.info
      #expect(info.index == index)
      #expect(!info.name.isEmpty && !info.vendor.isEmpty && !info.version.isEmpty && !info.driverVersion.isEmpty)
      #expect(["cpu", "gpu", "accelerator", "custom", "default"].contains { info.type.contains($0) })
      #expect(info.computeUnits >= 1)
      #expect(info.globalMemoryBytes > 0 && info.localMemoryBytes > 0)
      #expect(info.maxWorkGroupSize >= 1)
      #expect(info.maxWorkItemSizes.count >= 2)
    }
  }

  /// A source no other test builds, so that its first build cannot come from the cache.
  func uniqueSource(_ tag: String) -> String {
    """
    // \(tag) \(UInt64.random(in: 0...UInt64.max))
    __kernel void scale(__global float* data, const int count) {
      const int i = (int)get_global_id(0);
      if (i < count) data[i] = 2.0f * data[i];
    }
    """
  }

  @Test func aSecondBuildOfTheSameProgramComesFromTheCache() throws {
    let runtime = try self.runtime
    let source = uniqueSource("cache")
    let first = try runtime.programs.program(for: runtime.context, source: source, options: "")
    let second = try runtime.programs.program(for: runtime.context, source: source, options: "")
    #expect(first.build.cached == false)
    #expect(second.build.cached == true)
    #expect(first.program === second.program)
    let otherOptions = try runtime.programs.program(for: runtime.context, source: source, options: "-cl-mad-enable")
    #expect(otherOptions.build.cached == false)
  }

  @Test func aBadSourceThrowsWithTheBuildLog() throws {
    let runtime = try self.runtime
    let source = "__kernel void broken(__global float* x) { x[0] = undeclared_name; }"
    let error = thrownError { try runtime.programs.program(for: runtime.context, source: source, options: "") }
    let openCLError = try #require(error as? OpenCLError)
    #expect(openCLError.call == "clBuildProgram")
    #expect(openCLError.statusName == "CL_BUILD_PROGRAM_FAILURE")
    #expect(openCLError.buildLog?.contains("undeclared_name") == true)
    #expect(ComputeError.openCL(openCLError).buildLog == openCLError.buildLog)
    // Nothing was cached: building again fails again.
    #expect(thrownError { try runtime.programs.program(for: runtime.context, source: source, options: "") } != nil)
  }

  @Test func buffersKernelArgumentsAndEventsWorkTogether() throws {
    let runtime = try self.runtime
    let (program, _) = try runtime.programs.program(for: runtime.context, source: uniqueSource("scale"), options: "")
    let kernel = try program.makeKernel(named: "scale")
    let input: [Float] = (0..<100).map(Float.init)
    let buffer = try OpenCL.Buffer(context: runtime.context, bytes: input.count * 4, access: .readWrite)
    let write = try input.withUnsafeBytes { try runtime.queue.write(buffer, from: $0.baseAddress!, bytes: $0.count) }
    try kernel.setArgument(0, buffer)
    try kernel.setArgument(1, Int32(input.count))
    let launch = try runtime.queue.enqueue(kernel: kernel, global: (128, 1), local: nil)
    try launch.wait()
    var output = [Float](repeating: 0, count: input.count)
    let read = try output.withUnsafeMutableBytes {
      try runtime.queue.read(buffer, into: $0.baseAddress!, bytes: $0.count)
    }
    #expect(output == input.map { 2 * $0 })
    for event in [write, launch, read] {
      let (start, end) = try event.profilingNanoseconds()
      #expect(end >= start && start > 0)
    }
    #expect(try kernel.maxWorkGroupSize >= 1)
  }

  @Test func anUnknownKernelNameThrows() throws {
    let runtime = try self.runtime
    let (program, _) = try runtime.programs.program(for: runtime.context, source: uniqueSource("name"), options: "")
    let error = thrownError { try program.makeKernel(named: "nope") } as? OpenCLError
    #expect(error?.statusName == "CL_INVALID_KERNEL_NAME")
  }
}

@Suite("OpenCL unavailable")
struct OpenCLUnavailableTests {
  // Discovery is injected: the real clGetPlatformIDs answer is replaced by what the ICD loader
  // returns on a machine without drivers (-1001, or success with 0 platforms).
  static let noPlatformKHR = OpenCLBackend { () throws(OpenCLError) in
    throw OpenCLError(status: OpenCL.platformNotFoundKHR, call: "clGetPlatformIDs")
  }
  static let zeroPlatforms = OpenCLBackend { () throws(OpenCLError) in [] }

  @Test(arguments: [(noPlatformKHR, "CL_PLATFORM_NOT_FOUND_KHR"), (zeroPlatforms, "0 platforms")])
  func theBackendReportsItselfUnavailableWithAReason(backend: OpenCLBackend, phrase: String) throws {
    guard case .unavailable(let reason) = backend.availability else {
      Issue.record("expected unavailable")
      return
    }
    #expect(reason.contains(phrase))
    #expect(backend.devices.isEmpty)
    #expect(backend.defaultDeviceIndex == nil)
  }

  @Test func otherBackendsStillRunAndOpenCLIsRefusedNamingTheAlternatives() throws {
    let runner = MatmulRunner(openCL: Self.noPlatformKHR)
    #expect(runner.availableBackends == [.blas, .cpuNaive])
    let outcome = try runner.run(MatmulSpec(m: 5, k: 5, n: 5, backend: .blas, repeats: 1))
    #expect(outcome.summary.maxRelError < 1e-5)
    let error = thrownError { try runner.run(MatmulSpec(m: 5, k: 5, n: 5, backend: .opencl)) } as? ComputeError
    #expect(error?.code == .backendUnavailable)
    #expect(error?.field == "backend")
    #expect(error?.available == ["blas", "cpu-naive"])
    #expect(error?.message.contains("CL_PLATFORM_NOT_FOUND_KHR") == true)
  }

  @Test func theCatalogSaysWhy() {
    let catalog = MatmulRunner(openCL: Self.zeroPlatforms).deviceCatalog()
    #expect(catalog.openCL.available == false)
    #expect(catalog.openCL.reason?.contains("0 platforms") == true)
    #expect(catalog.openCL.platforms.isEmpty)
    #expect(catalog.backends == [.blas, .cpuNaive])
  }

  @Test func aFailingDiscoveryIsReportedNotThrown() {
    let backend = OpenCLBackend { () throws(OpenCLError) in throw OpenCLError(status: -6, call: "clGetPlatformIDs") }
    #expect(backend.availability == .unavailable(reason: "OpenCL platform discovery failed: clGetPlatformIDs failed with CL_OUT_OF_HOST_MEMORY (-6)"))
  }
}
