#!/usr/bin/env bash
# Checks libcaseboard's dynamic symbol table: every exported (defined) symbol
# is part of the C API (caseboard_*), and the API is there. Anything else
# leaking out (our static libraries, OpenSSL, libstdc++ templates) would
# clash with the app's own copies on a phone.
#   exported_symbols.sh path/to/libcaseboard.so
set -euo pipefail
lib="$1"
min_api=30

# Defined by the linker in every shared object, not by us.
linker_defined='^(_init|_fini|_edata|_end|__bss_start|_DYNAMIC|_GLOBAL_OFFSET_TABLE_)$'

symbols=$(nm -D --defined-only "$lib" | awk '{print $NF}' | sed 's/@.*//' | sort -u)
api=$(grep -c '^caseboard_' <<<"$symbols" || true)
other=$(grep -v '^caseboard_' <<<"$symbols" | grep -Ev "$linker_defined" || true)

if [[ -n "$other" ]]; then
  echo "libcaseboard exports symbols outside the C API:" >&2
  echo "$other" >&2
  exit 1
fi
if (( api < min_api )); then
  echo "libcaseboard exports only $api caseboard_* symbols (expected at least $min_api):" >&2
  grep '^caseboard_' <<<"$symbols" >&2 || true
  exit 1
fi
echo "libcaseboard exports $api caseboard_* symbols and nothing else"
