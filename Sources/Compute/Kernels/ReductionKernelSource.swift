// OpenCL C sources of the `reduction` experiment: summing n floats.
//
// sum_atomic_fixed: every work-item adds its element to one global 64-bit counter with atom_add
// (cl_khr_int64_base_atomics), as a fixed-point integer x·2²⁴. The inputs are multiples of 2⁻²⁴
// in [0, 1), so the conversion is exact, integer addition is associative, and the total is exact
// and independent of the order in which the atomics land.
// sum_atomic_cas: for devices without 64-bit atomics, the usual float atomic add: a compare-and-
// swap loop on the float's bits (atomic_cmpxchg, core since OpenCL 1.1). Its result depends on the
// order and carries float32 rounding.
// sum_tree: each work-item first adds `per_item` elements, GROUP apart (so that adjacent
// work-items read adjacent addresses), into a register; then the work-group's GROUP values go to
// local memory and the active work-items halve each step (a tree), one barrier per step, and the
// group writes one partial sum; the host adds the partials in float64. With per_item = 1 this is
// the textbook one-element-per-work-item tree.
// Build options: `-DUSE_INT64_ATOMICS` for sum_atomic_fixed; `-DGROUP=` (a power of two) for sum_tree.

enum ReductionKernelSource {
  static let source = """
    #ifdef USE_INT64_ATOMICS
    #pragma OPENCL EXTENSION cl_khr_int64_base_atomics : enable
    __kernel void sum_atomic_fixed(__global const float* in, volatile __global long* total,
                                   const int offset, const int count) {
      const int g = (int)get_global_id(0);
      if (g < count) atom_add(total, (long)(in[offset + g] * 16777216.0f));
    }
    #endif

    __kernel void sum_atomic_cas(__global const float* in, volatile __global unsigned int* total,
                                 const int offset, const int count) {
      const int g = (int)get_global_id(0);
      if (g >= count) return;
      const float value = in[offset + g];
      unsigned int seen = *total;
      unsigned int expected;
      do {
        expected = seen;
        seen = atomic_cmpxchg(total, expected, as_uint(as_float(expected) + value));
      } while (seen != expected);
    }

    #ifdef GROUP
    __kernel __attribute__((reqd_work_group_size(GROUP, 1, 1)))
    void sum_tree(__global const float* in, __global float* partial, const int n, const int per_item) {
      __local float scratch[GROUP];
      const int lid = (int)get_local_id(0);
      const int base = (int)get_group_id(0) * GROUP * per_item + lid;
      float sum = 0.0f;
      for (int k = 0; k < per_item; ++k) {
        const int index = base + k * GROUP;
        if (index < n) sum += in[index];
      }
      scratch[lid] = sum;
      barrier(CLK_LOCAL_MEM_FENCE);
      for (int active = GROUP / 2; active > 0; active >>= 1) {
        if (lid < active) scratch[lid] += scratch[lid + active];
        barrier(CLK_LOCAL_MEM_FENCE);
      }
      if (lid == 0) partial[get_group_id(0)] = scratch[0];
    }
    #endif
    """
}
