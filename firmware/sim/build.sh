#!/usr/bin/env bash
# npm run fil:build: builds the firmware (firmware/scripts/build.sh, the ELF that
# would be flashed) and the simavr harness that runs it against the plant.
# Output (git-ignored):
#   firmware/build/uno/looptwin.elf       the firmware
#   firmware/sim/build/looptwin-sim       the harness
# Needs Debian packages only:
#   apt-get install -y --no-install-recommends gcc-avr avr-libc arduino-core-avr \
#     simavr libsimavr-dev libelf-dev pkg-config
set -euo pipefail

SIM_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
FIRMWARE_DIR="$(cd "$SIM_DIR/.." && pwd)"
REPO_DIR="$(cd "$FIRMWARE_DIR/.." && pwd)"
PACKAGES="simavr libsimavr-dev libelf-dev pkg-config"

missing=""
command -v pkg-config >/dev/null 2>&1 || missing="pkg-config"
if [ -z "$missing" ]; then
  pkg-config --exists simavr || missing="libsimavr-dev"
  [ -f /usr/include/libelf.h ] || [ -f /usr/include/gelf.h ] || missing="$missing libelf-dev"
fi
command -v cc >/dev/null 2>&1 || missing="$missing gcc"
if [ -n "$missing" ]; then
  echo "fil build: missing $missing; install the harness packages with:" >&2
  echo "  apt-get update && apt-get install -y --no-install-recommends $PACKAGES" >&2
  exit 1
fi

bash "$FIRMWARE_DIR/scripts/build.sh"
make -s -C "$SIM_DIR" BUILD="$SIM_DIR/build"
echo "harness:  ${SIM_DIR#"$REPO_DIR"/}/build/looptwin-sim (simavr $(pkg-config --modversion simavr))"
