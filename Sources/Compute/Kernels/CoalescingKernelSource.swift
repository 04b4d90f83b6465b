// OpenCL C sources of the `coalescing` experiment: a strided copy and two transposes.
//
// strided_copy runs over an (m, s) range: work-item (r, c) handles element r·s + c, so work-items
// adjacent along dimension 0 (those a GPU groups into a warp, or a CPU device into a vector) touch
// addresses s elements apart, while the whole range still reads and writes each of the m·s
// elements exactly once. Stride 1 is the plain copy. It writes in + add, so stale output from a
// previous stride cannot pass the check.
//
// transpose_naive reads along rows (adjacent work-items, adjacent addresses) and writes along
// columns (n elements apart). transpose_tiled stages a TILE×TILE tile in local memory (padded to
// TILE+1 columns against bank conflicts) so that both its reads and its writes are along rows.
// Build option: `-DTILE=` for the tiled kernel.

enum CoalescingKernelSource {
  static let source = """
    __kernel void strided_copy(__global const float* in, __global float* out, const int s, const float add) {
      const int idx = (int)get_global_id(0) * s + (int)get_global_id(1);
      out[idx] = in[idx] + add;
    }

    __kernel void transpose_naive(__global const float* in, __global float* out, const int n) {
      const int x = (int)get_global_id(0);
      const int y = (int)get_global_id(1);
      if (x < n && y < n) out[x * n + y] = in[y * n + x];
    }

    __kernel __attribute__((reqd_work_group_size(TILE, TILE, 1)))
    void transpose_tiled(__global const float* in, __global float* out, const int n) {
      __local float tile[TILE][TILE + 1];
      const int lx = (int)get_local_id(0);
      const int ly = (int)get_local_id(1);
      const int x0 = (int)get_group_id(0) * TILE;
      const int y0 = (int)get_group_id(1) * TILE;
      if (x0 + lx < n && y0 + ly < n) tile[ly][lx] = in[(y0 + ly) * n + x0 + lx];
      barrier(CLK_LOCAL_MEM_FENCE);
      if (y0 + lx < n && x0 + ly < n) out[(x0 + ly) * n + y0 + lx] = tile[lx][ly];
    }
    """
}
