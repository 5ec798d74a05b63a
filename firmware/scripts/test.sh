#!/usr/bin/env bash
# Host tests of the firmware library (npm run firmware:test): compiles
# firmware/looptwin/src/lt/ and firmware/test/ with the machine's g++ (with
# AddressSanitizer and UBSan where available) and runs them against
#   tests/fixtures/protocol/vectors.tsv           (golden vectors, shared with the TypeScript codec)
#   tests/fixtures/protocol/firmware-vectors.tsv  (extra vectors of the firmware, if present)
#   tests/fixtures/protocol/sessions/*.txt        (behaviour sessions, shared with the emulator)
# Prints `N passed, N failed` last and exits non-zero on any failure.
# Extra arguments go to the test binary (e.g. --verbose).
set -euo pipefail

FIRMWARE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_DIR="$(cd "$FIRMWARE_DIR/.." && pwd)"
OUT_DIR="$FIRMWARE_DIR/build/host"
FIXTURES="$REPO_DIR/tests/fixtures/protocol"
CXX="${CXX:-g++}"

if ! command -v "$CXX" >/dev/null 2>&1; then
  echo "firmware test: '$CXX' not found (apt-get install -y --no-install-recommends g++)" >&2
  exit 1
fi

mkdir -p "$OUT_DIR"
SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
if ! echo 'int main(){return 0;}' | "$CXX" $SAN -x c++ - -o "$OUT_DIR/.sancheck" >/dev/null 2>&1; then
  SAN=""
fi
rm -f "$OUT_DIR/.sancheck"

# The library is held to the AVR build's dialect (C++11) and to strict warnings.
LIB_FLAGS="-std=c++11 -O1 -g -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Werror $SAN"
TEST_FLAGS="-std=c++17 -O1 -g -Wall -Wextra -Werror $SAN"

objects=()
for src in "$FIRMWARE_DIR"/looptwin/src/lt/*.cpp; do
  obj="$OUT_DIR/lib_$(basename "$src" .cpp).o"
  "$CXX" $LIB_FLAGS -c "$src" -o "$obj"
  objects+=("$obj")
done
for src in "$FIRMWARE_DIR"/test/*.cpp; do
  obj="$OUT_DIR/test_$(basename "$src" .cpp).o"
  "$CXX" $TEST_FLAGS -c "$src" -o "$obj"
  objects+=("$obj")
done
"$CXX" $TEST_FLAGS "${objects[@]}" -o "$OUT_DIR/looptwin-fw-tests"

exec "$OUT_DIR/looptwin-fw-tests" \
  --vectors "$FIXTURES/vectors.tsv" \
  --optional-vectors "$FIXTURES/firmware-vectors.tsv" \
  --sessions "$FIXTURES/sessions" \
  "$@"
