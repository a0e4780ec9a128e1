#!/usr/bin/env bash
# Idle CPU of the desktop app: the window open and unlocked on the review
# list, nobody touching it, for SECONDS (default 30), under Xvfb. Reports the
# app's user+system CPU time over that span as a share of one core, and the
# same for a window that redraws every frame (glxgears) as a baseline.
#
# usage: app_idle.sh CASEBOARD [SECONDS]
set -euo pipefail
APP=$1 SECS=${2:-30}
if [ "${3:-}" != --in-display ]; then
  exec xvfb-run -a -s "-screen 0 1280x800x24" bash "$0" "$APP" "$SECS" --in-display
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
"$APP" --vault "$dir/vault" --idle-lock 0 >/dev/null 2>&1 &
pid=$!
sleep 2
xdotool type --delay 10 "idle benchmark passphrase"; xdotool key Tab
xdotool type --delay 10 "idle benchmark passphrase"; xdotool key Return
sleep 3
xdotool mousemove 1270 790
sleep 1
t0=$(cpu_ticks $pid)
sleep "$SECS"
t1=$(cpu_ticks $pid)
kill $pid
hz=$(getconf CLK_TCK)
echo "caseboard idle, ${SECS} s: $((t1 - t0)) ticks = $(awk -v t=$((t1 - t0)) -v s="$SECS" -v hz="$hz" 'BEGIN{printf "%.2f", 100*t/hz/s}') % of a core"
if command -v glxgears >/dev/null; then
  glxgears >/dev/null 2>&1 &
  g=$!
  sleep 1
  g0=$(cpu_ticks $g); sleep "$SECS"; g1=$(cpu_ticks $g)
  kill $g
  echo "glxgears (redraws every frame), ${SECS} s: $(awk -v t=$((g1 - g0)) -v s="$SECS" -v hz="$hz" 'BEGIN{printf "%.2f", 100*t/hz/s}') % of a core"
fi
