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

# "valid" or "invalid": the report's sign-off, checked by the CLI on device one.
cli_signoffs() {
  if "$CLI" --vault "$ONE" scr signoffs "$REVIEW" "$REPORT" >/dev/null 2>&1; then echo valid; else echo invalid; fi
}

# The app on device one, unlocked, on the review's Records tab. (The CLI
# cannot open the vault while the app has it, so checks come between runs.)
start_app() {
  "$APP" --vault "$ONE" --idle-lock 0 --clipboard-seconds "${CLIP:-0}" 2>>"$OUT/app.log" &
  app=$!
  trap 'kill $app 2>/dev/null || true' EXIT
  wait_title "Caseboard \(locked\)"
  sleep 1
  type_text "$PASS"; xdotool key Return
  wait_title "Caseboard"
  click_wait 40 138             # the review in the list
  click_wait 347 90             # the Records tab
}
quit_app() {
  xdotool key ctrl+q
  for _ in $(seq 100); do kill -0 $app 2>/dev/null || break; sleep 0.1; done
  kill -0 $app 2>/dev/null && fail "the app did not quit on Ctrl+Q"
  trap - EXIT
}
title_on_one() {
  "$CLI" --vault "$ONE" scr list "$REVIEW" agency_report --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["fields"]["title"])'
}

session() {
  # shellcheck source=gui_lib.sh
  source "$(dirname "$0")/gui_lib.sh"
  start_app
  shot 01-records
  click 60 189                  # the "Agency (1)" header
  shot 02-agency-marked
  click 47 266                  # its "Edit" button
  shot 03-form-with-value-set-aside
  click 77 464                  # "Use this value"
  shot 04-settled

  # Copy the name out of the app; locking empties the clipboard again.
  click 300 363                 # the Name field
  xdotool key ctrl+a; sleep 0.3; xdotool key ctrl+c
  for _ in $(seq 30); do
    [ "$(xclip -o -selection clipboard 2>/dev/null)" = "Northshire Constabulary" ] && break
    sleep 0.1
  done
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
  click 52 779                  # "Done": back to the list
  shot 07b-list
  xdotool key ctrl+l
  wait_title "Caseboard \(locked\)"
  sleep 0.3
  [ -z "$(xclip -o -selection clipboard 2>/dev/null)" ] || fail "the clipboard still holds the name after locking"
  shot 08-locked
  quit_app

  # Sign off the agency report in the app; the CLI checks the signature.
  start_app
  click 60 233                  # the "Agency report (1)" header
  shot 09-report
  click 114 "$SIGNOFF_Y"        # "Sign off..."
  shot 10-signoff-form
  click 200 "$SIGNER_Y"         # "Signed by"
  type_text "Dana Reed"
  click 133 "$SIGN_BUTTON_Y"    # "Sign with this device's key"
  shot 11-signed
  quit_app
  [ "$(cli_signoffs)" = valid ] || fail "the sign-off made in the app does not check out"

  # Changing the signed-off report asks first; cancelling changes nothing.
  start_app
  click 60 233                  # the "Agency report (1)" header
  click 46 "$EDIT_Y"            # "Edit"
  shot 12-edit-report
  click 640 "$TITLE_Y"          # its Title field
  xdotool key End
  type_text " (revised)"
  click 50 "$SAVE_Y"            # "Save": asks first
  shot 13-asked
  click "$CANCEL_X" "$CONFIRM_Y"   # "Cancel"
  quit_app
  [ "$(cli_signoffs)" = valid ] || fail "the report changed although the person cancelled"
  [ "$(title_on_one)" = "Police IMR" ] || fail "the title changed although the person cancelled"

  # Confirmed, the change is saved and the sign-off no longer holds. (This
  # run also empties the clipboard 3 s after a copy, without a lock.)
  CLIP=3 start_app
  click 60 233
  click 46 "$EDIT_Y"
  click 640 "$TITLE_Y"
  xdotool key End
  type_text " (revised)"
  click 50 "$SAVE_Y"
  click "$CONFIRM_X" "$CONFIRM_Y"  # "Save the change"
  shot 14-saved
  click 640 "$TITLE_Y"
  xdotool key ctrl+a; sleep 0.3; xdotool key ctrl+c
  for _ in $(seq 20); do
    [ "$(xclip -o -selection clipboard 2>/dev/null)" = "Police IMR (revised)" ] && break
    sleep 0.1
  done
  [ "$(xclip -o -selection clipboard)" = "Police IMR (revised)" ] || fail "Ctrl+C did not copy the title"
  xdotool mousemove 900 700     # and no more input
  sleep 4
  [ -z "$(xclip -o -selection clipboard 2>/dev/null)" ] || fail "the clipboard still holds the title after 3 s"
  quit_app
  [ "$(title_on_one)" = "Police IMR (revised)" ] || fail "the confirmed change was not saved"
  [ "$(cli_signoffs)" = invalid ] || fail "the sign-off still holds after the report changed"
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
REPORT=$(cli1 scr add "$REVIEW" agency_report "agency=$AGENCY" "title=Police IMR")
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

export REVIEW REPORT ADD_Y=${ADD_Y:-745} SIGNOFF_Y=${SIGNOFF_Y:-310} SIGNER_Y=${SIGNER_Y:-340} SIGN_BUTTON_Y=${SIGN_BUTTON_Y:-520} EDIT_Y=${EDIT_Y:-334} TITLE_Y=${TITLE_Y:-736} SAVE_Y=${SAVE_Y:-770} CANCEL_X=${CANCEL_X:-558} CONFIRM_X=${CONFIRM_X:-464} CONFIRM_Y=${CONFIRM_Y:-432}
xvfb-run -a -s "-screen 0 1280x800x24" bash "$0" --in-display "$APP" "$CLI" "$OUT"

[ "$(name_on "$ONE")" = "Northshire Constabulary" ] || fail "'Use this value' did not restore the value set aside (name is '$(name_on "$ONE")')"
cli1 changes export "$REVIEW" --out "$OUT/a1.changes" >/dev/null
cli2 changes import "$OUT/a1.changes" >/dev/null
[ "$(name_on "$TWO")" = "Northshire Constabulary" ] || fail "the chosen value did not reach the other device"
[ "$(cli1 review hash "$REVIEW")" = "$(cli2 review hash "$REVIEW")" ] || fail "the devices disagree after the exchange"
ACTIONS=$(cli2 scr list "$REVIEW" action --json)
echo "$ACTIONS" | grep -q "Health visits resume within 10 days" || fail "the action added in the Records tab is missing: $ACTIONS"
echo "gui_records_test: ok"
