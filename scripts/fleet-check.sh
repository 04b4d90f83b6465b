#!/usr/bin/env bash
# The fleet end to end (Tests/Fleet/fleet_check.py): a throwaway PostgreSQL, two hpclab serve
# replicas and several hpclab worker processes on loopback. Uses $HPCLAB_BIN (default
# .build/debug/hpclab). Part of `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=$(mktemp -d /tmp/hpclab-postgres-XXXXXX)
cleanup() { scripts/postgres-temp.sh stop "$scratch"; rm -rf "$scratch"; }
trap cleanup EXIT
url=$(scripts/postgres-temp.sh start "$scratch")
echo "fleet-check: PostgreSQL at $url"
HPCLAB_TEST_DATABASE="$url" HPCLAB_TEST_POSTGRES_DIR="$scratch" HPCLAB_BIN="${HPCLAB_BIN:-.build/debug/hpclab}" timeout 1200 python3 Tests/Fleet/fleet_check.py
