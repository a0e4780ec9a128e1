#!/bin/sh
# Runs a command inside a private D-Bus session with its own GNOME Keyring,
# created and unlocked for the run in a throwaway home folder: the key store
# tests use a real Secret Service without touching the person's own keyring.
#
# usage: with_keyring.sh COMMAND [ARGS...]
set -eu

if [ "${1:-}" != "--inside-session" ]; then
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/caseboard-keyring-XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  mkdir -m 700 "$tmp/home" "$tmp/data" "$tmp/config" "$tmp/cache" "$tmp/runtime"
  # Everything the keyring daemon and D-Bus write goes under $tmp; no display,
  # so nothing can try to show an unlock prompt.
  status=0
  env -u DBUS_SESSION_BUS_ADDRESS -u DISPLAY -u WAYLAND_DISPLAY \
    HOME="$tmp/home" XDG_DATA_HOME="$tmp/data" XDG_CONFIG_HOME="$tmp/config" \
    XDG_CACHE_HOME="$tmp/cache" XDG_RUNTIME_DIR="$tmp/runtime" \
    dbus-run-session -- sh "$0" --inside-session "$@" || status=$?
  exit "$status"
fi
shift

# --unlock reads the new login keyring's password from stdin and creates it
# unlocked. --foreground keeps the daemon our child, so we can stop and reap it.
printf '%s' "caseboard-test-keyring" |
  gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1 &
daemon=$!

# Wait until the daemon owns the Secret Service name on this bus.
tries=0
until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
  org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'; do
  tries=$((tries + 1))
  if [ "$tries" -gt 100 ] || ! kill -0 "$daemon" 2>/dev/null; then
    echo "with_keyring.sh: gnome-keyring-daemon did not start" >&2
    kill "$daemon" 2>/dev/null || true
    exit 1
  fi
  sleep 0.1
done

status=0
CASEBOARD_TEST_PRIVATE_KEYRING=1 "$@" || status=$?
kill "$daemon" 2>/dev/null || true
wait "$daemon" 2>/dev/null || true
exit "$status"
