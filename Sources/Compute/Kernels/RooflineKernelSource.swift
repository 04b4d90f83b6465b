// OpenCL C sources of the `roofline` experiment's bandwidth kernels: a grid-stride read of a
// global buffer (`read_global`: L2 when the buffer fits it, global memory when it is 4× larger;
// `read_global_blocks` reads one block per work-item, for CPU devices)
// and repeated reads of a work-group's local-memory tile (`read_local`). Each work-item writes
// its sum, so nothing can be optimised away, and the sums verify the reads (every input is 1).
// Build option for `read_local`: `-DLOCAL_N=<floats>` (a power of two).

enum RooflineKernelSource {
  static let source = """
    __kernel void read_global(__global const float4* in, const int n4, const int passes, __global float* out) {
      const int gid = (int)get_global_id(0);
      const int size = (int)get_global_size(0);
      float4 acc = (float4)(0.0f);
      for (int p = 0; p < passes; ++p) {
        for (int i = gid; i < n4; i += size) acc += in[i];
      }
      out[gid] = acc.x + acc.y + acc.z + acc.w;
    }

    // The same reads in one contiguous block per work-item: what a CPU device's threads stream
    // best (a GPU wants the interleaved form above, where a warp's loads are adjacent).
    __kernel void read_global_blocks(__global const float4* in, const int n4, const int passes, __global float* out) {
      const int gid = (int)get_global_id(0);
      const int size = (int)get_global_size(0);
      const int begin = (int)(((long)n4 * gid) / size);
      const int end = (int)(((long)n4 * (gid + 1)) / size);
      float4 acc = (float4)(0.0f);
      for (int p = 0; p < passes; ++p) {
        for (int i = begin; i < end; ++i) acc += in[i];
      }
      out[gid] = acc.x + acc.y + acc.z + acc.w;
    }

    #ifdef LOCAL_N
    __kernel void read_local(__global const float* in, const int passes, __global float* out) {
      __local float tile[LOCAL_N];
      const int lid = (int)get_local_id(0);
      const int lsize = (int)get_local_size(0);
      for (int i = lid; i < LOCAL_N; i += lsize) tile[i] = in[i];
      barrier(CLK_LOCAL_MEM_FENCE);
      float acc = 0.0f;
      for (int p = 0; p < passes; ++p) {
        for (int i = lid; i < LOCAL_N; i += lsize) acc += tile[(i + p) & (LOCAL_N - 1)];
      }
      out[get_global_id(0)] = acc;
    }
    #endif
    """
}
