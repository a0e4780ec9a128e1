#!/usr/bin/env bash
# Starts (or stops) a private PostgreSQL server on loopback for the test suite:
# its own data folder, its own port, trust authentication on 127.0.0.1 only,
# and an empty database "caseboard_test". Nothing of the machine's own
# PostgreSQL (if any) is touched.
#
#   scripts/pg_test_server.sh start DIR PORT   # prints the database URL
#   scripts/pg_test_server.sh stop DIR
#
# Tests run it with fsync off (they never survive a power cut, and the disk
# is slow). Benchmarks that compare it with SQLite, which syncs, set
# CASEBOARD_PG_FSYNC=on to measure PostgreSQL as a board would run it.
set -euo pipefail

cmd=${1:?usage: pg_test_server.sh start DIR PORT | stop DIR}
dir=${2:?a data folder}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "pg_test_server: PostgreSQL is not installed (scripts/setup.sh installs it)" >&2; exit 1; }

# PostgreSQL refuses to run as root: run it as the postgres user then.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
  start)
    port=${3:?a port}
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; fi
    if [ ! -f "$dir/PG_VERSION" ]; then
      as_pg "$bin/initdb" -D "$dir" -A trust -U postgres --no-instructions >/dev/null
    fi
    as_pg "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='$dir' -c fsync=${CASEBOARD_PG_FSYNC:-off}" \
      start >/dev/null
    as_pg "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -qtc \
      "SELECT 1 FROM pg_database WHERE datname='caseboard_test'" | grep -q 1 ||
      as_pg "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres caseboard_test
    echo "postgresql://postgres@127.0.0.1:$port/caseboard_test"
    ;;
  stop)
    [ -f "$dir/postmaster.pid" ] && as_pg "$bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null || true
    ;;
  *)
    echo "usage: pg_test_server.sh start DIR PORT | stop DIR" >&2
    exit 2
    ;;
esac
