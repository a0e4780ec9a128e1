#!/usr/bin/env bash
# The Files tab in a real window under Xvfb: a small text file is added to a
# signed-off agency report by typing its path, viewed in the app, and handed
# to "another program" (a stand-in xdg-open that records what it was given).
# Afterwards, through caseboard-cli: the file is in the vault byte for byte,
# the report's sign-off is no longer valid (its files changed), the file's
# text is nowhere in the vault's files, and no decrypted copy is left in
# the private temp folders. Screenshots are kept in OUT as test artefacts.
#
# A second file is dropped onto the window over XDND (XDND-DROP, built from
# xdnd_drop.cpp), as a file manager drops one.
#
# usage: gui_files_test.sh CASEBOARD CASEBOARD-CLI OUT XDND-DROP
set -euo pipefail
MODE=run
if [ "${1:-}" = --in-display ]; then MODE=session; shift; fi
APP=$1 CLI=$2 OUT=$3 DROP=$4
VAULT=$OUT/vault
PASS="kettle lantern orchard"
MARKER="MARKER-7f3a9c-agency-report-text"
DOC=$OUT/police-report.txt
LETTER="$OUT/letter to family.txt"

fail() { echo "gui_files_test: $*" >&2; exit 1; }

# Where the app puts copies for other programs (private_temp.cpp).
private_bases() {
  if [ -n "${XDG_RUNTIME_DIR:-}" ] && [ -d "$XDG_RUNTIME_DIR" ]; then echo "$XDG_RUNTIME_DIR"; fi
  [ -d /dev/shm ] && echo /dev/shm
  true
}
copies_of() {  # the private folders of app process $1
  for b in $(private_bases); do
    ls -d "$b"/caseboard-open-"$1"-* 2>/dev/null || true
  done
}

# Runs inside xvfb-run: the whole session against one display.
session() {
  # The stand-in for the desktop's default program: it notes the path, the
  # modes of the copy and its folder, and whether the copy holds the text.
  mkdir -p "$OUT/bin"
  cat > "$OUT/bin/xdg-open" <<EOF
#!/bin/sh
{ echo "\$1"; stat -c '%a' "\$1"; stat -c '%a' "\$(dirname "\$1")"; grep -c "$MARKER" "\$1"; } > "$OUT/xdg-open.log"
EOF
  chmod +x "$OUT/bin/xdg-open"
  PATH="$OUT/bin:$PATH" "$APP" --vault "$VAULT" --idle-lock 0 2>"$OUT/app.log" &
  local app=$!
  trap 'kill $app 2>/dev/null || true' EXIT
  # shellcheck source=gui_lib.sh
  source "$(dirname "$0")/gui_lib.sh"

  wait_title "Caseboard \(locked\)"
  sleep 1
  type_text "$PASS"; xdotool key Return
  wait_title "Caseboard"
  click_wait 40 138             # the review in the list
  click_wait 405 90             # the Files tab
  shot 01-files-empty

  click 400 147; type_text "$DOC"
  click 280 181                 # "Part of": the record combo
  shot 02a-combo
  click 280 228                 # the agency report
  shot 02-path-typed
  click 1150 147                # "Add file"
  sleep 0.5
  shot 03-file-added

  click 1033 302                # "View here"
  shot 04-viewed-here

  click 1165 302                # "Open in another program"
  for _ in $(seq 50); do [ -s "$OUT/xdg-open.log" ] && break; sleep 0.1; done
  [ -s "$OUT/xdg-open.log" ] || fail "xdg-open was not started"
  shot 05-open-elsewhere
  local copy
  copy=$(head -1 "$OUT/xdg-open.log")
  [ -f "$copy" ] || fail "the copy handed to xdg-open is gone before Done"
  case "$copy" in
    /dev/shm/caseboard-open-*|"${XDG_RUNTIME_DIR:-/nonexistent}"/caseboard-open-*) ;;
    *) fail "the copy is not in a private memory folder: $copy" ;;
  esac
  [ "$(sed -n 2p "$OUT/xdg-open.log")" = 600 ] || fail "the copy is not mode 0600"
  [ "$(sed -n 3p "$OUT/xdg-open.log")" = 700 ] || fail "the copy's folder is not mode 0700"
  [ "$(sed -n 4p "$OUT/xdg-open.log")" = 1 ] || fail "the copy does not hold the file's text"

  click 31 290                  # "Done": the copy is wiped
  [ ! -e "$copy" ] && [ ! -e "$(dirname "$copy")" ] || fail "Done left the copy behind: $copy"
  shot 06-done

  # A large file is read on a worker: the window shows its progress, and
  # Cancel stops it with nothing of it kept (checked after the session).
  truncate -s 1G "$OUT/recording.wav"
  click 400 147; xdotool key ctrl+a; type_text "$OUT/recording.wav"
  click 1150 147                # "Add file"
  shot 05b-large-file-progress
  click 35 159                  # "Cancel"
  for _ in $(seq 300); do grep -q "caseboard: file not added: adding it was cancelled" "$OUT/app.log" && break; sleep 0.1; done
  shot 05c-large-file-cancelled
  grep -q "caseboard: file not added: adding it was cancelled" "$OUT/app.log" ||
    fail "cancelling the large file did not say so: $(cat "$OUT/app.log")"

  # A file dropped onto the window goes in as a typed one does (its name
  # has a space, which the drop's URI escapes).
  local window
  window=$(xdotool search --name "^Caseboard\$" | head -1)
  "$DROP" "$window" 640 600 "$LETTER" || fail "the drop did not go through"
  for _ in $(seq 300); do [ "$(grep -c "caseboard: file added" "$OUT/app.log")" -ge 2 ] && break; sleep 0.1; done
  [ "$(grep -c "caseboard: file added" "$OUT/app.log")" -ge 2 ] || fail "the dropped file was not added: $(cat "$OUT/app.log")"
  shot 05d-file-dropped

  # Open it elsewhere again and quit without Done: quitting wipes it.
  click 1165 302
  sleep 0.5
  [ -n "$(copies_of $app)" ] || fail "the second copy was not made"
  xdotool key ctrl+q
  for _ in $(seq 100); do kill -0 $app 2>/dev/null || break; sleep 0.1; done
  kill -0 $app 2>/dev/null && fail "the app did not quit on Ctrl+Q"
  [ -z "$(copies_of $app)" ] || fail "quitting left a decrypted copy: $(copies_of $app)"
  trap - EXIT
}
if [ "$MODE" = session ]; then
  session
  exit 0
