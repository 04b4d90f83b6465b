// OpenCL C source of the `peak` experiment's FMA-chain kernel.
//
// Each work-item runs CHAINS independent chains x ← fma(x, a, b) on vectors of WIDTH lanes,
// `iterations` steps each, so the device always has CHAINS·WIDTH independent fused multiply-adds
// in flight: enough to hide FMA latency and fill the vector units. `a` and `b` are kernel
// arguments, so the compiler cannot fold the chain. With |a| < 1 the chain converges to
// c = b / (1 − a), and after k steps x = c + aᵏ(x₀ − c): the host checks that closed form.
// The lanes of a vector start apart (lane l at x₀ + l/64): with identical lanes a compiler may
// compute one lane and copy it, and the kernel would report WIDTH times the flops it did.
// Each work-item writes the sum of its chains' lanes.
//
// Build options: `-DUSE_DOUBLE` (needs cl_khr_fp64), `-DCHAINS=` (1–32), `-DWIDTH=` (1, 2, 4, 8, 16).
// Arguments: out (global real*), offset (int, added to the global id), iterations (int), a, b (real).

enum PeakKernelSource {
  static let source = """
    #ifdef USE_DOUBLE
    #pragma OPENCL EXTENSION cl_khr_fp64 : enable
    #define REAL double
    #else
    #define REAL float
    #endif
    #define CAT_(x, y) x##y
    #define CAT(x, y) CAT_(x, y)
    #if WIDTH == 1
    typedef REAL realv;
    #else
    typedef CAT(REAL, WIDTH) realv;
    #endif
    #define HSUM1(v) (v)
    #define HSUM2(v) ((v).s0 + (v).s1)
    #define HSUM4(v) (HSUM2((v).lo) + HSUM2((v).hi))
    #define HSUM8(v) (HSUM4((v).lo) + HSUM4((v).hi))
    #define HSUM16(v) (HSUM8((v).lo) + HSUM8((v).hi))
    #define HSUM(v) CAT(HSUM, WIDTH)(v)
    #if WIDTH == 1
    #define LANES ((REAL)0)
    #else
    __constant REAL lane_offsets[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    #define LANES CAT(vload, WIDTH)(0, lane_offsets)
    #endif

    __kernel void fma_chains(__global REAL* out, const int offset, const int iterations,
                             const REAL a, const REAL b) {
      const int gid = offset + (int)get_global_id(0);
      const REAL base = (REAL)(gid % 64) / (REAL)64;
      realv x[CHAINS];
      for (int j = 0; j < CHAINS; ++j) x[j] = (realv)(base + (REAL)j) + LANES * (REAL)0.015625;
      const realv va = (realv)a;
      const realv vb = (realv)b;
      for (int i = 0; i < iterations; ++i) {
        #pragma unroll
        for (int j = 0; j < CHAINS; ++j) x[j] = fma(x[j], va, vb);
      }
      REAL sum = 0;
      for (int j = 0; j < CHAINS; ++j) sum += HSUM(x[j]);
      out[gid] = sum;
    }
    """
}
