#!/usr/bin/env bash
# Runs a command with a private PostgreSQL server on loopback, for the suites
# that must also pass against PostgreSQL: starts one (scripts/pg_test_server.sh)
# on a free port in a temporary folder, exports its URL (without a database:
# each board makes its own) as CASEBOARD_TEST_POSTGRES, runs the command and
# stops the server whatever the command's outcome.
#
#   scripts/with_test_postgres.sh COMMAND [ARGS...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d /tmp/caseboard-pg.XXXXXX)
chmod 755 "$dir"  # PostgreSQL runs as the postgres user when we are root

# A port nothing listens on (the bash /dev/tcp connect fails).
port=""
for _ in $(seq 1 50); do
  candidate=$((20000 + RANDOM % 40000))
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then port=$candidate; break; fi
done
[ -n "$port" ] || { echo "with_test_postgres: no free port" >&2; exit 1; }

cleanup() { bash "$here/pg_test_server.sh" stop "$dir/data" || true; rm -rf "$dir"; }
trap cleanup EXIT
url=$(bash "$here/pg_test_server.sh" start "$dir/data" "$port")
export CASEBOARD_TEST_POSTGRES=${url%/*}
"$@"
