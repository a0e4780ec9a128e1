#!/usr/bin/env bash
# Builds Caseboard and runs its main program, the desktop app, on a local
# vault (no server needed): the first run creates the vault. Arguments are
# passed to the app (see `caseboard --help`); CASEBOARD_VAULT or --vault
# choose the vault folder.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DCASEBOARD_BUILD_TESTS=OFF >/dev/null
cmake --build build/release -j "$(nproc)" --target caseboard caseboard-cli
exec build/release/app/caseboard "$@"
