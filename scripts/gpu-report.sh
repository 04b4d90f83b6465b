#!/usr/bin/env bash
# A fixed matrix of hpclab jobs on whatever devices exist, printed as one table; where PyTorch
# with CUDA is importable, cuBLAS's figures (through torch.matmul, timed with CUDA events) beside
# ours as ratios. Runs from a checkout (after `make release`) or from the portable bundle
# (`make bundle`), with no Swift and no root.
#
#   scripts/gpu-report.sh                 # full matrix (GPU sizes on a GPU, smaller on a CPU device)
#   REPORT_QUICK=1 scripts/gpu-report.sh  # small sizes and short tuning: a smoke test
#
# Variables: HPCLAB_BIN (the binary or the bundle's bin/hpclab; found next to this script
# otherwise), REPORT_TUNE_SECONDS (tuning budget per dtype; default 60 on a GPU, 20 otherwise),
# REPORT_JSON (a file to also write every job's JSON to), HPCLAB_MEMORY_BUDGET (default 16 GiB
# here, so that n = 8192 fits). NVIDIA's OpenCL driver without an ICD file (a container that mounts
# only the driver's libraries): set NVIDIA_OPENCL_LIBRARY or let the script look in
# /usr/local/nvidia/lib64 and the loader's paths; it writes an ICD file into a temporary folder
# and points OCL_ICD_VENDORS at it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [ -z "${HPCLAB_BIN:-}" ]; then
  for candidate in "$here/../bin/hpclab" "$here/../.build/release/hpclab" "$here/../.build/debug/hpclab"; do
    [ -x "$candidate" ] && HPCLAB_BIN="$candidate" && break
  done
