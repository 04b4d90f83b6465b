import Testing
@testable import Compute

@Suite("WorkSplit")
struct WorkSplitTests {
  func coverage(_ blocks: [WorkSplit.Block], m: Int, n: Int) -> [Int] {
    var counts = [Int](repeating: 0, count: m * n)
    for block in blocks { for i in block.rows { for j in block.columns { counts[i * n + j] += 1 } } }
    return counts
  }

  @Test(arguments: [(1, 1, 1, 1_000), (100, 100, 100, 1_000_000), (129, 7, 300, 50_000), (70, 300, 1_000, 64 * 64 * 300)])
  func blocksCoverEveryOutputOnce(m: Int, n: Int, k: Int, budget: Int) {
    for align in [1, 64] {
      let blocks = WorkSplit.blocks(m: m, n: n, k: k, budget: budget, align: align)
      #expect(coverage(blocks, m: m, n: n).allSatisfy { $0 == 1 })
      for block in blocks {
        #expect(block.rows.lowerBound % align == 0 && block.columns.lowerBound % align == 0)
      }
    }
  }

  @Test func smallProductsAreOneBlockAndLargeOnesRespectTheBudget() {
    #expect(WorkSplit.blocks(m: 10, n: 10, k: 10, budget: 1_000).count == 1)
    let blocks = WorkSplit.blocks(m: 1_000, n: 1_000, k: 1_000, budget: 1 << 24, align: 64)
    #expect(blocks.count > 1)
    #expect(blocks.allSatisfy { $0.rows.count * $0.columns.count * 1_000 <= 1 << 24 })
  }
}
