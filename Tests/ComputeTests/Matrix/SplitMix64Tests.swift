import Testing
@testable import Compute

@Suite("Seeded inputs")
struct SplitMix64Tests {
  @Test func matchesTheReferenceSequence() {
    // First outputs of SplitMix64 seeded with 0, as in Vigna's splitmix64.c.
    var generator = SplitMix64(seed: 0)
    #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
    #expect(generator.next() == 0x6E78_9E6A_A1B9_65F4)
  }

  @Test func unitValuesLieInMinusOneToOneAndAreExactInFloat32() {
    var generator = SplitMix64(seed: 123)
    for _ in 0..<10_000 {
      let value = generator.nextUnit()
      #expect(value >= -1 && value < 1)
      #expect(Double(Float(value)) == value)
    }
  }

  @Test func aSeedGivesTheSameValuesInBothDTypes() {
    let single = Matrix.seededInputs(m: 3, k: 4, n: 5, dtype: .float32, seed: 9)
    let double = Matrix.seededInputs(m: 3, k: 4, n: 5, dtype: .float64, seed: 9)
    #expect(single.a.doubles == double.a.doubles)
    #expect(single.b.doubles == double.b.doubles)
    #expect(single.a.doubles != Matrix.seededInputs(m: 3, k: 4, n: 5, dtype: .float64, seed: 10).a.doubles)
  }
}
