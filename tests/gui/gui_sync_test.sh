#!/usr/bin/env bash
# The sync panel end to end: a real caseboard-server on loopback, a vault
# made with caseboard-cli holding one review, and the app under Xvfb joining
# the board with an invite typed into the panel, then syncing. Afterwards
# the board, the vault's sync status and a second device that joins and
# syncs show that the review really reached the board. Last, the board
# revokes the second device; the app, opened on it, syncs and carries out
# the board's order to wipe its vault. Screenshots are kept in OUT as test
# artefacts.
#
# usage: gui_sync_test.sh CASEBOARD CASEBOARD-CLI CASEBOARD-SERVER OUT
set -euo pipefail
MODE=run
if [ "${1:-}" = --in-display ]; then MODE=session; shift; fi
if [ "${1:-}" = --in-display-revoked ]; then MODE=revoked; shift; fi
APP=$1 CLI=$2 SERVER=$3 OUT=$4
VAULT=$OUT/vault
PASS="heron quarry lantern"

fail() { echo "gui_sync_test: $*" >&2; exit 1; }

# Runs inside xvfb-run: the app's whole session against one display.
session() {
  "$APP" --vault "$VAULT" --idle-lock 0 2>"$OUT/app.log" &
  local app=$!
  trap 'kill $app 2>/dev/null || true' EXIT
  # shellcheck source=gui_lib.sh
  source "$(dirname "$0")/gui_lib.sh"
  TYPE_DELAY_MS=8
  wait_log() {  # waits up to 30 s for the app to log that the $1 went through (or $2)
    for _ in $(seq 300); do
      grep -q "caseboard: $1 ${2:-went through}" "$OUT/app.log" && return 0
      if grep -q "caseboard: $1 did not go through" "$OUT/app.log"; then
        import -window root "$OUT/failed.png" || true
        fail "the $1 failed: $(cat "$OUT/app.log")"
      fi
      sleep 0.1
    done
    import -window root "$OUT/failed.png" || true
    fail "the $1 did not finish within 30 s"
  }

  wait_title "Caseboard \(locked\)"
  sleep 1
  type_text "$PASS"; xdotool key Return
  wait_title "Caseboard"
  shot 01-review-list-offline

  # The panel opens with the invite box focused: typing goes straight in.
  xdotool key ctrl+shift+s
  shot 02-sync-panel-not-joined
  type_text "$(cat "$OUT/invite1.txt")"
  xdotool key Tab                # to the device name, its text selected
  type_text "GUI test laptop"
  shot 03-invite-typed
  xdotool key Return             # Enter in the device name joins
  wait_log join
  wait_title "Caseboard"
  shot 04-joined

  # A board that does not answer (paused): the panel shows the sync under
  # way, and Cancel stops it calmly.
  local server
  server=$(cat "$OUT/server.pid")
  kill -STOP "$server"
  click 43 294                   # "Sync now"
  wait_title "Caseboard \(syncing\)"
  shot 05-syncing-board-silent
  click 37 124                   # "Cancel"
  wait_log sync cancelled
  kill -CONT "$server"
  wait_title "Caseboard"
  shot 06-cancelled

  # The board answers again: the sync goes through (from the menu this time).
  click 78 14                    # the Sync menu
  shot 07-sync-menu
  click 100 72                   # "Sync now"
  wait_log sync
  wait_title "Caseboard"
  shot 08-synced
  xdotool key ctrl+shift+s       # closes the panel: the list says the review is up to date
  shot 08b-review-list-synced

  xdotool key ctrl+q
  for _ in $(seq 100); do kill -0 $app 2>/dev/null || break; sleep 0.1; done
  kill -0 $app 2>/dev/null && fail "the app did not quit on Ctrl+Q"
  trap - EXIT
}
# The second device, revoked on the board: its next sync wipes its vault.
revoked_session() {
  "$APP" --vault "$OUT/vault2" --idle-lock 0 2>"$OUT/app2.log" &
  local app=$!
  trap 'kill $app 2>/dev/null || true' EXIT
  # shellcheck source=gui_lib.sh
  source "$(dirname "$0")/gui_lib.sh"
  wait_title "Caseboard \(locked\)"
  sleep 1
  type_text "$PASS"; xdotool key Return
  wait_title "Caseboard"
  click 78 14                    # the Sync menu
  click 100 72                   # "Sync now"
  for _ in $(seq 300); do
    grep -q "caseboard: revoked by the board" "$OUT/app2.log" && break
    sleep 0.1
  done
  grep -q "caseboard: revoked by the board; vault wiped" "$OUT/app2.log" ||
    fail "the revoked device did not wipe its vault: $(cat "$OUT/app2.log")"
  shot 09-revoked-and-wiped
  xdotool key ctrl+q
  for _ in $(seq 100); do kill -0 $app 2>/dev/null || break; sleep 0.1; done
  trap - EXIT
}
if [ "$MODE" = session ]; then
  session
  exit 0
