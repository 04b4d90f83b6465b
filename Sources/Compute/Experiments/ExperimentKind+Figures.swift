extension ExperimentKind {
  /// Every figure name a run of the kind can report (some only on some devices or with some
  /// parameters): what a claim in the corpus may name. A test checks each run's figures are
  /// among them.
  public var figureNames: Set<String> {
    let dtypes = ["float32", "float64"]
    switch self {
    case .peak:
      return Set(
        dtypes.flatMap { ["\($0)_gflops", "\($0)_vector_width", "\($0)_flops_per_cycle_per_unit", "\($0)_fraction_of_peak"] }
          + ["fp32_to_fp64_ratio", "wmma_tflops", "wmma_max_rel_error", "wmma_over_fp32_fma"])
    case .coalescing:
      return [
        "unit_stride_gb_s", "worst_stride_gb_s", "max_stride_gb_s", "unit_over_worst", "naive_transpose_gb_s",
        "tiled_transpose_gb_s", "tiled_over_naive",
      ]
    case .divergence:
      return ["uniform_ns", "divergent_ns", "divergent_over_uniform", "uniform_gflops", "group_size_used"]
    case .reduction:
      return ["atomic_ms", "tree_ms", "atomic_over_tree", "atomic_gb_s", "tree_gb_s", "atomic_error", "tree_error"]
    case .solve:
      return [
        "random_backward_error", "random_forward_error", "random_condition_exact", "random_condition_estimate",
        "hilbert_backward_error", "hilbert_forward_error", "hilbert_condition_exact", "dgesv_seconds", "dgesv_gflops",
        "naive_seconds", "naive_over_dgesv",
      ]
    case .bandwidth:
      return Set(
        ["cpu", "opencl"].flatMap { target in ["copy", "scale", "add", "triad"].map { "\(target)_\($0)_gb_s" } }
          + [
            "array_bytes", "last_level_cache_bytes", "peak_gflops", "ridge_intensity", "triad_intensity", "triad_gflops",
            "attainable_gflops",
          ])
    case .summation:
      return Set(
        ["naive_float32", "kahan_float32", "pairwise_float32", "naive_float64"].flatMap { ["\($0)_error", "\($0)_ns"] }
          + ["float32_rounding_error", "reference_sum"])
    case .access:
      return ["row_major_ns", "column_major_ns", "column_to_row_ratio", "stride_8_ns", "stride_64_ns", "stride_4096_ns", "stride_max_ns"]
    case .vectorize:
      return [
        "interpreter_ns", "loop_ns", "simd_ns", "blas_ns", "interpreter_over_loop", "interpreter_over_blas", "loop_over_blas",
      ]
    case .precision:
      return Set(
        MatmulPrecision.allCases.flatMap { ["\($0.rawValue)_tflops", "\($0.rawValue)_max_rel_error", "\($0.rawValue)_over_float32"] })
    case .roofline:
      return Set(
        dtypes.flatMap { ["\($0)_peak_gflops", "\($0)_ridge_intensity"] }
          + ["l1d_gb_s", "l2_gb_s", "l3_gb_s", "l4_gb_s", "dram_gb_s", "local_gb_s", "global_gb_s"])
    }
  }
}
