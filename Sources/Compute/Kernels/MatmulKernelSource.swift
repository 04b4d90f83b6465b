// OpenCL C 1.2 sources of the matrix-multiply kernels.
//
// Every kernel computes C = A·B for row-major A (M×K), B (K×N), C (M×N), restricted to the
// output block rows [rowStart, rowEnd) × columns [colStart, colEnd), so that the host can split
// a large product into short launches. Dimension 0 of the range runs along columns (adjacent
// work-items touch adjacent addresses of B and C), dimension 1 along rows. All loads and stores
// are bounds-checked, so any M, K, N work with any tile size: out-of-range tile elements load as 0.
//
// Build options: `-DUSE_DOUBLE` selects double (needs cl_khr_fp64); `-DTS=` sets the tiled kernel's
// tile; `-DTSM= -DTSN= -DTSK= -DWPTM= -DWPTN=` set the blocked kernel's tiles and work per item.
// Arguments, in order: M, N, K, rowStart, rowEnd, colStart, colEnd (int), A, B, C (global pointers).

enum MatmulKernelSource {
  static let prelude = """
    #ifdef USE_DOUBLE
    #pragma OPENCL EXTENSION cl_khr_fp64 : enable
    typedef double real;
    #else
    typedef float real;
    #endif

    """

  /// One work-item per output element, straight from global memory.
  static let naive = prelude + """
    __kernel void matmul_naive(const int M, const int N, const int K,
                               const int rowStart, const int rowEnd,
                               const int colStart, const int colEnd,
                               __global const real* A, __global const real* B,
                               __global real* C) {
      const int col = colStart + (int)get_global_id(0);
      const int row = rowStart + (int)get_global_id(1);
      if (row >= rowEnd || col >= colEnd) return;
      real acc = 0;
      for (int p = 0; p < K; ++p) {
        acc += A[row * K + p] * B[p * N + col];
      }
      C[row * N + col] = acc;
    }
    """

  /// One work-item per output element; TS×TS tiles of A and B are staged in local memory, so each
  /// global element is read once per work-group instead of once per work-item.
  static let tiled = prelude + """
    __kernel __attribute__((reqd_work_group_size(TS, TS, 1)))
    void matmul_tiled(const int M, const int N, const int K,
                      const int rowStart, const int rowEnd,
                      const int colStart, const int colEnd,
                      __global const real* A, __global const real* B,
                      __global real* C) {
      const int lc = (int)get_local_id(0);
      const int lr = (int)get_local_id(1);
      const int col = colStart + (int)get_group_id(0) * TS + lc;
      const int row = rowStart + (int)get_group_id(1) * TS + lr;
      __local real As[TS][TS];
      __local real Bs[TS][TS];
      real acc = 0;
      for (int t = 0; t < K; t += TS) {
        const int ak = t + lc;
        const int bk = t + lr;
        As[lr][lc] = (row < rowEnd && ak < K) ? A[row * K + ak] : (real)0;
        Bs[lr][lc] = (bk < K && col < colEnd) ? B[bk * N + col] : (real)0;
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int p = 0; p < TS; ++p) {
          acc += As[lr][p] * Bs[p][lc];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
      }
      if (row < rowEnd && col < colEnd) C[row * N + col] = acc;
    }
    """

  /// Register blocking: a work-group computes a TSM×TSN block of C; each of its
  /// (TSN/WPTN)×(TSM/WPTM) work-items keeps WPTM×WPTN accumulators in registers, for rows
  /// strided by TSM/WPTM and columns strided by TSN/WPTN (so neighbouring work-items still touch
  /// neighbouring addresses). Each step stages a TSM×TSK slice of A (stored transposed) and a
  /// TSK×TSN slice of B in local memory, all work-items sharing the loads.
  static let blocked = prelude + """
    #define RTSM (TSM / WPTM)
    #define RTSN (TSN / WPTN)
    __kernel __attribute__((reqd_work_group_size(RTSN, RTSM, 1)))
    void matmul_blocked(const int M, const int N, const int K,
                        const int rowStart, const int rowEnd,
                        const int colStart, const int colEnd,
                        __global const real* A, __global const real* B,
                        __global real* C) {
      const int tx = (int)get_local_id(0);
      const int ty = (int)get_local_id(1);
      const int col0 = colStart + (int)get_group_id(0) * TSN;
      const int row0 = rowStart + (int)get_group_id(1) * TSM;
      const int tid = ty * RTSN + tx;
      __local real As[TSK][TSM];
      __local real Bs[TSK][TSN];
      real acc[WPTM][WPTN];
      for (int i = 0; i < WPTM; ++i)
        for (int j = 0; j < WPTN; ++j)
          acc[i][j] = 0;
      for (int t = 0; t < K; t += TSK) {
        for (int e = tid; e < TSM * TSK; e += RTSM * RTSN) {
          const int r = e / TSK;
          const int p = e % TSK;
          const int gr = row0 + r;
          const int gk = t + p;
          As[p][r] = (gr < rowEnd && gk < K) ? A[gr * K + gk] : (real)0;
        }
        for (int e = tid; e < TSK * TSN; e += RTSM * RTSN) {
          const int p = e / TSN;
          const int c = e % TSN;
          const int gk = t + p;
          const int gc = col0 + c;
          Bs[p][c] = (gk < K && gc < colEnd) ? B[gk * N + gc] : (real)0;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int p = 0; p < TSK; ++p) {
          real b[WPTN];
          for (int j = 0; j < WPTN; ++j) b[j] = Bs[p][tx + j * RTSN];
          for (int i = 0; i < WPTM; ++i) {
            const real a = As[p][ty + i * RTSM];
            for (int j = 0; j < WPTN; ++j) acc[i][j] += a * b[j];
          }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
      }
      for (int i = 0; i < WPTM; ++i) {
        const int row = row0 + ty + i * RTSM;
        if (row >= rowEnd) continue;
        for (int j = 0; j < WPTN; ++j) {
          const int col = col0 + tx + j * RTSN;
          if (col < colEnd) C[row * N + col] = acc[i][j];
        }
      }
    }
    """
}
