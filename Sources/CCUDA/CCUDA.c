// See include/CCUDA.h. The declarations below follow NVIDIA's documented C APIs (CUDA driver API,
// cuBLAS, cuBLASLt, NVRTC); handles are opaque pointers, enums plain ints of the documented values.
#define _GNU_SOURCE
#include "CCUDA.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int CUresult;
typedef int CUdevice;
typedef void *CUcontext;
typedef void *CUevent;
typedef void *CUstream;
typedef void *CUmodule;
typedef void *CUfunction;
typedef unsigned long long CUdeviceptr;
typedef int cublasStatus_t;
typedef void *cublasHandle_t;
typedef void *cublasLtHandle_t;
typedef void *cublasLtMatmulDesc_t;
typedef void *cublasLtMatrixLayout_t;
typedef void *cublasLtMatmulPreference_t;
typedef struct { uint64_t data[8]; } cublasLtMatmulAlgo_t;
typedef struct {
  cublasLtMatmulAlgo_t algo;
  size_t workspaceSize;
  cublasStatus_t state;
  float wavesCount;
  int reserved[4];
} cublasLtMatmulHeuristicResult_t;
typedef int nvrtcResult;
typedef void *nvrtcProgram;

// Documented enum values (cuda.h, library_types.h, cublas_api.h, cublasLt.h).
enum {
  CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK = 8,
  CU_DEVICE_ATTRIBUTE_CLOCK_RATE = 13,
  CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT = 16,
  CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE = 36,
  CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH = 37,
  CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE = 38,
  CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75,
  CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76,
};
enum { CUDA_R_32F = 0, CUDA_R_64F = 1, CUDA_R_16F = 2, CUDA_R_16BF = 14, CUDA_R_8F_E4M3 = 28 };
enum {
  CUBLAS_COMPUTE_32F = 68,
  CUBLAS_COMPUTE_64F = 70,
  CUBLAS_COMPUTE_32F_FAST_TF32 = 77,
};
enum { CUBLAS_OP_N = 0, CUBLAS_OP_T = 1 };
enum { CUBLAS_GEMM_DEFAULT = -1 };
enum { CUBLAS_DEFAULT_MATH = 0 };
enum { CUBLASLT_MATMUL_DESC_TRANSA = 3, CUBLASLT_MATMUL_DESC_TRANSB = 4 };
enum { CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES = 1 };

static struct {
  CUresult (*cuInit)(unsigned);
  CUresult (*cuDriverGetVersion)(int *);
  CUresult (*cuGetErrorName)(CUresult, const char **);
  CUresult (*cuDeviceGetCount)(int *);
  CUresult (*cuDeviceGet)(CUdevice *, int);
  CUresult (*cuDeviceGetName)(char *, int, CUdevice);
  CUresult (*cuDeviceGetAttribute)(int *, int, CUdevice);
  CUresult (*cuDeviceTotalMem)(size_t *, CUdevice);
  CUresult (*cuDevicePrimaryCtxRetain)(CUcontext *, CUdevice);
  CUresult (*cuCtxSetCurrent)(CUcontext);
  CUresult (*cuCtxSynchronize)(void);
  CUresult (*cuMemAlloc)(CUdeviceptr *, size_t);
  CUresult (*cuMemFree)(CUdeviceptr);
  CUresult (*cuMemcpyHtoD)(CUdeviceptr, const void *, size_t);
  CUresult (*cuMemcpyDtoH)(void *, CUdeviceptr, size_t);
  CUresult (*cuEventCreate)(CUevent *, unsigned);
  CUresult (*cuEventRecord)(CUevent, CUstream);
  CUresult (*cuEventSynchronize)(CUevent);
  CUresult (*cuEventElapsedTime)(float *, CUevent, CUevent);
  CUresult (*cuEventDestroy)(CUevent);
  CUresult (*cuModuleLoadData)(CUmodule *, const void *);
  CUresult (*cuModuleGetFunction)(CUfunction *, CUmodule, const char *);
  CUresult (*cuModuleUnload)(CUmodule);
  CUresult (*cuLaunchKernel)(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned,
                             CUstream, void **, void **);

  cublasStatus_t (*cublasCreate)(cublasHandle_t *);
  cublasStatus_t (*cublasSetMathMode)(cublasHandle_t, int);
  cublasStatus_t (*cublasGemmEx)(cublasHandle_t, int, int, int, int, int, const void *, const void *, int, int,
                                 const void *, int, int, const void *, void *, int, int, int, int);

