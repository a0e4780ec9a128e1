#!/usr/bin/env bash
# Runs the C API demo (tools/capi_demo) with two fresh vault folders and
# checks that it exits 0 and printed the same review hash for both devices.
#   check_demo.sh path/to/caseboard_capi_demo
set -euo pipefail
demo="$1"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out=$("$demo" "$work/device-a" "$work/device-b")
echo "$out"
a=$(sed -n 's/^hash A: \([0-9a-f]\{64\}\)$/\1/p' <<<"$out")
b=$(sed -n 's/^hash B: \([0-9a-f]\{64\}\)$/\1/p' <<<"$out")
if [[ -z "$a" || "$a" != "$b" ]]; then
  echo "expected two equal 64-hex-digit hashes, got A='$a' B='$b'" >&2
  exit 1
fi
# The demo's executable must not link the C++ libraries itself: only libcaseboard.
if readelf -d "$demo" | grep NEEDED | grep -Eq 'libstdc\+\+|libcrypto|libsqlite|libcurl'; then
  echo "caseboard_capi_demo links more than libcaseboard:" >&2
  readelf -d "$demo" | grep NEEDED >&2
  exit 1
fi
