#!/usr/bin/env bash
# Builds Caseboard and runs its main program. Until the desktop app lands this
# is the command-line interface; arguments are passed through (default: --help).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DCASEBOARD_BUILD_TESTS=OFF >/dev/null
cmake --build build/release -j "$(nproc)" --target caseboard-cli
if [ $# -eq 0 ]; then set -- --help; fi
exec build/release/tools/caseboard-cli "$@"
