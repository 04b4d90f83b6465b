// OpenCL C sources of the `divergence` experiment.
//
// Two paths of equal cost (`work` fused multiply-adds with different constants) and two ways of
// choosing between them, each sending half the work-items down each path:
// - branch_divergent splits *within* every work-group: by lane parity (PATTERN 0) or into the
//   first and second half of the group (PATTERN 1). On a GPU, lanes of one warp/wavefront that
//   disagree execute both paths one after the other, masked; halves of a group of 64 fall on
//   warp boundaries and do not diverge.
// - branch_uniform chooses per work-group (even groups one path, odd the other), so no group
//   ever disagrees.
// Build option: `-DPATTERN=` 0 (alternate lanes) or 1 (halves).
// Arguments: in, out (global float*), n (int), work (int), then the paths' constants a1, b1, a2, b2
// (float; path A is x ← fma(x, a1, b1), path B x ← fma(x, a2, b2)), passed in so that the host
// reference uses the very same bits.

enum DivergenceKernelSource {
  static let source = """
    inline float path(float x, const int work, const float a, const float b) {
      for (int i = 0; i < work; ++i) x = fma(x, a, b);
      return x;
    }

    __kernel void branch_divergent(__global const float* in, __global float* out, const int n, const int work,
                                   const float a1, const float b1, const float a2, const float b2) {
      const int g = (int)get_global_id(0);
      if (g >= n) return;
      const int lane = (int)get_local_id(0);
    #if PATTERN == 1
      const int take_b = lane >= (int)get_local_size(0) / 2;
    #else
      const int take_b = lane & 1;
    #endif
      const float x = in[g];
      if (take_b) out[g] = path(x, work, a2, b2); else out[g] = path(x, work, a1, b1);
    }

    __kernel void branch_uniform(__global const float* in, __global float* out, const int n, const int work,
                                 const float a1, const float b1, const float a2, const float b2) {
      const int g = (int)get_global_id(0);
      if (g >= n) return;
      const int take_b = (int)get_group_id(0) & 1;
      const float x = in[g];
      if (take_b) out[g] = path(x, work, a2, b2); else out[g] = path(x, work, a1, b1);
    }
    """
}
