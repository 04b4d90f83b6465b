// OpenCL C sources of the STREAM kernels for the `bandwidth` experiment: copy, scale, add and
// triad over three arrays of n elements, one work-item per element, as in McCalpin's STREAM.
// Build options: `-DUSE_DOUBLE` for double (needs cl_khr_fp64), float otherwise.

enum StreamKernelSource {
  static let source = """
    #ifdef USE_DOUBLE
    #pragma OPENCL EXTENSION cl_khr_fp64 : enable
    typedef double real;
    #else
    typedef float real;
    #endif

    // a = 2, b = 2, c = 0: STREAM's initial values after its a = 2·a step.
    __kernel void stream_init(__global real* a, __global real* b, __global real* c, const int n) {
      const int j = (int)get_global_id(0);
      if (j < n) { a[j] = (real)2; b[j] = (real)2; c[j] = (real)0; }
    }

    __kernel void stream_copy(__global const real* a, __global real* c, const int n) {
      const int j = (int)get_global_id(0);
      if (j < n) c[j] = a[j];
    }

    __kernel void stream_scale(__global real* b, __global const real* c, const real scalar, const int n) {
      const int j = (int)get_global_id(0);
      if (j < n) b[j] = scalar * c[j];
    }

    __kernel void stream_add(__global const real* a, __global const real* b, __global real* c, const int n) {
      const int j = (int)get_global_id(0);
      if (j < n) c[j] = a[j] + b[j];
    }

    __kernel void stream_triad(__global real* a, __global const real* b, __global const real* c,
                               const real scalar, const int n) {
      const int j = (int)get_global_id(0);
      if (j < n) a[j] = b[j] + scalar * c[j];
    }
    """
}
