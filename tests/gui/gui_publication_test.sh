#!/usr/bin/env bash
# The Publication tab in a real window under Xvfb. A report section names
# the child; the export is refused while the check finds it; "Replace with"
# puts the pseudonym in; the pack is then exported as PDF and as DOCX to a
# path typed into the tab. Checked afterwards with pdftotext and unzip: the
# files hold the report with the pseudonym, not the name, and are not drafts.
# The Data protection tab exports a subject access bundle for the child; the
# restricted conversation in it is logged, and the log shows the entry. The
# interviews, due under the retention schedule, are destroyed there (the
# dialog cancelled once, then confirmed): a second bundle no longer holds
# the conversation.
# Then the vault is wiped from the Vault menu: cancelled once (nothing
# happens), then confirmed (the vault folder is gone).
# Screenshots are kept in OUT as test artefacts.
#
# usage: gui_publication_test.sh CASEBOARD CASEBOARD-CLI OUT
set -euo pipefail
MODE=run
if [ "${1:-}" = --in-display ]; then MODE=session; shift; fi
APP=$1 CLI=$2 OUT=$3
VAULT=$OUT/vault
PASS="kettle lantern orchard"

fail() { echo "gui_publication_test: $*" >&2; exit 1; }

session() {
  # shellcheck source=gui_lib.sh
  source "$(dirname "$0")/gui_lib.sh"
  "$APP" --vault "$VAULT" --idle-lock 0 2>>"$OUT/app.log" &
  app=$!
  trap 'kill $app 2>/dev/null || true' EXIT
  wait_title "Caseboard \(locked\)"
  sleep 1
  type_text "$PASS"; xdotool key Return
  wait_title "Caseboard"
  click_wait 40 138             # the review in the list
  click_wait 495 90             # the Publication tab
  shot 01-publication
  click 1216 545                # "Export": refused, the check finds the name
  shot 02-refused
  [ ! -e "$OUT/pack.pdf" ] || fail "exported although the check found the child's name"
  click_wait 100 239            # "Replace with "Child K""
  shot 03-replaced
  click 560 325                 # the path field
  xdotool key ctrl+a
  type_text "$OUT/pack.pdf"
  click 1216 325                # "Export"
  shot 04-exported
  click 162 292                 # "Word (DOCX)": the path's extension follows
  click 1216 325                # "Export"
  shot 05-docx
  click_wait 580 90             # the Data protection tab
  shot 06-data-protection
  click 160 335                 # the person combo
  click 160 362                 # its first person: the child
  click 720 335                 # the bundle's path
  xdotool key ctrl+a
  type_text "$OUT/sar.html"
  click 1190 335                # "Export bundle"
  shot 07-bundle-exported
  [ -f "$OUT/sar.html" ] || fail "no subject access bundle was exported"
  click 1200 221        # "Destroy..." on the interviews row
  shot 08-destroy-asked
  click 541 455             # "Cancel"
  click 1200 221
  click_wait 445 455      # "Destroy for good"
  shot 09-destroyed
  click 720 383                   # the bundle's path, two lines lower now
  xdotool key ctrl+a
  type_text "$OUT/sar2.html"
  click 1190 383                  # "Export bundle"
  [ -f "$OUT/sar2.html" ] || fail "no second subject access bundle was exported"
  click 30 14                   # the Vault menu
  click 120 60                  # "Wipe this vault from this device..."
  shot 10-wipe-asked
  click 560 445                 # "Cancel"
  [ -f "$VAULT/vault.db" ] || fail "cancelling the wipe wiped the vault"
  click 30 14
  click 120 60
  click_wait 445 445            # "Wipe the vault for good"
  shot 11-wiped
  [ ! -e "$VAULT" ] || fail "the vault is still there after the confirmed wipe"
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
cli() { "$CLI" --vault "$VAULT" "$@"; }
cli init --scrypt-n 16384 >/dev/null
REVIEW=$(cli scr start --title "Child K")
CHILD=$(cli scr add "$REVIEW" person group=child "name=Kayleigh Morton" "pseudonym=Child K")
cli scr add "$REVIEW" person group=practitioner "name=Sarah Jennings" >/dev/null
cli scr add "$REVIEW" conversation "person=$CHILD" "notes=Told Sarah Jennings about home." \
  --compartment restricted >/dev/null
cli scr add "$REVIEW" report_section part=final_report order=1 "title=What happened" \
  "text=Kayleigh was seen at school by her teacher." >/dev/null
cli scr add "$REVIEW" publication_plan decision=publish publish_on=2024-03-01 >/dev/null
cli scr set "$REVIEW" retention starts_from=published interviews_years=1 >/dev/null
unset CASEBOARD_PASSPHRASE
xvfb-run -a -s "-screen 0 1280x800x24" bash "$0" --in-display "$APP" "$CLI" "$OUT"

[ -f "$OUT/pack.pdf" ] || fail "no PDF was exported after the name was replaced"
text=$(pdftotext "$OUT/pack.pdf" -)
echo "$text" | grep -q "Child K was seen at school by her teacher." || fail "the PDF lacks the report: $text"
echo "$text" | grep -q "Kayleigh" && fail "the PDF still names the child"
echo "$text" | grep -q "DRAFT" && fail "a clean pack was marked as a draft"
[ -f "$OUT/pack.docx" ] || fail "no DOCX was exported"
unzip -p "$OUT/pack.docx" word/document.xml | grep -q "Child K was seen at school by her teacher." ||
  fail "the DOCX lacks the report"
[ "$(stat -c %a "$OUT/pack.pdf")" = 600 ] || fail "the export is readable by others"
grep -q "caseboard: vault wiped" "$OUT/app.log" || fail "the app did not report the wipe"
grep -q "Sarah Jennings \[third party\]</mark>" "$OUT/sar.html" || fail "the bundle does not mark the third party"
grep -q "Told" "$OUT/sar.html" || fail "the bundle lacks the restricted conversation"
[ "$(stat -c %a "$OUT/sar.html")" = 600 ] || fail "the bundle is readable by others"
grep -q "Told" "$OUT/sar2.html" && fail "the destroyed conversation is still in a bundle made afterwards"
grep -q "Kayleigh Morton" "$OUT/sar2.html" || fail "the second bundle lost the child's own record"
echo "gui_publication_test: ok"