  cublasStatus_t (*cublasLtCreate)(cublasLtHandle_t *);
  cublasStatus_t (*cublasLtMatmulDescCreate)(cublasLtMatmulDesc_t *, int, int);
  cublasStatus_t (*cublasLtMatmulDescDestroy)(cublasLtMatmulDesc_t);
  cublasStatus_t (*cublasLtMatmulDescSetAttribute)(cublasLtMatmulDesc_t, int, const void *, size_t);
  cublasStatus_t (*cublasLtMatrixLayoutCreate)(cublasLtMatrixLayout_t *, int, uint64_t, uint64_t, int64_t);
  cublasStatus_t (*cublasLtMatrixLayoutDestroy)(cublasLtMatrixLayout_t);
  cublasStatus_t (*cublasLtMatmulPreferenceCreate)(cublasLtMatmulPreference_t *);
  cublasStatus_t (*cublasLtMatmulPreferenceDestroy)(cublasLtMatmulPreference_t);
  cublasStatus_t (*cublasLtMatmulPreferenceSetAttribute)(cublasLtMatmulPreference_t, int, const void *, size_t);
  cublasStatus_t (*cublasLtMatmulAlgoGetHeuristic)(cublasLtHandle_t, cublasLtMatmulDesc_t, cublasLtMatrixLayout_t,
                                                   cublasLtMatrixLayout_t, cublasLtMatrixLayout_t,
                                                   cublasLtMatrixLayout_t, cublasLtMatmulPreference_t, int,
                                                   cublasLtMatmulHeuristicResult_t *, int *);
  cublasStatus_t (*cublasLtMatmul)(cublasLtHandle_t, cublasLtMatmulDesc_t, const void *, const void *,
                                   cublasLtMatrixLayout_t, const void *, cublasLtMatrixLayout_t, const void *,
                                   const void *, cublasLtMatrixLayout_t, void *, cublasLtMatrixLayout_t,
                                   const cublasLtMatmulAlgo_t *, void *, size_t, CUstream);

  nvrtcResult (*nvrtcCreateProgram)(nvrtcProgram *, const char *, const char *, int, const char *const *,
                                    const char *const *);
  nvrtcResult (*nvrtcCompileProgram)(nvrtcProgram, int, const char *const *);
  nvrtcResult (*nvrtcGetPTXSize)(nvrtcProgram, size_t *);
  nvrtcResult (*nvrtcGetPTX)(nvrtcProgram, char *);
  nvrtcResult (*nvrtcGetProgramLogSize)(nvrtcProgram, size_t *);
  nvrtcResult (*nvrtcGetProgramLog)(nvrtcProgram, char *);
  nvrtcResult (*nvrtcDestroyProgram)(nvrtcProgram *);
  const char *(*nvrtcGetErrorString)(nvrtcResult);
} api;

static int loaded = 0, have_lt = 0, have_nvrtc = 0;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static __thread char last_error[512];

const char *hl_cuda_last_error(void) { return last_error; }
int hl_cuda_have_nvrtc(void) { return have_nvrtc; }
int hl_cuda_have_lt(void) { return have_lt; }

static int driver_error(const char *call, CUresult status) {
  const char *name = NULL;
  if (api.cuGetErrorName) api.cuGetErrorName(status, &name);
  snprintf(last_error, sizeof last_error, "%s: %s (%d)", call, name ? name : "CUDA error", status);
  return status;
}

static int cublas_error(const char *call, cublasStatus_t status) {
  snprintf(last_error, sizeof last_error, "%s: cuBLAS status %d", call, status);
  return status;
}