fi
[ -x "${HPCLAB_BIN:-}" ] || { echo "gpu-report: no hpclab binary (set HPCLAB_BIN, run make release, or use the bundle)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "gpu-report: needs python3" >&2; exit 2; }
command -v curl >/dev/null || { echo "gpu-report: needs curl" >&2; exit 2; }

work="$(mktemp -d)"
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# NVIDIA's OpenCL library without an ICD file: write one.
if [ -z "${OCL_ICD_VENDORS:-}" ] && ! ls /etc/OpenCL/vendors/*.icd >/dev/null 2>&1; then
  nvidia="${NVIDIA_OPENCL_LIBRARY:-}"
  if [ -z "$nvidia" ]; then
    for candidate in /usr/local/nvidia/lib64/libnvidia-opencl.so.1 /usr/lib/x86_64-linux-gnu/libnvidia-opencl.so.1 /usr/lib64/libnvidia-opencl.so.1; do
      [ -e "$candidate" ] && nvidia="$candidate" && break
    done
  fi
  if [ -n "$nvidia" ]; then
    mkdir -p "$work/vendors"
    echo "$nvidia" > "$work/vendors/nvidia.icd"
    export OCL_ICD_VENDORS="$work/vendors"
    echo "(wrote an ICD file for $nvidia)"
  fi
fi

# cuBLAS and NVRTC from the pip wheels PyTorch ships with, when no folder was named.
if [ -z "${HPCLAB_CUDA_LIBRARY_PATH:-}" ]; then
  wheels=$(python3 - <<'PY' 2>/dev/null || true
import importlib, os
found = []
for name in ("nvidia.cublas", "nvidia.cuda_nvrtc", "nvidia.cuda_runtime"):
    try:
        module = importlib.import_module(name)
    except Exception:
        continue
    for base in list(getattr(module, "__path__", [])):
        lib = os.path.join(base, "lib")
        if os.path.isdir(lib):
            found.append(lib)
print(":".join(found))
PY
)
  if [ -n "$wheels" ]; then export HPCLAB_CUDA_LIBRARY_PATH="$wheels"; echo "(CUDA libraries from the pip wheels: $wheels)"; fi
fi

export HPCLAB_MEMORY_BUDGET="${HPCLAB_MEMORY_BUDGET:-17179869184}"
export HPCLAB_JOB_TIMEOUT="${HPCLAB_JOB_TIMEOUT:-900}"
export HPCLAB_RATE_LIMIT=0
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$HPCLAB_BIN" serve --port "$port" --data-dir "$work/data" --log-level warning >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 300); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$port/healthz" >/dev/null || { echo "gpu-report: the server did not start:" >&2; cat "$work/server.log" >&2; exit 1; }

export REPORT_PORT="$port" REPORT_QUICK="${REPORT_QUICK:-}" REPORT_TUNE_SECONDS="${REPORT_TUNE_SECONDS:-}" REPORT_JSON="${REPORT_JSON:-}"
python3 - <<'PY'
import json, os, sys, time, urllib.request, urllib.error

port = os.environ["REPORT_PORT"]
quick = bool(os.environ.get("REPORT_QUICK"))
base = f"http://127.0.0.1:{port}"
records = []

def request(method, path, body=None, wait=900):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Content-Type": "application/json", "Prefer": f"wait={wait}", "Accept": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=wait + 60) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        return json.load(error)

def job(kind, body):
    started = time.time()
    answer = request("POST", f"/jobs/{kind}", body)
    while answer.get("status") in ("queued", "running"):
        answer = request("GET", f"/jobs/{answer['id']}?wait=60")
    seconds = time.time() - started
    records.append({"kind": kind, "body": body, "job": answer, "seconds": seconds})
    print(f"  {kind} {json.dumps(body)}: {answer.get('status')} in {seconds:.1f} s", file=sys.stderr, flush=True)
    return answer

devices = request("GET", "/devices")
opencl = [d for p in devices["opencl"].get("platforms", []) for d in p.get("devices", [])]
listed = ", ".join("%s: %s (%s, %s units, %s MHz)" % (d["index"], d["name"], d["type"], d["compute_units"], d["max_clock_mhz"]) for d in opencl)
print("hpclab report: BLAS %s (%s threads); OpenCL: %s" % (devices["blas"]["name"], devices["blas"]["threads"], listed or devices["opencl"].get("reason")))

# cuBLAS through PyTorch, when importable.
torch = None
try:
    import torch as _torch
    if _torch.cuda.is_available():
        torch = _torch
        print(f"baseline: PyTorch {torch.__version__}, cuBLAS on {torch.cuda.get_device_name(0)}")
except Exception as error:  # no torch, or a broken CUDA setup
    print(f"(no cuBLAS baseline: {type(error).__name__}: {error})" if not isinstance(error, ImportError) else "(no cuBLAS baseline: PyTorch is not importable)")

def cublas_gflops(n, dtype):
    if torch is None:
        return None
    torch.backends.cuda.matmul.allow_tf32 = dtype == "tf32"
    kind = {"float32": torch.float32, "tf32": torch.float32, "float64": torch.float64,
            "float16": torch.float16, "bfloat16": torch.bfloat16}.get(dtype)
    if kind is None:
        return None
    a = (torch.rand(n, n, device="cuda") - 0.5).to(kind)
    b = (torch.rand(n, n, device="cuda") - 0.5).to(kind)
    torch.matmul(a, b); torch.cuda.synchronize()
    best = float("inf")
    for _ in range(5):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record(); torch.matmul(a, b); end.record(); torch.cuda.synchronize()
        best = min(best, start.elapsed_time(end) / 1e3)
    return 2 * n ** 3 / best / 1e9

rows = []
def row(what, device, value, unit, baseline=None, baseline_name="", note=""):
    ratio = f"{value / baseline:.2f}× {baseline_name}" if (baseline and value) else ""
    rows.append((what, device, f"{value:,.1f}" if isinstance(value, (int, float)) else str(value), unit,
                 f"{baseline:,.1f}" if baseline else "", ratio, note))

def figure(answer, name):
    for f in (answer.get("result") or {}).get("figures") or []:
        if f.get("name") == name:
            return f.get("value")
    return None

def failed(what, device, answer):
    error = answer.get("error") or answer
    rows.append((what, device, "failed", "", "", "", (error.get("detail") or error.get("title") or str(error))[:80]))

for d in opencl:
    gpu = "gpu" in d["type"]
    label = f"{d['index']}: {d['name'][:28]}"
    sizes = ([1024] if quick else [4096, 8192]) if gpu else ([256] if quick else [1024, 2048])
    tune_seconds = float(os.environ.get("REPORT_TUNE_SECONDS") or (5 if quick else 60 if gpu else 20))
    peak = job("peak", {"device": d["index"]})
    if peak.get("status") == "succeeded":
        for dtype in ("float32", "float64"):
            value = figure(peak, f"{dtype}_gflops")
            if value is not None:
                fraction = figure(peak, f"{dtype}_fraction_of_peak")
                row(f"peak {dtype}", label, value, "GFLOP/s", note=f"{fraction * 100:.0f}% of the architecture's peak" if fraction else "")
    else:
        failed("peak", label, peak)
    for kind, body, name, unit in (("coalescing", {}, "unit_stride_gb_s", "GB/s"),
                                   ("reduction", {}, "tree_gb_s", "GB/s"),
                                   ("bandwidth", {"target": "opencl"}, "opencl_triad_gb_s", "GB/s")):
        answer = job(kind, {**body, "device": d["index"]})
        if answer.get("status") != "succeeded":
            failed(kind, label, answer); continue
        value = figure(answer, name)
        if value is None:  # the figure names differ between kinds: take the first GB/s figure
            value = next((f["value"] for f in answer["result"].get("figures", []) if f.get("unit") == unit), None)
        n = (answer["result"].get("parameters") or {}).get("n")
        row(f"{kind} {name}", label, value or 0, unit, note=f"n={n}")
    for dtype in ("float32", "float64"):
        if dtype == "float64" and not d.get("fp64"):
            continue
        tune = job("tune", {"device": d["index"], "dtype": dtype, "n": sizes[0], "budget_seconds": tune_seconds})
        if tune.get("status") == "succeeded":
            result = tune["result"]
            best = (result.get("best") or {}).get("gflops") or 0
            row(f"tune {dtype} n={result['n']}", label, best, "GFLOP/s",
                note=f"{result['candidates_tried']} tried, {result['verified']} verified; {(result.get('best') or {}).get('label', '')}")
        else:
            failed(f"tune {dtype}", label, tune)
        for n in sizes:
            reference = cublas_gflops(n, dtype) if gpu else None
            kernels = ["auto"] if dtype == "float64" or n != sizes[0] else ["auto", "blocked", "tiled"]
            for kernel in kernels:
                answer = job("matmul", {"n": n, "dtype": dtype, "backend": "opencl", "kernel": kernel, "device": d["index"], "repeats": 5})
                if answer.get("status") != "succeeded":
                    failed(f"matmul {kernel} {dtype} n={n}", label, answer); continue
                r = answer["result"]
                row(f"matmul {kernel} {dtype} n={n}", label, r["gflops"], "GFLOP/s", reference, "cuBLAS" if reference else "",
                    f"rel err {r['max_rel_error']:.1e}")

cuda = devices.get("cuda") or {}
if cuda.get("available"):
    for d in cuda.get("devices", []):
        label = "cuda %s: %s" % (d["index"], d["name"][:24])
        for n in ([1024] if quick else [4096, 8192]):
            for dtype in ("float32", "tf32", "float16", "bfloat16", "float8", "float64"):
                answer = job("matmul", {"n": n, "dtype": dtype, "backend": "cuda", "device": d["index"], "repeats": 5})
                if answer.get("status") != "succeeded":
                    failed("matmul cuda %s n=%d" % (dtype, n), label, answer); continue
                r = answer["result"]
                reference = cublas_gflops(n, dtype)
                row("matmul cuda %s n=%d" % (dtype, n), label, r["gflops"], "GFLOP/s", reference, "PyTorch" if reference else "",
                    "rel err %.1e" % r["max_rel_error"])
        peak = job("peak", {"backend": "cuda", "device": d["index"]})
        if peak.get("status") == "succeeded":
            for name, unit in (("float32_gflops", "GFLOP/s"), ("float64_gflops", "GFLOP/s"), ("wmma_tflops", "TFLOP/s")):
                value = figure(peak, name)
                if value is not None:
                    row("peak cuda " + name, label, value, unit)
            if figure(peak, "wmma_tflops") is None:
                rows.append(("peak cuda wmma", label, "not run", "", "", "", peak["result"]["summary"][-90:]))
        else:
            failed("peak cuda", label, peak)
else:
    print("(CUDA: %s)" % cuda.get("reason", "not reported"))

for dtype in ("float32", "float64"):
    n = 1024 if quick else 4096
    answer = job("matmul", {"n": n, "dtype": dtype, "backend": "blas", "repeats": 3})
    if answer.get("status") == "succeeded":
        row(f"matmul blas {dtype} n={n}", "host CPU", answer["result"]["gflops"], "GFLOP/s")
    else:
        failed(f"matmul blas {dtype}", "host CPU", answer)
answer = job("bandwidth", {"target": "cpu"})
if answer.get("status") == "succeeded":
    row("bandwidth triad (STREAM)", "host CPU", figure(answer, "cpu_triad_gb_s") or next((f["value"] for f in answer["result"]["figures"] if f.get("unit") == "GB/s"), 0), "GB/s",
        note="n=%s" % (answer["result"].get("parameters") or {}).get("n"))
else:
    failed("bandwidth", "host CPU", answer)

headings = ("what", "device", "hpclab", "unit", "baseline", "ratio", "note")
widths = [max(len(str(r[i])) for r in rows + [headings]) for i in range(len(headings))]
print()
print("  ".join(h.ljust(w) for h, w in zip(headings, widths)))
print("  ".join("-" * w for w in widths))
for r in rows:
    print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)))
print()
print("GFLOP/s: best timed repeat; OpenCL timings are kernel time from profiling events (no copies, no build); "
      "cuBLAS: torch.matmul timed with CUDA events (TF32 allowed only for the tf32 rows), best of 5 after a warm-up.")
if os.environ.get("REPORT_JSON"):
    with open(os.environ["REPORT_JSON"], "w") as out:
        json.dump({"devices": devices, "jobs": records, "rows": rows}, out, indent=1)
    print(f"every job's JSON: {os.environ['REPORT_JSON']}")
PY
