// The OpenCL ICD loader (Debian: ocl-icd-opencl-dev, opencl-headers). We target
// OpenCL 1.2 so that the same calls work on PoCL and on GPU vendors' drivers.
#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>
