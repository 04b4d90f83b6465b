// Baseline for make bench: a direct CBLAS call, as the BLAS job makes it.
// Usage: cblas_sgemm N REPEATS [f32|f64] -> prints the best GFLOP/s after one warm-up.
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1024, repeats = argc > 2 ? atoi(argv[2]) : 5;
  int f64 = argc > 3 && strcmp(argv[3], "f64") == 0;
  size_t count = (size_t)n * n;
  double best = 1e30;
  if (f64) {
    double *a = malloc(count * 8), *b = malloc(count * 8), *c = malloc(count * 8);
    for (size_t i = 0; i < count; i++) { a[i] = (double)rand() / RAND_MAX - 0.5; b[i] = (double)rand() / RAND_MAX - 0.5; }
    for (int r = -1; r < repeats; r++) {
      double t = now();
      cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, b, n, 0, c, n);
      t = now() - t;
      if (r >= 0 && t < best) best = t;
    }
  } else {
    float *a = malloc(count * 4), *b = malloc(count * 4), *c = malloc(count * 4);
    for (size_t i = 0; i < count; i++) { a[i] = (float)rand() / RAND_MAX - 0.5f; b[i] = (float)rand() / RAND_MAX - 0.5f; }
    for (int r = -1; r < repeats; r++) {
      double t = now();
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, b, n, 0, c, n);
      t = now() - t;
      if (r >= 0 && t < best) best = t;
    }
  }
  printf("%.2f\n", 2.0 * n * n * (double)n / best / 1e9);
  return 0;
}