fi
if [ "$MODE" = revoked ]; then
  revoked_session
  exit 0
fi

rm -rf "$OUT" && mkdir -p "$OUT"
export CASEBOARD_PASSPHRASE=$PASS  # caseboard-cli's; the app is typed to

# shellcheck source=gui_lib.sh
source "$(dirname "$0")/gui_lib.sh"
start_board "$SERVER"  # BOARD, PORT, SERVER_PID; the invites in $OUT

# The person's vault, with a review made before the device ever joined.
"$CLI" --vault "$VAULT" init >/dev/null
REVIEW=$("$CLI" --vault "$VAULT" scr start --title "SCR Child S" --opened 2026-01-05)
"$CLI" --vault "$VAULT" scr add "$REVIEW" chronology_entry date=2025-11-03 agency="Northshire Police" \
  event="Call-out to the home" >/dev/null

xvfb-run -a -s "-screen 0 1280x800x24" bash "$0" --in-display "$APP" "$CLI" "$SERVER" "$OUT"

# The board holds the review, from the app's sync alone.
"$SERVER" status --data "$BOARD" >"$OUT/board-status.txt"
grep -q "$REVIEW" "$OUT/board-status.txt" || fail "the board does not hold the review: $(cat "$OUT/board-status.txt")"
# The vault knows it synced: a last sync, nothing left to send, no error.
"$CLI" --vault "$VAULT" status --json >"$OUT/status.json"
python3 - "$OUT/status.json" "$REVIEW" <<'EOF' || fail "the vault's sync status is wrong: $(cat "$OUT/status.json")"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["name"] == "GUI test laptop", s["name"]
assert s["last_sync"], "no last sync"
assert s["last_error"] == "", s["last_error"]
r = [r for r in s["reviews"] if r["id"] == sys.argv[2]]
assert r and r[0]["pending"] == 0, r
EOF

# A second device joins; the owner (through the CLI) shares the review with
# it; it syncs and has the same review, byte for byte.
VAULT2=$OUT/vault2
"$CLI" --vault "$VAULT2" init >/dev/null
"$CLI" --vault "$VAULT2" join - --name "second device" <"$OUT/invite2.txt" >/dev/null
IDENTITY=$("$CLI" --vault "$VAULT2" whoami | awk '$1 == "identity" {print $2}')
"$CLI" --vault "$VAULT" member add "$REVIEW" "$IDENTITY" --role reader >/dev/null
"$CLI" --vault "$VAULT" sync >/dev/null
"$CLI" --vault "$VAULT2" sync >/dev/null
[ "$("$CLI" --vault "$VAULT" review hash "$REVIEW")" = "$("$CLI" --vault "$VAULT2" review hash "$REVIEW")" ] ||
  fail "the second device's copy of the review differs"
"$CLI" --vault "$VAULT2" scr chronology "$REVIEW" --json | grep -q "Call-out to the home" ||
  fail "the second device does not see the chronology entry"

DEVICE2=$("$CLI" --vault "$VAULT2" whoami | awk '$1 == "device" {print $2}')
"$SERVER" revoke --data "$BOARD" "$DEVICE2" >/dev/null
xvfb-run -a -s "-screen 0 1280x800x24" bash "$0" --in-display-revoked "$APP" "$CLI" "$SERVER" "$OUT"
[ ! -e "$VAULT2" ] || fail "the revoked device's vault is still there"

kill $SERVER_PID 2>/dev/null || true
wait $SERVER_PID 2>/dev/null || true
trap - EXIT
echo "gui_sync_test: passed; screenshots in $OUT"
