#!/usr/bin/env bash
# Drives the pages in a real browser: Debian's chromium and chromium-driver, headless, with
# selenium from PyPI (in a virtual environment under the build folder), against the real
# server on a free port with a fresh data directory. Installs what is missing, builds the
# server, runs Tests/Browser with pytest, stops the server; fails when a test fails.
#
#   scripts/browser-check.sh              # make browser-check
#   SCRATCH_PATH=.build-x scripts/browser-check.sh -k search   # pytest arguments pass through
#
# Screenshots go to $SCRATCH_PATH/screenshots (default .build/screenshots).
set -euo pipefail
cd "$(dirname "$0")/.."

SCRATCH="${SCRATCH_PATH:-.build}"
SWIFT="${SWIFT:-swift}"
PYTHON="${PYTHON:-python3}"
# selenium 4.51 drives Chromium 150–156 through chromedriver's W3C protocol and runs on Python 3.9+.
SELENIUM_VERSION=4.51.0
PYTEST_VERSION=8.4.2
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo

# Debian packages: the browser, its driver, and venv support for a system Python.
packages="chromium chromium-driver"
"$PYTHON" -c "import ensurepip" 2>/dev/null || packages="$packages python3-venv"
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "installing:$missing"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi

# Python packages, pinned, in a virtual environment kept under the build folder.
VENV="$SCRATCH/browser-venv"
if ! "$VENV/bin/python" -c "import selenium, pytest; assert selenium.__version__ == '$SELENIUM_VERSION'" 2>/dev/null; then
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check "selenium==$SELENIUM_VERSION" "pytest==$PYTEST_VERSION"
fi

"$SWIFT" build --scratch-path "$SCRATCH" --product hpclab
BINARY="$("$SWIFT" build --scratch-path "$SCRATCH" --product hpclab --show-bin-path)/hpclab"

DATA="$(mktemp -d -t hpclab-browser.XXXXXX)"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$DATA"
}
trap cleanup EXIT

# No job rate limit: the tests submit a few jobs in quick succession.
"$BINARY" serve --host 127.0.0.1 --port 0 --data-dir "$DATA/data" --public-dir public --rate-limit 0 \
  >"$DATA/server.log" 2>&1 &
SERVER_PID=$!
PORT=""
for _ in $(seq 1 300); do
  PORT="$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$DATA/server.log" | head -1)"
  [ -n "$PORT" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$DATA/server.log"; echo "the server exited" >&2; exit 1; }
  sleep 0.2
done
[ -n "$PORT" ] || { cat "$DATA/server.log"; echo "the server did not start" >&2; exit 1; }
echo "server on http://127.0.0.1:$PORT (data in $DATA)"

mkdir -p "$SCRATCH/screenshots"
status=0
HPCLAB_URL="http://127.0.0.1:$PORT" SCREENSHOT_DIR="$SCRATCH/screenshots" \
  "$VENV/bin/python" -m pytest Tests/Browser -p no:cacheprovider -v "$@" || status=$?
if [ "$status" != 0 ]; then
  echo "--- server log (last 40 lines) ---"
  tail -40 "$DATA/server.log"
fi
echo "screenshots in $SCRATCH/screenshots"
exit "$status"