#define DRIVER(call, ...)                                   \
  do {                                                      \
    CUresult status_ = api.call(__VA_ARGS__);               \
    if (status_ != 0) return driver_error(#call, status_);  \
  } while (0)

static void append(char *report, size_t length, const char *text) {
  if (!report || length == 0) return;
  size_t used = strlen(report);
  if (used + 1 < length) snprintf(report + used, length - used, "%s", text);
}

static void *try_directory(const char *const *names, const char *directory, char *report, size_t length) {
  char path[4096];
  for (const char *const *name = names; *name; name++) {
    if (directory)
      snprintf(path, sizeof path, "%s/%s", directory, *name);
    else
      snprintf(path, sizeof path, "%s", *name);
    void *handle = dlopen(path, RTLD_NOW | RTLD_GLOBAL);
    if (handle) {
      append(report, length, "found ");
      append(report, length, path);
      append(report, length, directory ? "; " : " through the loader; ");
      return handle;
    }
  }
  return NULL;
}

/// Opens the first of `names` found in `directories`, then through the loader (LD_LIBRARY_PATH,
/// ld.so.cache), then in /usr/local/cuda/lib64; records what it found or where it looked.
static void *open_library(const char *const *names, const char *const *directories, int count, char *report,
                          size_t length) {
  for (int d = 0; d < count; d++) {
    void *handle = try_directory(names, directories[d], report, length);
    if (handle) return handle;
  }
  void *handle = try_directory(names, NULL, report, length);
  if (!handle) handle = try_directory(names, "/usr/local/cuda/lib64", report, length);
  if (handle) return handle;
  append(report, length, "no ");
  append(report, length, names[0]);
  append(report, length, " (looked in");
  for (int d = 0; d < count; d++) {
    append(report, length, " ");
    append(report, length, directories[d]);
    append(report, length, ",");
  }
  append(report, length, " the loader's paths and /usr/local/cuda/lib64); ");
  return NULL;
}

#define RESOLVE(handle, field, symbol)                                   \
  do {                                                                   \
    *(void **)(&api.field) = dlsym(handle, symbol);                      \
    if (!api.field) {                                                    \
      append(report, report_length, "missing symbol " symbol "; ");      \
      ok = 0;                                                            \
    }                                                                    \
  } while (0)

int hl_cuda_load(const char *const *directories, int count, char *report, size_t report_length) {
  pthread_mutex_lock(&lock);
  if (report && report_length) report[0] = 0;
  if (loaded) {
    append(report, report_length, "already loaded");
    pthread_mutex_unlock(&lock);
    return 0;
  }
  static const char *const driver_names[] = {"libcuda.so.1", "libcuda.so", NULL};
  static const char *const lt_names[] = {"libcublasLt.so.13", "libcublasLt.so.12", "libcublasLt.so.11",
                                         "libcublasLt.so", NULL};
  static const char *const cublas_names[] = {"libcublas.so.13", "libcublas.so.12", "libcublas.so.11",
                                             "libcublas.so", NULL};
  static const char *const nvrtc_names[] = {"libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2",
                                            "libnvrtc.so", NULL};
  void *driver = open_library(driver_names, directories, count, report, report_length);
  if (!driver) {
    snprintf(last_error, sizeof last_error, "the CUDA driver was not found");
    pthread_mutex_unlock(&lock);
    return HL_CUDA_NOT_LOADED;
  }
  int ok = 1;
  RESOLVE(driver, cuInit, "cuInit");
  RESOLVE(driver, cuDriverGetVersion, "cuDriverGetVersion");
  RESOLVE(driver, cuGetErrorName, "cuGetErrorName");
  RESOLVE(driver, cuDeviceGetCount, "cuDeviceGetCount");
  RESOLVE(driver, cuDeviceGet, "cuDeviceGet");
  RESOLVE(driver, cuDeviceGetName, "cuDeviceGetName");
  RESOLVE(driver, cuDeviceGetAttribute, "cuDeviceGetAttribute");
  RESOLVE(driver, cuDeviceTotalMem, "cuDeviceTotalMem_v2");
  RESOLVE(driver, cuDevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain");
  RESOLVE(driver, cuCtxSetCurrent, "cuCtxSetCurrent");
  RESOLVE(driver, cuCtxSynchronize, "cuCtxSynchronize");
  RESOLVE(driver, cuMemAlloc, "cuMemAlloc_v2");
  RESOLVE(driver, cuMemFree, "cuMemFree_v2");
  RESOLVE(driver, cuMemcpyHtoD, "cuMemcpyHtoD_v2");
  RESOLVE(driver, cuMemcpyDtoH, "cuMemcpyDtoH_v2");
  RESOLVE(driver, cuEventCreate, "cuEventCreate");
  RESOLVE(driver, cuEventRecord, "cuEventRecord");
  RESOLVE(driver, cuEventSynchronize, "cuEventSynchronize");
  RESOLVE(driver, cuEventDestroy, "cuEventDestroy_v2");
  RESOLVE(driver, cuModuleLoadData, "cuModuleLoadData");
  RESOLVE(driver, cuModuleGetFunction, "cuModuleGetFunction");
  RESOLVE(driver, cuModuleUnload, "cuModuleUnload");
  RESOLVE(driver, cuLaunchKernel, "cuLaunchKernel");
  *(void **)(&api.cuEventElapsedTime) = dlsym(driver, "cuEventElapsedTime");
  if (!api.cuEventElapsedTime) *(void **)(&api.cuEventElapsedTime) = dlsym(driver, "cuEventElapsedTime_v2");
  if (!api.cuEventElapsedTime) {
    append(report, report_length, "missing symbol cuEventElapsedTime; ");
    ok = 0;
  }
  if (!ok) {
    snprintf(last_error, sizeof last_error, "the CUDA driver lacks functions hpclab needs");
    pthread_mutex_unlock(&lock);
    return HL_CUDA_MISSING_SYMBOL;
  }
  CUresult status = api.cuInit(0);
  if (status != 0) {
    driver_error("cuInit", status);
    append(report, report_length, last_error);
    pthread_mutex_unlock(&lock);
    return status;
  }
  // cuBLASLt first (cuBLAS depends on it), global, so cuBLAS finds it wherever it was.
  void *lt = open_library(lt_names, directories, count, report, report_length);
  void *cublas = open_library(cublas_names, directories, count, report, report_length);
  if (!cublas) {
    snprintf(last_error, sizeof last_error, "cuBLAS was not found");
    pthread_mutex_unlock(&lock);
    return HL_CUDA_NOT_LOADED;
  }
  RESOLVE(cublas, cublasCreate, "cublasCreate_v2");
  RESOLVE(cublas, cublasSetMathMode, "cublasSetMathMode");
  RESOLVE(cublas, cublasGemmEx, "cublasGemmEx");
  if (!ok) {
    snprintf(last_error, sizeof last_error, "cuBLAS lacks functions hpclab needs");
    pthread_mutex_unlock(&lock);
    return HL_CUDA_MISSING_SYMBOL;
  }
  if (lt) {
    int lt_ok = 1;
    const char *const symbols[] = {"cublasLtCreate", "cublasLtMatmulDescCreate", "cublasLtMatmulDescDestroy",
                                   "cublasLtMatmulDescSetAttribute", "cublasLtMatrixLayoutCreate",
                                   "cublasLtMatrixLayoutDestroy", "cublasLtMatmulPreferenceCreate",
                                   "cublasLtMatmulPreferenceDestroy", "cublasLtMatmulPreferenceSetAttribute",
                                   "cublasLtMatmulAlgoGetHeuristic", "cublasLtMatmul"};
    void **fields[] = {(void **)&api.cublasLtCreate, (void **)&api.cublasLtMatmulDescCreate,
                       (void **)&api.cublasLtMatmulDescDestroy, (void **)&api.cublasLtMatmulDescSetAttribute,
                       (void **)&api.cublasLtMatrixLayoutCreate, (void **)&api.cublasLtMatrixLayoutDestroy,
                       (void **)&api.cublasLtMatmulPreferenceCreate, (void **)&api.cublasLtMatmulPreferenceDestroy,
                       (void **)&api.cublasLtMatmulPreferenceSetAttribute,
                       (void **)&api.cublasLtMatmulAlgoGetHeuristic, (void **)&api.cublasLtMatmul};
    for (size_t i = 0; i < sizeof symbols / sizeof symbols[0]; i++) {
      *fields[i] = dlsym(lt, symbols[i]);
      if (!*fields[i]) lt_ok = 0;
    }
    have_lt = lt_ok;
  }
  void *nvrtc = open_library(nvrtc_names, directories, count, report, report_length);
  if (nvrtc) {
    int nv_ok = 1;
    const char *const symbols[] = {"nvrtcCreateProgram", "nvrtcCompileProgram", "nvrtcGetPTXSize", "nvrtcGetPTX",
                                   "nvrtcGetProgramLogSize", "nvrtcGetProgramLog", "nvrtcDestroyProgram",
                                   "nvrtcGetErrorString"};
    void **fields[] = {(void **)&api.nvrtcCreateProgram, (void **)&api.nvrtcCompileProgram,
                       (void **)&api.nvrtcGetPTXSize, (void **)&api.nvrtcGetPTX, (void **)&api.nvrtcGetProgramLogSize,
                       (void **)&api.nvrtcGetProgramLog, (void **)&api.nvrtcDestroyProgram,
                       (void **)&api.nvrtcGetErrorString};
    for (size_t i = 0; i < sizeof symbols / sizeof symbols[0]; i++) {
      *fields[i] = dlsym(nvrtc, symbols[i]);
      if (!*fields[i]) nv_ok = 0;
    }
    have_nvrtc = nv_ok;
  }
  loaded = 1;
  pthread_mutex_unlock(&lock);
  return 0;
}

int hl_cuda_device_count(int *count) {
  if (!loaded) return HL_CUDA_NOT_LOADED;
  DRIVER(cuDeviceGetCount, count);
  return 0;
}

int hl_cuda_device_info(int ordinal, hl_cuda_device *info) {
  if (!loaded) return HL_CUDA_NOT_LOADED;
  memset(info, 0, sizeof *info);
  CUdevice device;
  DRIVER(cuDeviceGet, &device, ordinal);
  DRIVER(cuDeviceGetName, info->name, (int)sizeof info->name - 1, device);
  size_t bytes = 0;
  DRIVER(cuDeviceTotalMem, &bytes, device);
  info->memory_bytes = bytes;
  // Attributes a driver no longer reports (clock rates are deprecated in CUDA 13) stay 0.
  api.cuDeviceGetAttribute(&info->multiprocessors, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, device);
  api.cuDeviceGetAttribute(&info->major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device);
  api.cuDeviceGetAttribute(&info->minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device);
  api.cuDeviceGetAttribute(&info->clock_khz, CU_DEVICE_ATTRIBUTE_CLOCK_RATE, device);
  api.cuDeviceGetAttribute(&info->memory_clock_khz, CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE, device);
  api.cuDeviceGetAttribute(&info->memory_bus_bits, CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH, device);
  api.cuDeviceGetAttribute(&info->l2_bytes, CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE, device);
  api.cuDeviceGetAttribute(&info->shared_memory_per_block, CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK, device);
  api.cuDriverGetVersion(&info->driver_version);
  return 0;
}

#define MAX_DEVICES 64
static CUcontext contexts[MAX_DEVICES];
static cublasHandle_t cublas_handles[MAX_DEVICES];
static cublasLtHandle_t lt_handles[MAX_DEVICES];
static __thread int current_device = -1;

int hl_cuda_use_device(int ordinal) {
  if (!loaded) return HL_CUDA_NOT_LOADED;
  if (ordinal < 0 || ordinal >= MAX_DEVICES) return HL_CUDA_BAD_ARGUMENT;
  pthread_mutex_lock(&lock);
  if (!contexts[ordinal]) {
    CUdevice device;
    CUresult status = api.cuDeviceGet(&device, ordinal);
    if (status == 0) status = api.cuDevicePrimaryCtxRetain(&contexts[ordinal], device);
    if (status != 0) {
      pthread_mutex_unlock(&lock);
      return driver_error("cuDevicePrimaryCtxRetain", status);
    }
  }
  CUcontext context = contexts[ordinal];
  pthread_mutex_unlock(&lock);
  DRIVER(cuCtxSetCurrent, context);
  current_device = ordinal;
  return 0;
}

int hl_cuda_alloc(uint64_t *pointer, size_t bytes) {
  CUdeviceptr value = 0;
  DRIVER(cuMemAlloc, &value, bytes);
  *pointer = value;
  return 0;
}

int hl_cuda_free(uint64_t pointer) {
  DRIVER(cuMemFree, (CUdeviceptr)pointer);
  return 0;
}

/// Events around `body`, which returns a status; `*milliseconds` gets the elapsed GPU time.
typedef struct {
  CUevent start, end;
} event_pair;

static int events_create(event_pair *pair) {
  DRIVER(cuEventCreate, &pair->start, 0);
  DRIVER(cuEventCreate, &pair->end, 0);
  return 0;
}

static void events_destroy(event_pair *pair) {
  if (pair->start) api.cuEventDestroy(pair->start);
  if (pair->end) api.cuEventDestroy(pair->end);
}

static int events_elapsed(event_pair *pair, float *milliseconds) {
  DRIVER(cuEventSynchronize, pair->end);
  float value = 0;
  DRIVER(cuEventElapsedTime, &value, pair->start, pair->end);
  if (milliseconds) *milliseconds = value;
  return 0;
}

/// Runs `body(context)` once untimed when `warmup`, then `repeats` times between two CUDA events
/// on the default stream; `milliseconds[i]` (when not NULL) gets the i-th timed run. Stops at the
/// first failing status, which it returns.
static int timed_runs(int (*body)(void *), void *context, int warmup, int repeats, float *milliseconds) {
  event_pair pair = {0};
  int status = events_create(&pair);
  for (int run = warmup ? -1 : 0; status == 0 && run < repeats; run++) {
    api.cuEventRecord(pair.start, NULL);
    status = body(context);
    if (status != 0) break;
    api.cuEventRecord(pair.end, NULL);
    float elapsed = 0;
    status = events_elapsed(&pair, &elapsed);
    if (run >= 0 && milliseconds) milliseconds[run] = elapsed;
  }
  events_destroy(&pair);
  return status;
}

typedef struct {
  uint64_t device;
  void *host;
  size_t bytes;
} copy_args;

static int copy_to_device(void *context) {
  copy_args *c = context;
  CUresult status = api.cuMemcpyHtoD((CUdeviceptr)c->device, c->host, c->bytes);
  return status ? driver_error("cuMemcpyHtoD_v2", status) : 0;
}

static int copy_to_host(void *context) {
  copy_args *c = context;
  CUresult status = api.cuMemcpyDtoH(c->host, (CUdeviceptr)c->device, c->bytes);
  return status ? driver_error("cuMemcpyDtoH_v2", status) : 0;
}

int hl_cuda_upload(uint64_t destination, const void *source, size_t bytes, float *milliseconds) {
  copy_args args = {destination, (void *)source, bytes};
  return timed_runs(copy_to_device, &args, 0, 1, milliseconds);
}

int hl_cuda_download(void *destination, uint64_t source, size_t bytes, float *milliseconds) {
  copy_args args = {source, destination, bytes};
  return timed_runs(copy_to_host, &args, 0, 1, milliseconds);
}

static int cublas_handle(cublasHandle_t *handle) {
  if (current_device < 0) return HL_CUDA_BAD_ARGUMENT;
  pthread_mutex_lock(&lock);
  if (!cublas_handles[current_device]) {
    cublasStatus_t status = api.cublasCreate(&cublas_handles[current_device]);
    if (status != 0) {
      pthread_mutex_unlock(&lock);
      return cublas_error("cublasCreate_v2", status);
    }
  }
  *handle = cublas_handles[current_device];
  pthread_mutex_unlock(&lock);
  return 0;
}

typedef struct {
  cublasLtHandle_t handle;
  cublasLtMatmulDesc_t desc;
  const float *alpha;
  uint64_t x;
  cublasLtMatrixLayout_t x_layout;
  uint64_t y;
  cublasLtMatrixLayout_t y_layout;
  const float *beta;
  uint64_t d;
  cublasLtMatrixLayout_t d_layout;
  const cublasLtMatmulAlgo_t *algo;
  uint64_t workspace;
  size_t workspace_bytes;
} lt_args;

static int lt_matmul(void *context) {
  lt_args *l = context;
  cublasStatus_t status = api.cublasLtMatmul(
      l->handle, l->desc, l->alpha, (const void *)(uintptr_t)l->x, l->x_layout, (const void *)(uintptr_t)l->y,
      l->y_layout, l->beta, (const void *)(uintptr_t)l->d, l->d_layout, (void *)(uintptr_t)l->d, l->d_layout, l->algo,
      (void *)(uintptr_t)l->workspace, l->workspace_bytes, NULL);
  return status ? cublas_error("cublasLtMatmul", status) : 0;
}

/// One FP8 product through cuBLASLt: D (n×m column-major, i.e. C row-major) = op(Bt)ᵀ… see the header.
static int lt_fp8(int m, int n, int k, uint64_t a, uint64_t bt, uint64_t c, int repeats, float *milliseconds) {
  if (!have_lt) {
    snprintf(last_error, sizeof last_error, "float8 needs cuBLASLt (libcublasLt.so), which was not found");
    return HL_CUDA_NOT_LOADED;
  }
  pthread_mutex_lock(&lock);
  if (!lt_handles[current_device]) {
    cublasStatus_t status = api.cublasLtCreate(&lt_handles[current_device]);
    if (status != 0) {
      pthread_mutex_unlock(&lock);
      return cublas_error("cublasLtCreate", status);
    }
  }
  cublasLtHandle_t handle = lt_handles[current_device];
  pthread_mutex_unlock(&lock);
  cublasLtMatmulDesc_t desc = NULL;
  cublasLtMatrixLayout_t x = NULL, y = NULL, d = NULL;
  cublasLtMatmulPreference_t preference = NULL;
  uint64_t workspace = 0;
  size_t workspace_bytes = 32u << 20;
  int status = 0;
  int transa = CUBLAS_OP_T, transb = CUBLAS_OP_N;
  cublasLtMatmulHeuristicResult_t heuristic;
  int found = 0;
  float alpha = 1, beta = 0;
#define LT(call, ...)                                                   \
  if (status == 0) {                                                    \
    cublasStatus_t s_ = api.call(__VA_ARGS__);                          \
    if (s_ != 0) status = cublas_error(#call, s_);                      \
  }
  LT(cublasLtMatmulDescCreate, &desc, CUBLAS_COMPUTE_32F, CUDA_R_32F);
  LT(cublasLtMatmulDescSetAttribute, desc, CUBLASLT_MATMUL_DESC_TRANSA, &transa, sizeof transa);
  LT(cublasLtMatmulDescSetAttribute, desc, CUBLASLT_MATMUL_DESC_TRANSB, &transb, sizeof transb);
  // X = Bt stored k×n column-major (ld k); op(X) = Xᵀ = Bᵀ (n×k). Y = A stored k×m (ld k) = Aᵀ.
  LT(cublasLtMatrixLayoutCreate, &x, CUDA_R_8F_E4M3, (uint64_t)k, (uint64_t)n, (int64_t)k);
  LT(cublasLtMatrixLayoutCreate, &y, CUDA_R_8F_E4M3, (uint64_t)k, (uint64_t)m, (int64_t)k);
  LT(cublasLtMatrixLayoutCreate, &d, CUDA_R_32F, (uint64_t)n, (uint64_t)m, (int64_t)n);
  LT(cublasLtMatmulPreferenceCreate, &preference);
  LT(cublasLtMatmulPreferenceSetAttribute, preference, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &workspace_bytes,
     sizeof workspace_bytes);
  LT(cublasLtMatmulAlgoGetHeuristic, handle, desc, x, y, d, d, preference, 1, &heuristic, &found);
  if (status == 0 && found == 0) {
    snprintf(last_error, sizeof last_error, "cuBLASLt has no float8 (e4m3) algorithm for this device and shape");
    status = HL_CUDA_BAD_ARGUMENT;
  }
  if (status == 0) status = hl_cuda_alloc(&workspace, workspace_bytes);
  lt_args args = {handle, desc, &alpha, bt, x, a, y, &beta, c, d, &heuristic.algo, workspace, workspace_bytes};
  if (status == 0) status = timed_runs(lt_matmul, &args, 1, repeats, milliseconds);
#undef LT
  if (workspace) hl_cuda_free(workspace);
  if (preference) api.cublasLtMatmulPreferenceDestroy(preference);
  if (d) api.cublasLtMatrixLayoutDestroy(d);
  if (y) api.cublasLtMatrixLayoutDestroy(y);
  if (x) api.cublasLtMatrixLayoutDestroy(x);
  if (desc) api.cublasLtMatmulDescDestroy(desc);
  return status;
}

typedef struct {
  cublasHandle_t handle;
  int m, n, k;
  const void *alpha, *beta;
  uint64_t a, b, c;
  int input, output, compute;
} gemm_args;

/// Row-major C = A·B is column-major Cᵀ = Bᵀ·Aᵀ: B first (n×k, ld n), then A (k×m, ld k).
static int gemm_ex(void *context) {
  gemm_args *g = context;
  cublasStatus_t status = api.cublasGemmEx(
      g->handle, CUBLAS_OP_N, CUBLAS_OP_N, g->n, g->m, g->k, g->alpha, (const void *)(uintptr_t)g->b, g->input, g->n,
      (const void *)(uintptr_t)g->a, g->input, g->k, g->beta, (void *)(uintptr_t)g->c, g->output, g->n, g->compute,
      CUBLAS_GEMM_DEFAULT);
  return status ? cublas_error("cublasGemmEx", status) : 0;
}

int hl_cuda_gemm(hl_gemm_mode mode, int m, int n, int k, uint64_t a, uint64_t b, uint64_t c, int repeats,
                 float *milliseconds) {
  if (!loaded) return HL_CUDA_NOT_LOADED;
  if (m <= 0 || n <= 0 || k <= 0 || repeats < 1) return HL_CUDA_BAD_ARGUMENT;
  if (mode == HL_GEMM_FLOAT8) return lt_fp8(m, n, k, a, b, c, repeats, milliseconds);
  cublasHandle_t handle;
  int status = cublas_handle(&handle);
  if (status != 0) return status;
  int input, output, compute;
  switch (mode) {
    // Default math mode and COMPUTE_32F: what PyTorch asks with allow_tf32 off; TF32 stays off
    // unless the environment sets NVIDIA_TF32_OVERRIDE=1 (the Swift side says so in the result).
    case HL_GEMM_FLOAT32: input = CUDA_R_32F, output = CUDA_R_32F, compute = CUBLAS_COMPUTE_32F; break;
    case HL_GEMM_TF32: input = CUDA_R_32F, output = CUDA_R_32F, compute = CUBLAS_COMPUTE_32F_FAST_TF32; break;
    case HL_GEMM_FLOAT16: input = CUDA_R_16F, output = CUDA_R_32F, compute = CUBLAS_COMPUTE_32F; break;
    case HL_GEMM_BFLOAT16: input = CUDA_R_16BF, output = CUDA_R_32F, compute = CUBLAS_COMPUTE_32F; break;
    case HL_GEMM_FLOAT64: input = CUDA_R_64F, output = CUDA_R_64F, compute = CUBLAS_COMPUTE_64F; break;
    default: return HL_CUDA_BAD_ARGUMENT;
  }
  api.cublasSetMathMode(handle, CUBLAS_DEFAULT_MATH);
  double alpha64 = 1, beta64 = 0;
  float alpha32 = 1, beta32 = 0;
  const void *alpha = mode == HL_GEMM_FLOAT64 ? (const void *)&alpha64 : (const void *)&alpha32;
  const void *beta = mode == HL_GEMM_FLOAT64 ? (const void *)&beta64 : (const void *)&beta32;
  gemm_args args = {handle, m, n, k, alpha, beta, a, b, c, input, output, compute};
  return timed_runs(gemm_ex, &args, 1, repeats, milliseconds);
}

int hl_nvrtc_compile(const char *source, const char *const *options, int option_count, char **ptx, char *log,
                     size_t log_length) {
  if (log && log_length) log[0] = 0;
  if (!have_nvrtc) {
    snprintf(last_error, sizeof last_error, "NVRTC (libnvrtc.so) was not found");
    return HL_CUDA_NOT_LOADED;
  }
  nvrtcProgram program = NULL;
  nvrtcResult status = api.nvrtcCreateProgram(&program, source, "hpclab.cu", 0, NULL, NULL);
  if (status != 0) {
    snprintf(last_error, sizeof last_error, "nvrtcCreateProgram: %s", api.nvrtcGetErrorString(status));
    return status;
  }
  nvrtcResult compiled = api.nvrtcCompileProgram(program, option_count, options);
  size_t size = 0;
  if (api.nvrtcGetProgramLogSize(program, &size) == 0 && size > 1 && log && log_length) {
    char *text = malloc(size);
    if (text && api.nvrtcGetProgramLog(program, text) == 0) snprintf(log, log_length, "%s", text);
    free(text);
  }
  if (compiled != 0) {
    snprintf(last_error, sizeof last_error, "nvrtcCompileProgram: %s", api.nvrtcGetErrorString(compiled));
    api.nvrtcDestroyProgram(&program);
    return compiled;
  }
  size = 0;
  api.nvrtcGetPTXSize(program, &size);
  *ptx = malloc(size + 1);
  if (!*ptx) {
    api.nvrtcDestroyProgram(&program);
    return HL_CUDA_BAD_ARGUMENT;
  }
  api.nvrtcGetPTX(program, *ptx);
  (*ptx)[size] = 0;
  api.nvrtcDestroyProgram(&program);
  return 0;
}

typedef struct {
  CUfunction kernel;
  unsigned grid_x, grid_y, block;
  void **arguments;
} launch_args;

static int launch_kernel(void *context) {
  launch_args *l = context;
  CUresult status = api.cuLaunchKernel(l->kernel, l->grid_x, l->grid_y, 1, l->block, 1, 1, 0, NULL, l->arguments, NULL);
  return status ? driver_error("cuLaunchKernel", status) : 0;
}

int hl_cuda_launch(const char *ptx, const char *function, unsigned grid_x, unsigned grid_y, unsigned block,
                   void **arguments,
                   int repeats, float *milliseconds) {
  if (!loaded) return HL_CUDA_NOT_LOADED;
  CUmodule module = NULL;
  CUfunction kernel = NULL;
  DRIVER(cuModuleLoadData, &module, ptx);
  CUresult found = api.cuModuleGetFunction(&kernel, module, function);
  if (found != 0) {
    api.cuModuleUnload(module);
    return driver_error("cuModuleGetFunction", found);
  }
  launch_args args = {kernel, grid_x, grid_y, block, arguments};
  int status = timed_runs(launch_kernel, &args, 1, repeats, milliseconds);
  api.cuModuleUnload(module);
  return status;
}
