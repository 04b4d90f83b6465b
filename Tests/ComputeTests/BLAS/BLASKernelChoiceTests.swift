import Testing

@testable import Compute

/// When OpenBLAS falls back to its oldest kernels on a CPU it does not know, the server restarts
/// with a kernel set the CPU's flags support; never when one was forced or after one restart.
@Suite struct BLASKernelChoiceTests {
  static let avx512: Set<String> = ["sse3", "avx", "avx2", "fma", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]

  @Test func aFallbackOnAnAVX512CPUBecomesSkylakeXAndOnAVX2Haswell() {
    #expect(BLASKernelChoice.replacement(corename: "Prescott", cpuFlags: Self.avx512, environment: [:]) == "SkylakeX")
    #expect(BLASKernelChoice.replacement(corename: "Nehalem", cpuFlags: ["avx2", "fma"], environment: [:]) == "Haswell")
    #expect(BLASKernelChoice.replacement(corename: "Prescott", cpuFlags: ["sse3"], environment: [:]) == nil)
  }

  @Test func aRecognisedCPUAForcedChoiceOrARestartedProcessIsLeftAlone() {
    #expect(BLASKernelChoice.replacement(corename: "SkylakeX", cpuFlags: Self.avx512, environment: [:]) == nil)
    #expect(BLASKernelChoice.replacement(corename: "Zen", cpuFlags: Self.avx512, environment: [:]) == nil)
    #expect(
      BLASKernelChoice.replacement(corename: "Prescott", cpuFlags: Self.avx512, environment: ["OPENBLAS_CORETYPE": "Haswell"]) == nil)
    #expect(
      BLASKernelChoice.replacement(corename: "Prescott", cpuFlags: Self.avx512, environment: [BLASKernelChoice.marker: "Prescott"]) == nil)
    #expect(BLASKernelChoice.replacement(corename: nil, cpuFlags: Self.avx512, environment: [:]) == nil)
  }

  @Test func readsTheFirstProcessorsFlags() {
    let text = "processor\t: 0\nflags\t\t: fpu sse3 avx2 fma\n\nprocessor\t: 1\nflags\t\t: fpu\n"
    #expect(BLASKernelChoice.cpuFlags(cpuinfo: text) == ["fpu", "sse3", "avx2", "fma"])
    #expect(BLASKernelChoice.cpuFlags(cpuinfo: nil).isEmpty)
  }
}
