#!/usr/bin/env bash
# Search: in-process latency beside the same SQL through SQLite's C API (one process, one run),
# then /questions?q=warp over HTTP with wrk at 32 connections beside /healthz on the same server.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN="${BENCH_SECONDS:-5}"
BIN=.build/release/hpclab
[ -x "$BIN" ] || swift build -c release --product hpclab >/dev/null
"$BIN" bench-search --runs "${BENCH_SEARCH_RUNS:-2000}"
echo
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
PORT=18082
"$BIN" serve --port $PORT --data-dir "$work/data" --log-level warning &
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
printf "%-32s %10s %9s %9s %7s\n" target "req/s" "p50 ms" "p99 ms" errors
for target in "/questions?q=warp" "/search?q=tensor%20cores" "/healthz"; do
  wrk -t2 -c32 -d"${SECONDS_PER_RUN}s" --latency "http://127.0.0.1:$PORT$target" | awk -v t="$target" '
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    /Requests\/sec/ { rps = $2 } /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) }
    /Socket errors/ { gsub(",", ""); err += $4 + $6 + $8 + $10 } /Non-2xx/ { err += $5 }
    END { printf "%-32s %10.0f %9.3f %9.3f %7d\n", t, rps, p50, p99, err + 0 }'
done
echo "(wrk -t2 -c32, ${SECONDS_PER_RUN}s each; searches repeat one query, so the server's result cache answers after the first)"
