/// Splits the output C (m×n) into blocks of at most about `budget` multiply-adds each, so that
/// long work can stop between blocks.
///
/// Prefers full-width row bands; when even `align` rows are over budget (very large n·k), it
/// splits columns too. Block edges fall on multiples of `align` (64 for OpenCL, to stay
/// whole work-groups of every tile size), except at the matrix's own edges.
struct WorkSplit {
  struct Block: Equatable {
    var rows: Range<Int>
    var columns: Range<Int>
  }

  static func blocks(m: Int, n: Int, k: Int, budget: Int, align: Int = 1) -> [Block] {
    let budget = max(budget, 1)
    let perRow = n.multipliedClamped(max(k, 1))
    if m.multipliedClamped(perRow) <= budget { return [Block(rows: 0..<m, columns: 0..<n)] }
    let rowsFitting = budget / max(perRow, 1) / align * align
    if rowsFitting >= align {
      return stride(from: 0, to: m, by: rowsFitting).map {
        Block(rows: $0..<min($0 + rowsFitting, m), columns: 0..<n)
      }
    }
    let bandRows = min(align, m)
    let columnsFitting = max(align, budget / max(bandRows * max(k, 1), 1) / align * align)
    var blocks: [Block] = []
    for row in stride(from: 0, to: m, by: bandRows) {
      for column in stride(from: 0, to: n, by: columnsFitting) {
        blocks.append(Block(rows: row..<min(row + bandRows, m), columns: column..<min(column + columnsFitting, n)))
      }
    }
    return blocks
  }
}
