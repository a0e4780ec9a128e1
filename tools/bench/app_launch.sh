#!/usr/bin/env bash
# Time from launching the desktop app to its unlock screen, and from
# pressing Enter on the passphrase to the review list, under Xvfb, on a
# vault made by `caseboard-cli init` (default scrypt cost) and filled by
# `caseboard-cli demo`. The window title tells the state, polled every 10 ms.
#
# usage: app_launch.sh CASEBOARD CASEBOARD-CLI [RUNS]
set -euo pipefail
APP=$1 CLI=$2 RUNS=${3:-5}
if [ "${4:-}" != --in-display ]; then
  exec xvfb-run -a -s "-screen 0 1280x800x24" bash "$0" "$APP" "$CLI" "$RUNS" --in-display
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export CASEBOARD_PASSPHRASE="launch benchmark passphrase"
"$CLI" --vault "$dir/vault" init >/dev/null
"$CLI" --vault "$dir/vault" demo >/dev/null
now() { date +%s.%N; }
wait_title() { until xdotool search --name "^$1\$" >/dev/null 2>&1; do sleep 0.01; done; }
for run in $(seq "$RUNS"); do
  t0=$(now)
  "$APP" --vault "$dir/vault" --idle-lock 0 >/dev/null 2>&1 &
  pid=$!
  wait_title "Caseboard \(locked\)"
  t1=$(now)
  sleep 0.5
  xdotool type --delay 1 "$CASEBOARD_PASSPHRASE"
  t2=$(now)
  xdotool key Return
  wait_title "Caseboard"
  t3=$(now)
  kill $pid; wait $pid 2>/dev/null || true
  awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v r="$run" \
    'BEGIN{printf "run %d: launch to unlock screen %.0f ms; Enter to review list (4 demo reviews) %.0f ms\n", r, 1000*(b-a), 1000*(d-c)}'
done
