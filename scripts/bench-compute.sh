#!/usr/bin/env bash
# Compute: the BLAS job beside a direct CBLAS call and numpy, each OpenCL kernel (auto before
# and after a tune job, and the teaching kernels) beside CLBlast's SGEMM on the same device, and
# where PyTorch sees a CUDA GPU the cuda backend beside cuBLAS (through torch.matmul), all float32 n×n·n×n (BENCH_N, default 1024), best of
# BENCH_REPEATS after a warm-up, in one run. GFLOP/s = 2·n³ / best time.
# What each time includes: the job's figure is its best repeat's compute time (BLAS: the sgemm
# call; OpenCL: kernel time from profiling events, no copies); CBLAS and numpy: the call;
# CLBlast: the call plus clFinish on device-resident buffers (its event covers only its last kernel).
set -euo pipefail
cd "$(dirname "$0")/.."
N="${BENCH_N:-1024}"
REPEATS="${BENCH_REPEATS:-5}"
BIN="${HPCLAB_BIN:-.build/release/hpclab}"
[ -x "$BIN" ] || swift build -c release --product hpclab >/dev/null
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
cc -O2 -o "$work/cblas_sgemm" scripts/baselines/cblas_sgemm.c $(pkg-config --cflags --libs openblas)
cc -O2 -o "$work/clblast_sgemm" scripts/baselines/clblast_sgemm.c -lclblast -lOpenCL
PORT=18083
"$BIN" serve --port $PORT --data-dir "$work/data" --log-level warning &
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done

# GFLOP/s of one job (the server's best repeat), or the error.
job() {
  curl -s -X POST "http://127.0.0.1:$PORT/jobs/matmul" -H 'Prefer: wait=600' -d "$1" | python3 -c '
import json, sys
job = json.load(sys.stdin)
print("%.2f" % job["result"]["gflops"] if job.get("status") == "succeeded" else "failed:" + json.dumps(job.get("error") or job))'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0 && a + 0 > 0) printf "%.2f", a / b; else print "-" }'; }

cblas=$("$work/cblas_sgemm" "$N" "$REPEATS")
# numpy with its own OpenBLAS; OPENBLAS_CORETYPE/L2_SIZE (set on some machines for old builds) are unset here only.
numpy=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 - "$N" "$REPEATS" <<'PY' 2>/dev/null || echo "-"
import sys, time
import numpy as np
n, repeats = int(sys.argv[1]), int(sys.argv[2])
rng = np.random.default_rng(1)
a = (rng.random((n, n)) - 0.5).astype(np.float32)
b = (rng.random((n, n)) - 0.5).astype(np.float32)
a @ b  # warm-up
best = float("inf")
for _ in range(repeats):
    start = time.perf_counter()
    a @ b
    best = min(best, time.perf_counter() - start)
print("%.2f" % (2 * n**3 / best / 1e9))
PY
)
blas=$(job "{\"n\":$N,\"backend\":\"blas\",\"repeats\":$REPEATS}")
clblast=$("$work/clblast_sgemm" "$N" "$REPEATS")

printf "%-34s %12s %16s\n" "float32 n=$N" "GFLOP/s" "ratio"
printf "%-34s %12s %16s\n" "direct cblas_sgemm (C)" "$cblas" "base"
printf "%-34s %12s %16s\n" "numpy float32 matmul" "$numpy" "base"
printf "%-34s %12s %16s\n" "hpclab job backend=blas" "$blas" "$(ratio "$blas" "$cblas") / $(ratio "$blas" "$numpy") (cblas/numpy)"
printf "%-34s %12s %16s\n" "CLBlast SGEMM (same device)" "$clblast" "base"
for kernel in auto naive tiled blocked; do
  value=$(job "{\"n\":$N,\"backend\":\"opencl\",\"kernel\":\"$kernel\",\"repeats\":$REPEATS}")
  label="hpclab job opencl kernel=$kernel"
  [ "$kernel" = auto ] && label="$label (untuned)"
  printf "%-34s %12s %16s\n" "$label" "$value" "$(ratio "$value" "$clblast") (vs CLBlast)"
done
# A tune job at this size (BENCH_TUNE_SECONDS, default 30), then auto with what it recorded.
curl -s -X POST "http://127.0.0.1:$PORT/jobs/tune" -H 'Prefer: wait=600' \
  -d "{\"n\":$N,\"budget_seconds\":${BENCH_TUNE_SECONDS:-30}}" >/dev/null
tuned=$(job "{\"n\":$N,\"backend\":\"opencl\",\"kernel\":\"auto\",\"repeats\":$REPEATS}")
printf "%-34s %12s %16s\n" "hpclab job opencl kernel=auto (tuned)" "$tuned" "$(ratio "$tuned" "$clblast") (vs CLBlast)"
# On a machine with CUDA: the cuda backend beside cuBLAS through PyTorch (TF32 off), same n.
cublas=$(python3 - "$N" "$REPEATS" <<'PY' 2>/dev/null || echo "-"
import sys
import torch
if not torch.cuda.is_available():
    print("-"); sys.exit()
n, repeats = int(sys.argv[1]), int(sys.argv[2])
torch.backends.cuda.matmul.allow_tf32 = False
a = torch.rand(n, n, device="cuda") - 0.5
b = torch.rand(n, n, device="cuda") - 0.5
torch.matmul(a, b); torch.cuda.synchronize()
best = float("inf")
for _ in range(repeats):
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record(); torch.matmul(a, b); end.record(); torch.cuda.synchronize()
    best = min(best, start.elapsed_time(end) / 1e3)
print("%.2f" % (2 * n**3 / best / 1e9))
PY
)
if [ "$cublas" != "-" ]; then
  cuda=$(job "{\"n\":$N,\"backend\":\"cuda\",\"repeats\":$REPEATS}")
  printf "%-34s %12s %16s\n" "cuBLAS SGEMM (PyTorch, TF32 off)" "$cublas" "base"
  printf "%-34s %12s %16s\n" "hpclab job backend=cuda" "$cuda" "$(ratio "$cuda" "$cublas") (vs cuBLAS)"
fi
small=256
naive=$(job "{\"n\":$small,\"backend\":\"cpu-naive\",\"repeats\":1}")
blas_small=$(job "{\"n\":$small,\"backend\":\"blas\",\"repeats\":$REPEATS}")
printf "%-34s %12s %16s\n" "hpclab cpu-naive n=$small" "$naive" "$(ratio "$naive" "$blas_small") (vs blas n=$small: $blas_small)"
curl -s "http://127.0.0.1:$PORT/devices" | python3 -c '
import json, sys
d = json.load(sys.stdin)
devs = [dev["name"] for p in d["opencl"].get("platforms", []) for dev in p.get("devices", [])]
print("(BLAS: %s, %s threads; OpenCL: %s)" % (d["blas"]["config"], d["blas"]["threads"], ", ".join(devs) or d["opencl"].get("reason")))'
