#!/usr/bin/env bash
# pg-temp.sh - a throw-away PostgreSQL 15 cluster on loopback, for tests and
# trying the PostgreSQL backend (docs/POSTGRESQL.md).  No system service:
# initdb and pg_ctl from /usr/lib/postgresql/15/bin in a temp directory.
#
#   scripts/pg-temp.sh start [DIR]   create and start a cluster in DIR (a new
#                                    mktemp directory when omitted); prints
#                                    two lines: DIR=... and URL=postgresql://...
#   scripts/pg-temp.sh stop DIR      stop it (fast shutdown) and remove DIR
#
# The server listens on 127.0.0.1 only, on a free port, with its socket in
# DIR; authentication is "trust" for that loopback address alone, user and
# database "hoidong".  As root the server runs as the postgres user (it
# refuses to run as root); otherwise as the caller.  PG_TEMP_FSYNC=off
# (make test-pg sets it) trades crash safety of this scratch cluster for
# speed.  Every wait is bounded; a failure prints the server log and exits
# non-zero.
set -eu
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
cmd=${1:-}
die() { echo "pg-temp: $*" >&2; exit 1; }

as_owner() {   # run a command as the cluster's owner
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
start)
  [ -x "$PGBIN/initdb" ] && [ -x "$PGBIN/pg_ctl" ] \
    || die "no PostgreSQL 15 server in $PGBIN (install postgresql-15: scripts/install-deps.sh)"
  if [ "$(id -u)" -eq 0 ]; then id postgres >/dev/null 2>&1 || die "user postgres missing (it comes with postgresql-15)"; fi
  dir=${2:-$(mktemp -d /tmp/hd-pg-XXXXXX)}
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
  chmod 700 "$dir"
  # A free port: the first of a few random ones nothing listens on.
  port=""
  for _ in $(seq 1 50); do
    p=$(( 20000 + RANDOM % 30000 ))
    if ! (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then port=$p; break; fi
  done
  [ -n "$port" ] || die "no free port found"
  locale=C.UTF-8
  as_owner "$PGBIN/initdb" -D "$dir/data" -U hoidong -E UTF8 --locale="$locale" \
    -A trust --no-instructions >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  # Loopback only: no TCP elsewhere, the socket in DIR, trust for 127.0.0.1 alone.
  printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' > "$dir/data/pg_hba.conf"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir/data/pg_hba.conf"
  {
    echo "listen_addresses = '127.0.0.1'"
    echo "port = $port"
    echo "unix_socket_directories = '$dir'"
    echo "max_connections = 200"
    echo "shared_buffers = 64MB"
    echo "fsync = ${PG_TEMP_FSYNC:-on}"
    echo "logging_collector = off"
  } >> "$dir/data/postgresql.conf"
  as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 start >/dev/null 2>&1 \
    || { cat "$dir/server.log" >&2 2>/dev/null; die "the server did not start within 30 s"; }
  # Bounded wait until it answers on TCP, then create the database.
  ok=0
  for _ in $(seq 1 100); do
    if "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$port" -t 1; then ok=1; break; fi
    sleep 0.1
  done
  [ "$ok" -eq 1 ] || { cat "$dir/server.log" >&2; die "the server does not answer on 127.0.0.1:$port"; }
  as_owner "$PGBIN/createdb" -h 127.0.0.1 -p "$port" -U hoidong hoidong \
    || { cat "$dir/server.log" >&2; die "createdb failed"; }
  echo "DIR=$dir"
  echo "URL=postgresql://hoidong@127.0.0.1:$port/hoidong"
  ;;
stop)
  dir=${2:-}
  [ -n "$dir" ] && [ -d "$dir" ] || die "usage: pg-temp.sh stop DIR"
  [ -f "$dir/data/PG_VERSION" ] || die "$dir is not a cluster made by pg-temp.sh"
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1 \
      || as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w -t 10 stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  ;;
*)
  echo "usage: pg-temp.sh start [DIR] | stop DIR" >&2; exit 2 ;;
esac
