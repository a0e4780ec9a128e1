#!/usr/bin/env bash
# "Remember on this device" in a real window under Xvfb, against a real
# GNOME Keyring in a private D-Bus session (tests/platform/with_keyring.sh).
# Off by default; ticked at unlock, the vault then opens with one click
# after a lock, and the CLI opens it without a passphrase; turned off from
# the Vault menu, the one-click unlock is gone and the CLI asks again.
#
# usage: gui_remember_test.sh CASEBOARD CASEBOARD-CLI OUT
set -euo pipefail
MODE=run
if [ "${1:-}" = --in-display ]; then MODE=session; shift; fi
APP=$1 CLI=$2 OUT=$3
VAULT=$OUT/vault
PASS="kettle lantern orchard"

fail() { echo "gui_remember_test: $*" >&2; exit 1; }

start_app() {
  "$APP" --vault "$VAULT" --idle-lock 0 2>>"$OUT/app.log" &
  app=$!
  trap 'kill $app 2>/dev/null || true' EXIT
  wait_title "Caseboard \(locked\)"
  sleep 1
}
quit_app() {
  xdotool key ctrl+q
  for _ in $(seq 100); do kill -0 $app 2>/dev/null || break; sleep 0.1; done
  kill -0 $app 2>/dev/null && fail "the app did not quit on Ctrl+Q"
  trap - EXIT
}
# The CLI with no passphrase anywhere: works only if the vault is remembered.
cli_without_passphrase() { env -u CASEBOARD_PASSPHRASE "$CLI" --vault "$VAULT" whoami </dev/null >/dev/null 2>&1; }

session() {
  # shellcheck source=gui_lib.sh
  source "$(dirname "$0")/gui_lib.sh"
  start_app
  shot 01-locked-not-remembered
  click "$CHECK_X" "$CHECK_Y"   # "Remember on this device"
  click 640 "$PASS_Y"           # the passphrase field
  type_text "$PASS"; xdotool key Return
  wait_title "Caseboard"
  shot 02-unlocked-remembered
  quit_app
  [ "$("$CLI" --vault "$VAULT" vault remember status | cut -d: -f1)" = on ] || fail "ticking the box did not remember the vault"
  cli_without_passphrase || fail "the CLI could not open the remembered vault without a passphrase"

  start_app
  shot 03-locked-remembered
  click 640 "$BUTTON_Y"         # "Unlock with this device's key store"
  wait_title "Caseboard"
  shot 04-unlocked-by-key-store
  click 30 14                   # the Vault menu
  shot 05-vault-menu
  click 90 "$STOP_Y"            # "Stop remembering on this device"
  xdotool key ctrl+l
  wait_title "Caseboard \(locked\)"
  shot 06-locked-forgotten
  quit_app
  [ "$("$CLI" --vault "$VAULT" vault remember status | cut -d: -f1)" = off ] || fail "the Vault menu did not stop remembering"
  if cli_without_passphrase; then fail "the CLI still opens the vault without a passphrase"; fi
}
if [ "$MODE" = session ]; then
  session
  exit 0
fi
rm -rf "$OUT" && mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd) VAULT=$OUT/vault
CASEBOARD_PASSPHRASE=$PASS "$CLI" --vault "$VAULT" init --scrypt-n 16384 >/dev/null
export CASEBOARD_PASSPHRASE=$PASS
export CHECK_X=${CHECK_X:-443} CHECK_Y=${CHECK_Y:-315} PASS_Y=${PASS_Y:-280} BUTTON_Y=${BUTTON_Y:-255} STOP_Y=${STOP_Y:-60}
KEYRING=$(dirname "$0")/../platform/with_keyring.sh
sh "$KEYRING" xvfb-run -a -s "-screen 0 1280x800x24" bash "$0" --in-display "$APP" "$CLI" "$OUT"
echo "gui_remember_test: ok"
