#!/usr/bin/env bash
# `make bench`: every figure beside a baseline measured in the same run, as a ratio.
# Each part lives in scripts/bench-*.sh; run one alone with `scripts/bench-http.sh`.
set -euo pipefail
cd "$(dirname "$0")/.."
for part in scripts/bench-*.sh; do
  echo "== ${part#scripts/bench-}" | sed 's/\.sh$//'
  "$part"
  echo
done
