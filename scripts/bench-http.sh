#!/usr/bin/env bash
# HTTP: hpclab with its default settings (access log on, to stderr, here a file) against two
# baselines on the same machine in the same run: nginx serving the same static file (access log
# off) and Hummingbird 2 answering GET /hello with /healthz's body (no log), with wrk on loopback
# at 32 and 256 connections. Medians of BENCH_RUNS runs of BENCH_SECONDS each.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN="${BENCH_SECONDS:-5}"
RUNS="${BENCH_RUNS:-3}"
BIN=.build/release/hpclab
[ -x "$BIN" ] || swift build -c release --product hpclab >/dev/null
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null; rm -rf "$work"' EXIT

HP_PORT=18080
NG_PORT=18081
HB_PORT=18082
# Hummingbird 2, built once in release mode beside the project (scripts/baselines/hello-hummingbird).
HB_DIR=scripts/baselines/hello-hummingbird
HB_BIN=.build-hummingbird/release/HelloHummingbird
if [ ! -x "$HB_BIN" ]; then
  echo "building the Hummingbird baseline (once; a few minutes)..." >&2
  swift build -c release --package-path "$HB_DIR" --scratch-path .build-hummingbird >/dev/null
fi
"$HB_BIN" $HB_PORT >/dev/null 2>&1 &
"$BIN" serve --port $HP_PORT --data-dir "$work/data" --public-dir public 2>"$work/hpclab.log" &
mkdir -p "$work/nginx/logs"
cat > "$work/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  include /etc/nginx/mime.types;
  keepalive_requests 1000000;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  server { listen 127.0.0.1:$NG_PORT; root $PWD/public; etag on; }
}
CONF
nginx -p "$work/nginx" -c "$work/nginx.conf"
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$HP_PORT/healthz" >/dev/null && curl -sf "http://127.0.0.1:$NG_PORT/index.html" >/dev/null && curl -sf "http://127.0.0.1:$HB_PORT/hello" >/dev/null && break; sleep 0.1; done

# One wrk run: prints "req/s p50_ms p99_ms errors".
measure() {
  wrk -t2 -c"$2" -d"${SECONDS_PER_RUN}s" --latency "$1" | awk '
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    /Requests\/sec/ { rps = $2 }
    /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) }
    /Socket errors/ { gsub(",", ""); err += $4 + $6 + $8 + $10 }
    /Non-2xx/ { err += $5 }
    END { printf "%.0f %.3f %.3f %d\n", rps, p50, p99, err + 0 }'
}
# Median of RUNS runs, field by field.
median_of_runs() {
  local runs
  runs=$(for _ in $(seq "$RUNS"); do measure "$1" "$2"; done)
  for field in 1 2 3 4; do
    echo "$runs" | awk -v f=$field '{ print $f }' | sort -g | awk '{ v[NR] = $1 } END { printf "%s ", v[int((NR + 1) / 2)] }'
  done
  echo
}

printf "%-26s %6s %10s %9s %9s %7s %16s\n" target conns "req/s" "p50 ms" "p99 ms" errors "ratio"
for conns in 32 256; do
  read -r ng_rps ng_p50 ng_p99 ng_err < <(median_of_runs "http://127.0.0.1:$NG_PORT/index.html" $conns)
  read -r hs_rps hs_p50 hs_p99 hs_err < <(median_of_runs "http://127.0.0.1:$HP_PORT/index.html" $conns)
  read -r hb_rps hb_p50 hb_p99 hb_err < <(median_of_runs "http://127.0.0.1:$HB_PORT/hello" $conns)
  read -r hh_rps hh_p50 hh_p99 hh_err < <(median_of_runs "http://127.0.0.1:$HP_PORT/healthz" $conns)
  printf "%-26s %6d %10d %9s %9s %7d %16s\n" "nginx /index.html" $conns "$ng_rps" "$ng_p50" "$ng_p99" "$ng_err" "(base)"
  printf "%-26s %6d %10d %9s %9s %7d %16s\n" "hpclab /index.html" $conns "$hs_rps" "$hs_p50" "$hs_p99" "$hs_err" "$(awk -v a="$hs_rps" -v b="$ng_rps" 'BEGIN{printf "%.2f x nginx", a/b}')"
  printf "%-26s %6d %10d %9s %9s %7d %16s\n" "hummingbird /hello" $conns "$hb_rps" "$hb_p50" "$hb_p99" "$hb_err" "(base)"
  printf "%-26s %6d %10d %9s %9s %7d %16s\n" "hpclab /healthz" $conns "$hh_rps" "$hh_p50" "$hh_p99" "$hh_err" "$(awk -v a="$hh_rps" -v b="$hb_rps" 'BEGIN{printf "%.2f x hb", a/b}')"
done
echo "(wrk -t2, ${SECONDS_PER_RUN}s x $RUNS runs, medians; hpclab with its defaults, access log included: $(wc -l < "$work/hpclab.log") lines written)"
