#!/usr/bin/env bash
# A private PostgreSQL cluster for this checkout: its own data directory and port,
# started and stopped by `make`. Usage: scripts/db.sh start|stop|status|url|createdb NAME|dropdb NAME|psql ...
#
# Settings: SSW_PG_PORT (default 55432), SSW_DATA_DIR (default <repo>/.data),
# SSW_NO_APT=1 forbids installing PostgreSQL with apt-get when it is missing.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PORT=${SSW_PG_PORT:-55432}
DATA_ROOT=${SSW_DATA_DIR:-$ROOT/.data}

log() { echo "db: $*" >&2; }

find_bindir() {
  local dir
  if command -v pg_config >/dev/null 2>&1; then
    dir=$(pg_config --bindir 2>/dev/null || true)
    if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return 0; fi
  fi
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return 0; fi
  done
  if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return 0; fi
  return 1
}

BINDIR=$(find_bindir || true)
if [ -z "$BINDIR" ]; then
  if [ "${SSW_NO_APT:-0}" != "1" ] && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    log "PostgreSQL server binaries not found; installing them with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    BINDIR=$(find_bindir)
  else
    log "PostgreSQL server binaries (initdb, pg_ctl) not found; install PostgreSQL (apt-get install postgresql)"
    exit 1
  fi
fi

# initdb refuses to run as root: as root, the cluster belongs to an unprivileged user.
RUN_AS=()
if [ "$(id -u)" = "0" ]; then
  PGUSER_OS=postgres
  if ! id "$PGUSER_OS" >/dev/null 2>&1; then
    useradd --system --home-dir /var/lib/postgresql --shell /usr/sbin/nologin "$PGUSER_OS"
  fi
  RUN_AS=(runuser -u "$PGUSER_OS" --)
  mkdir -p "$DATA_ROOT"
  # The cluster's user must be able to reach the data directory; a checkout
  # under a private home directory cannot be entered, so fall back to /var/tmp.
  if ! "${RUN_AS[@]}" test -x "$DATA_ROOT" 2>/dev/null; then
    DATA_ROOT=/var/tmp/ssw-api-$(echo "$ROOT" | sha256sum | cut -c1-12)
    mkdir -p "$DATA_ROOT"
  fi
  chown "$PGUSER_OS" "$DATA_ROOT"
fi
mkdir -p "$DATA_ROOT"
PGDATA=$DATA_ROOT/pg

as_owner() { (cd / && "${RUN_AS[@]}" "$@"); }
url() { echo "postgres://postgres@127.0.0.1:$PORT/${1:-ssw}"; }
psql_do() { "$BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres "$@"; }

running() { as_owner "$BINDIR/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; }

start() {
  # Practice search needs the Dutch dictionary on the server (see scripts/dutch-dictionary.sh).
  local sharedir
  sharedir=$("$BINDIR/pg_config" --sharedir 2>/dev/null || pg_config --sharedir)
  "$ROOT/scripts/dutch-dictionary.sh" "$sharedir" \
    || log "practice search will not split compound words until the Dutch dictionary is installed"
  if [ ! -s "$PGDATA/PG_VERSION" ]; then
    log "creating a cluster in $PGDATA"
    as_owner mkdir -p "$PGDATA"
    as_owner "$BINDIR/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --no-locale >/dev/null
  fi
  if running; then return 0; fi
  log "starting PostgreSQL on 127.0.0.1:$PORT"
  as_owner "$BINDIR/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 60 \
    -o "-p $PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=300 -c shared_buffers=256MB -c idle_in_transaction_session_timeout=5min" \
    start >/dev/null
}

case "${1:-}" in
  start) start ;;
  stop)
    if [ -s "$PGDATA/PG_VERSION" ] && running; then
      as_owner "$BINDIR/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null && log "stopped"
    fi ;;
  status) running && echo "running on 127.0.0.1:$PORT ($PGDATA)" || { echo "not running"; exit 3; } ;;
  url) url "${2:-ssw}" ;;
  bindir) echo "$BINDIR" ;;
  datadir) echo "$DATA_ROOT" ;;
  createdb)
    start
    name=${2:?database name}
    if [ "$(psql_do -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$name'")" != "1" ]; then
      psql_do -d postgres -c "CREATE DATABASE \"$name\""
    fi ;;
  dropdb)
    start
    psql_do -d postgres -c "DROP DATABASE IF EXISTS \"${2:?database name}\" WITH (FORCE)" ;;
  psql) shift; start; psql_do "$@" ;;
  *) echo "usage: $0 start|stop|status|url [db]|bindir|datadir|createdb NAME|dropdb NAME|psql ARGS" >&2; exit 2 ;;
esac
