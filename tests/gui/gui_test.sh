#!/usr/bin/env bash
# The desktop app in a real window under Xvfb, driven with real input
# (xdotool), its outcomes checked through the vault with caseboard-cli once
# the app has quit. Screenshots are kept in OUT as test artefacts.
#
# usage: gui_test.sh CASEBOARD CASEBOARD-CLI OUT
set -euo pipefail
MODE=run
if [ "${1:-}" = --in-display ]; then MODE=session; shift; fi
APP=$1 CLI=$2 OUT=$3
VAULT=$OUT/vault
PASS="kettle lantern orchard"

fail() { echo "gui_test: $*" >&2; exit 1; }

# Runs inside xvfb-run: the whole session against one display.
session() {
  "$APP" --vault "$VAULT" --idle-lock 4 2>"$OUT/app.log" &
  local app=$!
  trap 'kill $app 2>/dev/null || true' EXIT
  # shellcheck source=gui_lib.sh
  source "$(dirname "$0")/gui_lib.sh"

  wait_title "Caseboard \(locked\)"
  sleep 1
  shot 01-create-vault
  # First run: the passphrase field has the focus; Tab to the repeat field.
  type_text "$PASS"; xdotool key Tab; type_text "$PASS"; xdotool key Return
  wait_title "Caseboard"
  shot 02-empty-review-list

  click 100 73                  # "Start a new review"
  click 180 107; type_text "SCR Child Q"
  click 750 107                 # "Start review": opens the review
  sleep 0.5
  shot 03-review-started

  click_wait 215 90             # the Chronology tab
  click 100 124                 # "Add an entry"
  click 67 158; type_text "2024-05-02"
  click 172 158; type_text "21:40"
  click 327 158; type_text "Northshire Police"
  click 640 192; type_text "Call-out to the home; no one answered"
  click 354 226                 # "Add entry"
  shot 04-chronology-entry
  click_wait 658 260            # "Timeline": the same entries drawn
  shot 04b-timeline
  click_wait 765 367            # the entry's mark: back to the table, the entry chosen
  shot 04c-entry-chosen-from-timeline
  pixel() { convert "$OUT/$1.png" -format "%[pixel:p{$2,$3}]" info:; }
  [ "$(pixel 04c-entry-chosen-from-timeline 900 318)" != "$(pixel 04-chronology-entry 900 318)" ] ||
    fail "the entry clicked in the timeline is not shown chosen in the table"
  [ "$(pixel 04c-entry-chosen-from-timeline 900 350)" = "$(pixel 04-chronology-entry 900 350)" ] ||
    fail "the table is not where it was (the check above would mean nothing)"

  click_wait 286 90             # the Texts tab
  click 147 132; type_text "Home visit"
  click 147 166                 # "Add a note": opens its body in the editor
  click 780 300; type_text "Met the mother and the health visitor. "
  type_text "Baby slept in a cot."
  click 147 600                 # leaving the field signs the typing
  shot 05-long-text

  # Leave it alone: the vault locks itself after 4 s without input.
  xdotool mousemove 1200 700
  wait_title "Caseboard \(locked\)"
  shot 06-locked-on-idle

  # A wrong passphrase is refused calmly and the vault stays locked.
  type_text "not the passphrase"; xdotool key Return
  sleep 2
  xdotool search --name "^Caseboard \(locked\)\$" >/dev/null || fail "a wrong passphrase unlocked the vault"
  shot 07-wrong-passphrase
  type_text "$PASS"; xdotool key Return
  wait_title "Caseboard"
  xdotool key ctrl+p            # privacy mode, for the screenshot
  shot 08-unlocked-again-privacy
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
# xvfb-run is a POSIX shell script, so the session runs as this script again.
xvfb-run -a -s "-screen 0 1280x800x24" bash "$0" --in-display "$APP" "$CLI" "$OUT"

# What the person did is in the vault.
export CASEBOARD_PASSPHRASE=$PASS
"$CLI" --vault "$VAULT" review list --json > "$OUT/reviews.json"
grep -q '"SCR Child Q"' "$OUT/reviews.json" || fail "the review started in the app is not in the vault"
REVIEW=$(grep -o '"id": "[0-9a-f]*"' "$OUT/reviews.json" | head -1 | cut -d'"' -f4)
"$CLI" --vault "$VAULT" scr chronology "$REVIEW" --json > "$OUT/chronology.json"
grep -q 'Call-out to the home; no one answered' "$OUT/chronology.json" || fail "the chronology entry is missing"
grep -q '"time": "21:40"' "$OUT/chronology.json" || fail "the entry's time is missing"
grep -q '"agency": "Northshire Police"' "$OUT/chronology.json" || fail "the entry's agency is missing"
"$CLI" --vault "$VAULT" review show "$REVIEW" --json > "$OUT/review.json"
grep -q 'Met the mother and the health visitor. Baby slept in a cot.' "$OUT/review.json" ||
  fail "the text typed into the note is missing"
# Nothing decrypted on disk: no imgui.ini anywhere near the app.
[ ! -e imgui.ini ] && [ ! -e "$VAULT/imgui.ini" ] || fail "an imgui.ini was written"
echo "gui_test: passed; screenshots in $OUT"
