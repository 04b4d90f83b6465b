// CUDA C++ sources compiled at run time with NVRTC for `peak` with `backend: "cuda"`.
//
// `fmaChains` is the CUDA twin of `PeakKernelSource`: CHAINS independent scalar chains
// x ← fma(x, a, b) per thread, so the same closed form checks it. `wmmaGEMM` is the kernel printed
// in question 7's answer, character for character (a test keeps them equal): one warp per 16×16
// tile of C, half inputs and float accumulation on the Tensor Cores through the WMMA API.

enum CUDAKernelSource {
  /// Build with `-DREAL=float` or `-DREAL=double` and `-DCHAINS=` (1–32).
  static let fmaChains = """
    extern "C" __global__ void fma_chains(REAL *out, int iterations, REAL a, REAL b) {
      const int gid = blockIdx.x * blockDim.x + threadIdx.x;
      const REAL base = (REAL)(gid % 64) / (REAL)64;
      REAL x[CHAINS];
      #pragma unroll
      for (int j = 0; j < CHAINS; ++j) x[j] = base + (REAL)j;
      for (int i = 0; i < iterations; ++i) {
        #pragma unroll
        for (int j = 0; j < CHAINS; ++j) x[j] = fma(x[j], a, b);
      }
      REAL sum = 0;
      #pragma unroll
      for (int j = 0; j < CHAINS; ++j) sum += x[j];
      out[gid] = sum;
    }
    """

  /// Question 7's WMMA kernel. Launch: grid (N/16, M/16), 32 threads; A row-major M×K, B
  /// column-major K×N (that is, Bᵀ row-major), C row-major M×N; M, N, K multiples of 16.
  static let wmmaGEMM = """
    #include <mma.h>
    using namespace nvcuda;
    // One warp per 16x16 tile of C = A*B; A row-major MxK, B col-major KxN; M,N,K % 16 == 0.
    extern "C" __global__ void wmma_gemm(const half *A, const half *B, float *C, int M, int N, int K) {
        int tm = blockIdx.y, tn = blockIdx.x;            // launch: grid(N/16, M/16), 32 threads
        wmma::fragment<wmma::matrix_a, 16, 16, 16, half, wmma::row_major> a;
        wmma::fragment<wmma::matrix_b, 16, 16, 16, half, wmma::col_major> b;
        wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc;
        wmma::fill_fragment(acc, 0.0f);
        for (int k = 0; k < K; k += 16) {
            wmma::load_matrix_sync(a, A + tm * 16 * K + k, K);
            wmma::load_matrix_sync(b, B + tn * 16 * K + k, K);
            wmma::mma_sync(acc, a, b, acc);              // Tensor Core MMA
        }
        wmma::store_matrix_sync(C + tm * 16 * N + tn * 16, acc, N, wmma::mem_row_major);
    }
    """
}