fi
rm -rf "$OUT" && mkdir -p "$OUT"
export CASEBOARD_PASSPHRASE=$PASS

# A vault with one case review and a signed-off agency report, made with the CLI.
printf 'Northshire Police agency report\n%s\nSeen at home on 2 May; no one answered.\n' "$MARKER" > "$DOC"
"$CLI" --vault "$VAULT" init --scrypt-n 16384 >/dev/null
REVIEW=$("$CLI" --vault "$VAULT" scr start --title "SCR Child R")
AGENCY=$("$CLI" --vault "$VAULT" scr add "$REVIEW" agency "name=Northshire Police")
REPORT=$("$CLI" --vault "$VAULT" scr add "$REVIEW" agency_report "agency=$AGENCY" "title=Police IMR")
"$CLI" --vault "$VAULT" scr signoff "$REVIEW" "$REPORT" --signer "Dana Reed" --role "senior manager" >/dev/null
"$CLI" --vault "$VAULT" scr signoffs "$REVIEW" "$REPORT" >/dev/null || fail "the sign-off is not valid to begin with"

# xvfb-run is a POSIX shell script, so the session runs as this script again.
printf 'Letter to the family\n%s-letter\n' "$MARKER" > "$LETTER"
xvfb-run -a -s "-screen 0 1280x800x24" bash "$0" --in-display "$APP" "$CLI" "$OUT" "$DROP"

# The files are in the vault, byte for byte, and part of the report: the
# typed one and the dropped one, and nothing of the cancelled one.
"$CLI" --vault "$VAULT" review show "$REVIEW" --json > "$OUT/review.json"
attachment() {  # the id of the one attachment named $1
  python3 -c '
import json, sys
entities = json.load(open(sys.argv[1]))["entities"]
files = [i for i, e in entities.items() if e.get("type") == "attachment"]
named = [i for i in files if entities[i].get("fields", entities[i]).get("name") == sys.argv[2]]
print(named[0] if len(files) == 2 and len(named) == 1 else "")
' "$OUT/review.json" "$1"
}
ATTACHMENT=$(attachment police-report.txt)
DROPPED=$(attachment "letter to family.txt")
[ -n "$ATTACHMENT" ] && [ -n "$DROPPED" ] ||
  fail "expected the typed and the dropped file as the review's two attachments: $(cat "$OUT/review.json")"
"$CLI" --vault "$VAULT" extract "$REVIEW" "$ATTACHMENT" --out "$OUT/extracted.txt"
cmp -s "$DOC" "$OUT/extracted.txt" || fail "the attachment differs from the file added"
"$CLI" --vault "$VAULT" extract "$REVIEW" "$DROPPED" --out "$OUT/extracted.txt"
cmp -s "$LETTER" "$OUT/extracted.txt" || fail "the dropped attachment differs from the file dropped"
"$CLI" --vault "$VAULT" entity get "$REVIEW" "$REPORT" --json > "$OUT/report.json"
grep -q "$ATTACHMENT" "$OUT/report.json" || fail "the file was not added to the agency report"
# The report's files changed after it was signed off: its sign-off no longer holds.
if "$CLI" --vault "$VAULT" scr signoffs "$REVIEW" "$REPORT" > "$OUT/signoffs.txt"; then
  fail "the sign-off still shows as valid after the report's files changed"
fi
grep -q INVALID "$OUT/signoffs.txt" || fail "the sign-off check did not say INVALID"
rm -f "$OUT/extracted.txt"

# Nothing decrypted on disk: the text is in no file of the vault, and no
# private copy is left.
if grep -r -l -a "$MARKER" "$VAULT"; then fail "the file's text is readable in the vault folder"; fi
shopt -s nullglob
for b in $(private_bases); do
  for d in "$b"/caseboard-open-*; do  # another app still running may own one
    pid=${d#"$b"/caseboard-open-}; pid=${pid%%-*}
    kill -0 "$pid" 2>/dev/null || fail "a private copy was left behind: $d"
  done
done
[ ! -e imgui.ini ] && [ ! -e "$VAULT/imgui.ini" ] || fail "an imgui.ini was written"
# The cancel stopped the 1 GB file part-way (the space its pieces took stays
# with SQLite as free pages until reused; the review has no trace of it: one
# attachment, above), and the vault still opens whole.
[ "$(du -sm "$VAULT" | cut -f1)" -lt 600 ] || fail "the cancelled file went in whole: $(du -sh "$VAULT")"
"$CLI" --vault "$VAULT" verify >/dev/null || fail "the vault does not verify after the cancel"
echo "gui_files_test: passed; screenshots in $OUT"
