#!/usr/bin/env bash
# Checks public/openapi.json against a live server: validates the document, then runs
# Tests/OpenAPI (pytest: live responses read against the document, and schemathesis
# over every operation).
#
#   scripts/openapi-check.sh [pytest arguments]
#
# - The server: $HPCLAB_BIN, else .build/debug/hpclab when it exists, else built with
#   `swift build --product hpclab` (into .build, where `make test` builds too).
# - Python packages: Tests/OpenAPI/requirements.txt, installed in a venv under the
#   git-ignored $OPENAPI_VENV (default .build-openapi/venv) when missing or changed.
# - A server on a free port with a fresh data directory, stopped at the end; its log is
#   printed when a test fails. It runs with small matmul sizes (--max-dimension), no job
#   rate limit (--rate-limit 0: schemathesis creates thousands of jobs) and no --token;
#   Tests/OpenAPI starts servers of its own for the token, the rate limit and CORS.
# The last line printed is pytest's own summary ("N passed in …"). Exits non-zero on failure.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
SWIFT=${SWIFT:-swift}
PYTHON=${PYTHON:-python3}
VENV=${OPENAPI_VENV:-$ROOT/.build-openapi/venv}
REQUIREMENTS=$ROOT/Tests/OpenAPI/requirements.txt
MAX_DIMENSION=16   # the test server's --max-dimension: no generated matmul can be slow (see test_schemathesis.py)
SUDO=$([ "$(id -u)" = 0 ] || echo sudo)

say() { echo "openapi-check: $*"; }

# --- the server binary
BIN=${HPCLAB_BIN:-}
if [ -z "$BIN" ]; then
  BIN=$ROOT/.build/debug/hpclab
  if [ ! -x "$BIN" ]; then
    say "building hpclab (no .build/debug/hpclab yet)"
    "$SWIFT" build --product hpclab
  fi
fi
[ -x "$BIN" ] || { say "no server binary at $BIN"; exit 1; }
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")

# --- the Python packages, in a venv (CI starts from a clean clone)
stamp=$VENV/.requirements-sha256
want=$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  say "installing Python packages into $VENV"
  rm -rf "$VENV"
  if ! "$PYTHON" -m venv "$VENV" 2>/dev/null; then
    # Debian's own python3 keeps venv (and ensurepip) in a separate package.
    rm -rf "$VENV"
    say "installing python3-venv"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends python3-venv python3-pip
    "$PYTHON" -m venv "$VENV"
  fi
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQUIREMENTS"
  echo "$want" > "$stamp"
fi

# --- the server
WORK=$(mktemp -d "${TMPDIR:-/tmp}/hpclab-openapi.XXXXXX")
LOG=$WORK/server.log
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$BIN" serve --host 127.0.0.1 --port 0 --data-dir "$WORK/data" --public-dir "$ROOT/public" \
  --max-dimension "$MAX_DIMENSION" --job-timeout 30 --rate-limit 0 >"$LOG" 2>&1 &
SERVER_PID=$!
URL=""
for _ in $(seq 1 600); do
  URL=$(grep -o 'listening on http://[0-9.]*:[0-9]*' "$LOG" | head -n1 | sed 's/^listening on //' || true)
  [ -n "$URL" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$URL" ]; then
  say "the server did not start:"; cat "$LOG"; exit 1
fi
say "server $BIN at $URL (data in $WORK/data)"

# --- the tests
export HPCLAB_OPENAPI_URL=$URL HPCLAB_OPENAPI_MAX_DIMENSION=$MAX_DIMENSION HPCLAB_BIN=$BIN
export PYTHONDONTWRITEBYTECODE=1
set +e
"$VENV/bin/python" -m pytest "$ROOT/Tests/OpenAPI" -p no:cacheprovider -q -rfE "$@" 2>&1 | tee "$WORK/pytest.out"
status=${PIPESTATUS[0]}
set -e
if [ "$status" != 0 ]; then
  say "server log (last 60 lines):"; tail -n 60 "$LOG"
fi
summary=$(grep -E '^(=+ )?([0-9]+ [a-z]+|no tests ran).* in [0-9.]+s( \([0-9:]+\))?( =+)?$' "$WORK/pytest.out" | tail -n1 | sed -E 's/^=+ //; s/ =+$//' || true)
echo "${summary:-pytest exited $status}"
exit "$status"
