// Baseline for make bench: CLBlast's SGEMM on the first OpenCL device, best of
// REPEATS after a warm-up, timed on the host around the call and clFinish (buffers
// stay on the device, so this is the routine's own time: all its kernels, no copies).
// Profiling events are not used: CLBlast's event covers only its last kernel.
// Usage: clblast_sgemm N REPEATS -> prints GFLOP/s, or "unavailable" when there is no device.
#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>
#include <clblast_c.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1024, repeats = argc > 2 ? atoi(argv[2]) : 5;
  cl_platform_id platform;
  cl_device_id device;
  cl_uint count = 0;
  if (clGetPlatformIDs(1, &platform, &count) != CL_SUCCESS || count == 0 ||
      clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 1, &device, &count) != CL_SUCCESS || count == 0) {
    printf("unavailable\n");
    return 0;
  }
  cl_int error;
  cl_context context = clCreateContext(NULL, 1, &device, NULL, NULL, &error);
  cl_command_queue queue = clCreateCommandQueue(context, device, CL_QUEUE_PROFILING_ENABLE, &error);
  size_t elements = (size_t)n * n;
  float *host = malloc(elements * sizeof(float));
  for (size_t i = 0; i < elements; i++) host[i] = (float)rand() / RAND_MAX - 0.5f;
  cl_mem a = clCreateBuffer(context, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, elements * 4, host, &error);
  cl_mem b = clCreateBuffer(context, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, elements * 4, host, &error);
  cl_mem c = clCreateBuffer(context, CL_MEM_READ_WRITE, elements * 4, NULL, &error);
  double best = 1e30;
  for (int r = -1; r < repeats; r++) {
    double t = now();
    CLBlastStatusCode status = CLBlastSgemm(CLBlastLayoutRowMajor, CLBlastTransposeNo, CLBlastTransposeNo, n, n, n,
                                            1.0f, a, 0, n, b, 0, n, 0.0f, c, 0, n, &queue, NULL);
    if (status != CLBlastSuccess) { printf("error %d\n", status); return 1; }
    clFinish(queue);
    double seconds = now() - t;
    if (r >= 0 && seconds < best) best = seconds;
  }
  printf("%.2f\n", 2.0 * n * n * (double)n / best / 1e9);
  return 0;
}
