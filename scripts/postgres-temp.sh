#!/usr/bin/env bash
# A throwaway PostgreSQL from Debian's packages: `postgres-temp.sh start DIR` runs initdb into
# DIR (as the postgres user when run as root: initdb refuses root), starts the server on a free
# loopback port with its socket in DIR, creates the database hpclab, and prints its URL;
# `postgres-temp.sh stop DIR` stops it at once (as a crash would), `resume DIR` starts it again on
# the same port. Used by scripts/fleet-check.sh.
set -euo pipefail
command=${1:?start or stop}
dir=${2:?a folder}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "postgres-temp: no initdb under /usr/lib/postgresql (apt-get install postgresql)" >&2; exit 1; }
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case "$command" in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_owner "$bin/initdb" -D "$dir/data" -U hpclab --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off" start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U hpclab hpclab
    echo "$port" >"$dir/port"
    [ "$(id -u)" = 0 ] && chown postgres "$dir/port"
    echo "postgres://hpclab@127.0.0.1:$port/hpclab"
    ;;
  stop)
    [ -d "$dir/data" ] && as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    ;;
  resume)
    port=$(cat "$dir/port")
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off" start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    ;;
  *) echo "usage: postgres-temp.sh start|stop|resume DIR" >&2; exit 2 ;;
esac
