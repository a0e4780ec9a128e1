#!/usr/bin/env bash
# The Records tab in a real window under Xvfb. Two devices, each offline,
# write the same agency's name at the same time; last writer wins, and the
# other value is set aside. The app marks the record, its form shows the
# value set aside with who wrote it, and "Use this value" puts it back.
# A record of a kind no stage has asked for yet is added from the same tab.
# Checked afterwards through caseboard-cli on both devices: the chosen name
# stands, the added record exists, and the two devices agree once the
# change travels. Screenshots are kept in OUT as test artefacts.
#
# usage: gui_records_test.sh CASEBOARD CASEBOARD-CLI OUT
set -euo pipefail
MODE=run
if [ "${1:-}" = --in-display ]; then MODE=session; shift; fi
APP=$1 CLI=$2 OUT=$3
ONE=$OUT/one TWO=$OUT/two
PASS="kettle lantern orchard"

fail() { echo "gui_records_test: $*" >&2; exit 1; }

session() {
  "$APP" --vault "$ONE" --idle-lock 0 2>"$OUT/app.log" &
  local app=$!
  trap 'kill $app 2>/dev/null || true' EXIT
  # shellcheck source=gui_lib.sh
  source "$(dirname "$0")/gui_lib.sh"

  wait_title "Caseboard \(locked\)"
  sleep 1
  type_text "$PASS"; xdotool key Return
  wait_title "Caseboard"
  click 40 138                  # the review in the list
  sleep 0.5
  click 347 90                  # the Records tab
  shot 01-records
  click 60 189                  # the "Agency (1)" header
  shot 02-agency-marked
  click 47 266                  # its "Edit" button
  shot 03-form-with-value-set-aside
  click 77 464                  # "Use this value"
  shot 04-settled

  # Copy the name out of the app; locking empties the clipboard again.
  click 300 363                 # the Name field
  xdotool key ctrl+a ctrl+c
  sleep 0.3
  [ "$(xclip -o -selection clipboard)" = "Northshire Constabulary" ] || fail "Ctrl+C did not copy the name"
  click 640 90                  # out of the field
  # A record of any kind, whatever the stage: the first kind, Action.
  click 220 124                 # the "Add a record" combo
  shot 05-add-combo
  click 220 152                 # "Action"
  click 387 124                 # "New"
  shot 06-new-action
  click 300 569                 # the Objective field
  type_text "Health visits resume within 10 days"
  click 640 153                 # out of the field (on the form's heading)
  xdotool mousemove 640 400
  for _ in $(seq 15); do xdotool click 5; sleep 0.05; done  # to the end of the form
  shot 06b-scrolled
  click 50 "$ADD_Y"             # "Add"
  shot 07-action-added
  xdotool key ctrl+l
  wait_title "Caseboard \(locked\)"
  sleep 0.3
  [ -z "$(xclip -o -selection clipboard 2>/dev/null)" ] || fail "the clipboard still holds the name after locking"
  shot 08-locked
  xdotool key ctrl+q
  for _ in $(seq 100); do kill -0 $app 2>/dev/null || break; sleep 0.1; done
  trap - EXIT
}
if [ "$MODE" = session ]; then
  session
  exit 0
fi
rm -rf "$OUT" && mkdir -p "$OUT"
export CASEBOARD_PASSPHRASE=$PASS
cli1() { "$CLI" --vault "$ONE" "$@"; }
cli2() { "$CLI" --vault "$TWO" "$@"; }

cli1 init --scrypt-n 16384 >/dev/null
cli2 init --scrypt-n 16384 >/dev/null
REVIEW=$(cli1 scr start --title "SCR Child R")
cli2_id=$(cli2 whoami | grep -o 'cbdev1:[^ ]*' | head -1)
cli1 member add "$REVIEW" "$cli2_id" --role editor --compartments general >/dev/null
AGENCY=$(cli1 scr add "$REVIEW" agency "name=Northshire Police")
cli1 changes export "$REVIEW" --out "$OUT/a0.changes" >/dev/null
cli2 changes import "$OUT/a0.changes" >/dev/null
# Offline on both, the same field: device one first, device two later (it wins).
cli1 scr update "$REVIEW" "$AGENCY" "name=Northshire Constabulary" >/dev/null
sleep 0.05
cli2 scr update "$REVIEW" "$AGENCY" "name=Northshire Police Service" >/dev/null
cli2 changes export "$REVIEW" --out "$OUT/b1.changes" >/dev/null
cli1 changes import "$OUT/b1.changes" >/dev/null
name_on() { "$CLI" --vault "$1" scr list "$REVIEW" agency --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["fields"]["name"])'; }
[ "$(name_on "$ONE")" = "Northshire Police Service" ] || fail "setup: the later write did not win"

export ADD_Y=${ADD_Y:-649}
xvfb-run -a -s "-screen 0 1280x800x24" bash "$0" --in-display "$APP" "$CLI" "$OUT"

[ "$(name_on "$ONE")" = "Northshire Constabulary" ] || fail "'Use this value' did not restore the value set aside (name is '$(name_on "$ONE")')"
cli1 changes export "$REVIEW" --out "$OUT/a1.changes" >/dev/null
cli2 changes import "$OUT/a1.changes" >/dev/null
[ "$(name_on "$TWO")" = "Northshire Constabulary" ] || fail "the chosen value did not reach the other device"
[ "$(cli1 review hash "$REVIEW")" = "$(cli2 review hash "$REVIEW")" ] || fail "the devices disagree after the exchange"
ACTIONS=$(cli2 scr list "$REVIEW" action --json)
echo "$ACTIONS" | grep -q "Health visits resume within 10 days" || fail "the action added in the Records tab is missing: $ACTIONS"
echo "gui_records_test: ok"
