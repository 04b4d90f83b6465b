// OpenCL C 1.2 source of the tunable matrix multiply behind `kernel: "auto"`.
//
// C = A·B with A given transposed: At is K×M, B is K×N, C is M×N, all row-major, and M, N, K
// multiples of the work-group tile (the host zero-pads; see `XgemmLayout`). With A transposed,
// the tiles of At and B are both rows of K, so both are read from global memory the same way:
// adjacent work-items read adjacent vectors (coalesced), and stored in local memory without a
// transpose (no bank conflicts on the store).
//
// Build options (see `XgemmConfig`):
//   MWG, NWG  rows and columns of C computed by one work-group
//   KWG       the slice of K staged in local memory per step
//   MDIMC, NDIMC  work-items per work-group along rows and columns (the local size is NDIMC×MDIMC)
//   VWM, VWN  vector widths (1, 2, 4 or 8) of the loads along M and N; a work-item owns groups of
//             VWM adjacent rows and VWN adjacent columns, the groups strided by MDIMC·VWM and
//             NDIMC·VWN, so that adjacent work-items touch adjacent vectors
//   PADA, PADB  extra elements per local-memory row (0 or VWM/VWN), against bank conflicts
//   USE_DOUBLE  double instead of float (needs cl_khr_fp64)
// Each work-item accumulates MWI×NWI = (MWG/MDIMC)×(NWG/NDIMC) outputs in private registers.
// Arguments: M, N, K (padded), rowStart, colStart (where this launch's block of C begins), At, B, C.

enum XgemmKernelSource {
  static let source = """
    #ifdef USE_DOUBLE
    #pragma OPENCL EXTENSION cl_khr_fp64 : enable
    typedef double real;
    typedef double2 real2;
    typedef double4 real4;
    typedef double8 real8;
    #else
    typedef float real;
    typedef float2 real2;
    typedef float4 real4;
    typedef float8 real8;
    #endif

    #define MWI (MWG / MDIMC)
    #define NWI (NWG / NDIMC)
    #define NVI (NWI / VWN)
    #define THREADS (MDIMC * NDIMC)
    #define LDA (MWG + PADA)
    #define LDB (NWG + PADB)

    // Copies VW adjacent reals from src + VW*i to dst + VW*j (one vector load and store).
    #define COPY1(i, src, j, dst) (dst)[(j)] = (src)[(i)]
    #define COPY2(i, src, j, dst) vstore2(vload2((i), (src)), (j), (dst))
    #define COPY4(i, src, j, dst) vstore4(vload4((i), (src)), (j), (dst))
    #define COPY8(i, src, j, dst) vstore8(vload8((i), (src)), (j), (dst))
    #define CAT(a, b) a##b
    #define COPYV(w) CAT(COPY, w)

    // The accumulators and B's values are vectors of VWN columns, so the multiply-adds are vector
    // operations (a CPU's SIMD lanes; a GPU splits them into scalar instructions).
    #if VWN == 1
    typedef real realN;
    #define LOADN(i, p) (p)[(i)]
    #define STOREN(x, i, p) (p)[(i)] = (x)
    #elif VWN == 2
    typedef real2 realN;
    #define LOADN vload2
    #define STOREN vstore2
    #elif VWN == 4
    typedef real4 realN;
    #define LOADN vload4
    #define STOREN vstore4
    #else
    typedef real8 realN;
    #define LOADN vload8
    #define STOREN vstore8
    #endif

    __kernel __attribute__((reqd_work_group_size(NDIMC, MDIMC, 1)))
    void xgemm(const int M, const int N, const int K, const int rowStart, const int colStart,
               __global const real* restrict At, __global const real* restrict B,
               __global real* restrict C) {
      const int tx = (int)get_local_id(0);
      const int ty = (int)get_local_id(1);
      const int tid = ty * NDIMC + tx;
      const int row0 = rowStart + (int)get_group_id(1) * MWG;
      const int col0 = colStart + (int)get_group_id(0) * NWG;
      __local real As[KWG * LDA];
      __local real Bs[KWG * LDB];
      realN acc[MWI * NVI];
      real a[MWI];
      realN b[NVI];
      #pragma unroll
      for (int i = 0; i < MWI * NVI; ++i) acc[i] = (realN)0;

      for (int k0 = 0; k0 < K; k0 += KWG) {
        // Stage KWG rows of At (MWG wide) and of B (NWG wide), a vector per work-item per step.
        for (int e = tid; e < KWG * (MWG / VWM); e += THREADS) {
          const int p = e / (MWG / VWM);
          const int v = e % (MWG / VWM);
          COPYV(VWM)(v, At + (size_t)(k0 + p) * M + row0, 0, As + p * LDA + v * VWM);
        }
        for (int e = tid; e < KWG * (NWG / VWN); e += THREADS) {
          const int p = e / (NWG / VWN);
          const int v = e % (NWG / VWN);
          COPYV(VWN)(v, B + (size_t)(k0 + p) * N + col0, 0, Bs + p * LDB + v * VWN);
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        #pragma unroll
        for (int p = 0; p < KWG; ++p) {
          #pragma unroll
          for (int i = 0; i < MWI / VWM; ++i) COPYV(VWM)(i * MDIMC + ty, As + p * LDA, i, a);
          #pragma unroll
          for (int j = 0; j < NVI; ++j) b[j] = LOADN(j * NDIMC + tx, Bs + p * LDB);
          #pragma unroll
          for (int i = 0; i < MWI; ++i) {
            #pragma unroll
            for (int j = 0; j < NVI; ++j) acc[i * NVI + j] = mad((realN)a[i], b[j], acc[i * NVI + j]);
          }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
      }

      // Work-item (tx, ty) owns rows ((i / VWM)·MDIMC + ty)·VWM + i % VWM, and the VWN columns
      // from (j·NDIMC + tx)·VWN for each j.
      #pragma unroll
      for (int i = 0; i < MWI; ++i) {
        const int row = row0 + ((i / VWM) * MDIMC + ty) * VWM + i % VWM;
        #pragma unroll
        for (int j = 0; j < NVI; ++j) STOREN(acc[i * NVI + j], j * NDIMC + tx, C + (size_t)row * N + col0);
      }
    }
    """
}
