#!/usr/bin/env bash
# A throwaway PostgreSQL cluster, owned by the postgres user, on a free port under a temp directory.
#   eval "$(scripts/throwaway-postgres.sh start)"   # exports DATABASE_URL and PG_THROWAWAY_DIR
#   scripts/throwaway-postgres.sh stop "$PG_THROWAWAY_DIR"
# Installs PostgreSQL with apt when it is missing (needs root).
set -euo pipefail

find_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
  done
  return 1
}

as_postgres() {
  if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi
}

start() {
  local bin
  if ! bin=$(find_bin); then
    echo "PostgreSQL is missing: installing it with apt" >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    bin=$(find_bin)
  fi
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql postgres
  local dir port
  dir=$(mktemp -d /tmp/meiduo-pg.XXXXXX)
  chown postgres "$dir"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  as_postgres "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off" start >/dev/null
  echo "export PG_THROWAWAY_DIR=$dir PG_THROWAWAY_BIN=$bin"
  echo "export DATABASE_URL=postgres://postgres@127.0.0.1:$port/postgres"
}

stop() {
  local dir=${1:?usage: stop DIR} bin
  bin=$(find_bin)
  as_postgres "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  *) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
