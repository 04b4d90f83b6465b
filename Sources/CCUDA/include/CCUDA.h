// hpclab's CUDA loader: the CUDA driver (libcuda), cuBLAS and cuBLASLt, and NVRTC, opened with
// dlopen at run time and called through function pointers declared here from NVIDIA's documented
// C APIs. Nothing is linked at build time: a machine without CUDA builds, tests and runs, and
// `hl_cuda_load` says what it looked for.
//
// Every call returns 0 on success, or a status: HL_CUDA_* for this shim's own errors, otherwise
// the library's status with the library named in `hl_cuda_last_error()`.
#ifndef CCUDA_H
#define CCUDA_H

#include <stddef.h>
#include <stdint.h>

#define HL_CUDA_NOT_LOADED (-1000)
#define HL_CUDA_MISSING_SYMBOL (-1001)
#define HL_CUDA_BAD_ARGUMENT (-1002)

/// Loads the libraries, trying each directory of `directories` (the first `count`), then the
/// loader's own search (LD_LIBRARY_PATH, ld.so.cache), then /usr/local/cuda/lib64. Returns 0 when
/// the driver and cuBLAS loaded and cuInit succeeded (NVRTC and cuBLASLt are optional; see
/// `hl_cuda_have_nvrtc`, `hl_cuda_have_lt`). `report` receives what was tried and found.
int hl_cuda_load(const char *const *directories, int count, char *report, size_t report_length);
int hl_cuda_have_nvrtc(void);
int hl_cuda_have_lt(void);
/// The last error as text ("cuMemAlloc_v2: CUDA_ERROR_OUT_OF_MEMORY (2)", …), per thread.
const char *hl_cuda_last_error(void);

typedef struct {
  char name[256];
  int multiprocessors;
  int major;
  int minor;
  uint64_t memory_bytes;
  int clock_khz;
  int memory_clock_khz;
  int memory_bus_bits;
  int l2_bytes;
  int shared_memory_per_block;
  int driver_version;
} hl_cuda_device;

int hl_cuda_device_count(int *count);
int hl_cuda_device_info(int ordinal, hl_cuda_device *info);

/// Makes the device's primary context current on this thread (retained once per process).
int hl_cuda_use_device(int ordinal);

int hl_cuda_alloc(uint64_t *pointer, size_t bytes);
int hl_cuda_free(uint64_t pointer);
/// Copies, timed with CUDA events on the default stream; `milliseconds` may be NULL.
int hl_cuda_upload(uint64_t destination, const void *source, size_t bytes, float *milliseconds);
int hl_cuda_download(void *destination, uint64_t source, size_t bytes, float *milliseconds);

/// The matrix-multiply modes: input type, compute type and the math that cuBLAS may use.
typedef enum {
  HL_GEMM_FLOAT32 = 0,   // float inputs and output, CUBLAS_COMPUTE_32F, default math: CUDA cores, no TF32
  HL_GEMM_TF32 = 1,      // float inputs and output, CUBLAS_COMPUTE_32F_FAST_TF32: Tensor Cores
  HL_GEMM_FLOAT16 = 2,   // half inputs, float output, CUBLAS_COMPUTE_32F: Tensor Cores
  HL_GEMM_BFLOAT16 = 3,  // bfloat16 inputs, float output, CUBLAS_COMPUTE_32F: Tensor Cores
  HL_GEMM_FLOAT64 = 4,   // double, CUBLAS_COMPUTE_64F
  HL_GEMM_FLOAT8 = 5,    // e4m3 inputs (cuBLASLt, A given transposed), float output, CUBLAS_COMPUTE_32F
} hl_gemm_mode;

/// C (m×n, row-major) = A (m×k) · B (k×n), both row-major in device memory in the mode's input
/// type, except float8, whose B is given transposed (n×k row-major, as cuBLASLt's FP8 kernels need
/// "TN"). Runs `repeats` times after one warm-up, each timed with CUDA events; `milliseconds`
/// receives each repeat's time.
int hl_cuda_gemm(hl_gemm_mode mode, int m, int n, int k, uint64_t a, uint64_t b, uint64_t c, int repeats,
                 float *milliseconds);

/// Compiles CUDA C++ to PTX with NVRTC. On success `*ptx` is malloc'ed (free it); the log
/// (warnings, or the errors) goes to `log` in any case.
int hl_nvrtc_compile(const char *source, const char *const *options, int option_count, char **ptx, char *log,
                     size_t log_length);
/// Loads PTX and launches `function` over a grid_x×grid_y grid of `block`-thread blocks with the
/// given argument pointers (cuLaunchKernel's kernelParams),
/// `repeats` times after a warm-up, each timed with CUDA events.
int hl_cuda_launch(const char *ptx, const char *function, unsigned grid_x, unsigned grid_y, unsigned block,
                   void **arguments,
                   int repeats, float *milliseconds);

#endif
