#!/usr/bin/env bash
# Remote edits arriving while the person types. A real caseboard-server on
# loopback; two devices joined to it through caseboard-cli, both editors of
# one review with a note. The app, on the first device, opens the note and
# types at its end; midway it syncs (Ctrl+Shift+Y, so the editor keeps the
# keyboard) while the second device has written at the start of the same
# note and the person goes on typing through the sync and after it.
# Afterwards both devices hold the same text: the second device's words at
# the start, then every typed character, in order and together at the end.
# A keystroke lost, or one that landed where the cursor used to be counted
# from rather than after the character it followed, would show there.
# Screenshots are kept in OUT as test artefacts.
#
# usage: gui_typing_sync_test.sh CASEBOARD CASEBOARD-CLI CASEBOARD-SERVER OUT
set -euo pipefail
MODE=run
if [ "${1:-}" = --in-display ]; then MODE=session; shift; fi
APP=$1 CLI=$2 SERVER=$3 OUT=$4
VAULT=$OUT/vault VAULT2=$OUT/vault2
PASS="willow ember cartwheel"
ORIGINAL="Notes from the visit."
REMOTE="Second device: read before the panel. "
PART1=" The mother spoke first"
PART2=" and the health visitor agreed with her account"
PART3=" of the week before."

fail() { echo "gui_typing_sync_test: $*" >&2; exit 1; }

# Runs inside xvfb-run: the app's session against one display.
session() {
  "$APP" --vault "$VAULT" --idle-lock 0 2>"$OUT/app.log" &
  local app=$!
  trap 'kill $app 2>/dev/null || true' EXIT
  # shellcheck source=gui_lib.sh
  source "$(dirname "$0")/gui_lib.sh"
  syncs() { grep -c "caseboard: sync went through" "$OUT/app.log" || true; }
  wait_syncs() {  # waits up to 30 s for $1 syncs to have gone through
    for _ in $(seq 300); do
      [ "$(syncs)" -ge "$1" ] && return 0
      grep -q "caseboard: sync did not go through\|caseboard: sync cancelled" "$OUT/app.log" &&
        fail "a sync failed: $(cat "$OUT/app.log")"
      sleep 0.1
    done
    import -window root "$OUT/failed.png" || true
    gdb -p $app -batch -ex "thread apply all bt" > "$OUT/stacks.txt" 2>&1 || true
    fail "sync $1 did not finish within 30 s: $(cat "$OUT/app.log")"
  }

  wait_title "Caseboard \(locked\)"
  sleep 1
  type_text "$PASS"; xdotool key Return
  wait_title "Caseboard"
  click_wait 40 138             # the review in the list
  click_wait 286 90             # the Texts tab
  click_wait 147 196            # the note, first in the list
  shot 01-note-open
  click 780 600                 # below the text: the cursor goes to its end
  type_text "$PART1"
  shot 02-typed-before-sync

  # Sync from the keyboard: the editor keeps the focus, and typing goes on
  # while the sync brings in the second device's words.
  xdotool key ctrl+shift+y
  TYPE_DELAY_MS=40 type_text "$PART2"
  wait_syncs 1
  shot 03-merged-while-typing
  type_text "$PART3"
  shot 04-typed-after-sync
  xdotool key ctrl+shift+y      # sends what was typed
  wait_syncs 2
  shot 05-synced-again

  xdotool key ctrl+q
  for _ in $(seq 100); do kill -0 $app 2>/dev/null || break; sleep 0.1; done
  kill -0 $app 2>/dev/null && fail "the app did not quit on Ctrl+Q"
  trap - EXIT
}
if [ "$MODE" = session ]; then
  session
  exit 0
fi

rm -rf "$OUT" && mkdir -p "$OUT"
export CASEBOARD_PASSPHRASE=$PASS  # caseboard-cli's; the app is typed to

# shellcheck source=gui_lib.sh
source "$(dirname "$0")/gui_lib.sh"
start_board "$SERVER"  # BOARD, PORT, SERVER_PID; the invites in $OUT

# Two devices on the board, both editors of one review with one note.
"$CLI" --vault "$VAULT" init >/dev/null
"$CLI" --vault "$VAULT" join - --name "field laptop" <"$OUT/invite1.txt" >/dev/null
"$CLI" --vault "$VAULT2" init >/dev/null
"$CLI" --vault "$VAULT2" join - --name "second device" <"$OUT/invite2.txt" >/dev/null
REVIEW=$("$CLI" --vault "$VAULT" scr start --title "SCR Child T" --opened 2026-01-05)
NOTE=$("$CLI" --vault "$VAULT" entity add "$REVIEW" note title="Home visit")
"$CLI" --vault "$VAULT" text insert "$REVIEW" "$NOTE" body 0 "$ORIGINAL" >/dev/null
IDENTITY=$("$CLI" --vault "$VAULT2" whoami | awk '$1 == "identity" {print $2}')
"$CLI" --vault "$VAULT" member add "$REVIEW" "$IDENTITY" --role editor >/dev/null
"$CLI" --vault "$VAULT" sync >/dev/null
"$CLI" --vault "$VAULT2" sync >/dev/null
# The second device writes at the start of the note and sends it: the app
# receives it in the sync it starts while the person is typing.
"$CLI" --vault "$VAULT2" text insert "$REVIEW" "$NOTE" body 0 "$REMOTE" >/dev/null
"$CLI" --vault "$VAULT2" sync >/dev/null

xvfb-run -a -s "-screen 0 1280x800x24" bash "$0" --in-display "$APP" "$CLI" "$SERVER" "$OUT"

"$CLI" --vault "$VAULT2" sync >/dev/null
EXPECTED="$REMOTE$ORIGINAL$PART1$PART2$PART3"
GOT=$("$CLI" --vault "$VAULT" text get "$REVIEW" "$NOTE" body)
[ "$GOT" = "$EXPECTED" ] || fail "the app's text is wrong:
  expected: $EXPECTED
  got:      $GOT"
GOT2=$("$CLI" --vault "$VAULT2" text get "$REVIEW" "$NOTE" body)
[ "$GOT2" = "$EXPECTED" ] || fail "the second device's text is wrong: $GOT2"
[ "$("$CLI" --vault "$VAULT" review hash "$REVIEW")" = "$("$CLI" --vault "$VAULT2" review hash "$REVIEW")" ] ||
  fail "the two devices' copies of the review differ"

kill $SERVER_PID 2>/dev/null || true
wait $SERVER_PID 2>/dev/null || true
trap - EXIT
echo "gui_typing_sync_test: passed; screenshots in $OUT"
