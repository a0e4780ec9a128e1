#!/usr/bin/env bash
# Builds Caseboard and runs the whole test suite twice: a normal build with
# warnings as errors, then an AddressSanitizer + UndefinedBehaviorSanitizer
# build. Installs its own dependencies first. This is what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh

echo "== format (clang-format, .clang-format)"
unformatted=$(git ls-files '*.cpp' '*.h' | while read -r f; do
  clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || echo "$f"; done)
if [ -n "$unformatted" ]; then
  echo "these files need 'clang-format -i':"; echo "$unformatted"; exit 1
fi

jobs=$(nproc)
build() {  # build DIR [cmake args...]
  local dir=$1; shift
  cmake -S . -B "$dir" -G Ninja -DCASEBOARD_WERROR=ON "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
}

echo "== build (warnings as errors)"
build build/ci -DCMAKE_BUILD_TYPE=RelWithDebInfo
echo "== build (ASan + UBSan)"
build build/asan -DCMAKE_BUILD_TYPE=Debug -DCASEBOARD_SANITIZE=ON

echo "== tests (ASan + UBSan)"
# The sanitizer run repeats every suite with fewer random cases; the crash test's full 200 kills,
# and the text property test's 40 seeds and the fault test's 3 rounds run in the normal build.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  LSAN_OPTIONS=suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0 \
  CASEBOARD_CRASH_ITERATIONS=50 CASEBOARD_TEXT_SEEDS=10 CASEBOARD_FAULT_ROUNDS=1 ctest --test-dir build/asan --output-on-failure -j "$jobs"

echo "== tests"
ctest --test-dir build/ci --output-on-failure -j "$jobs"
