#!/usr/bin/env bash
# board_load against PostgreSQL: starts a private PostgreSQL server on
# loopback (scripts/with_test_postgres.sh), gives the board an empty
# database in it, and runs board_load with the remaining arguments.
#
#   tools/bench/board_load_postgres.sh BOARD_LOAD [board_load options...]
#   e.g. tools/bench/board_load_postgres.sh build/dev/tools/bench/board_load --seconds 15
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 BOARD_LOAD [options...]" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${CASEBOARD_TEST_POSTGRES:-}" ]; then
  exec bash "$here/../../scripts/with_test_postgres.sh" bash "$0" "$@"
fi
board_load=$1
shift
psql "$CASEBOARD_TEST_POSTGRES/postgres" -qc "CREATE DATABASE board_load"
exec "$board_load" --database "$CASEBOARD_TEST_POSTGRES/board_load" "$@"
