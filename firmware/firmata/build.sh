#!/usr/bin/env bash
# npm run firmata:build: builds the Firmata library's StandardFirmata for the Uno, unmodified,
# from the vendor folder (LOOPTWIN_VENDOR_DIR, default ../shared/vendor beside the repository)
# to firmware/build/standardfirmata/StandardFirmata.elf (git-ignored).
# Skips (exit 0, saying why) when the vendor folder is absent; fails when the toolchain is.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$HERE/../.." && pwd)"
VENDOR_DIR="${LOOPTWIN_VENDOR_DIR:-$REPO_DIR/../shared/vendor}"

if [ ! -f "$VENDOR_DIR/firmata/examples/StandardFirmata/StandardFirmata.ino" ] || [ ! -d "$VENDOR_DIR/servo/src" ]; then
  echo "firmata build: SKIPPED, no Firmata sources at $VENDOR_DIR (firmata/examples/StandardFirmata and servo/src); set LOOPTWIN_VENDOR_DIR to the folder that holds them"
  exit 0
fi
for tool in avr-gcc avr-g++ avr-objcopy; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "firmata build: $tool missing; apt-get install -y --no-install-recommends gcc-avr avr-libc arduino-core-avr" >&2
    exit 1
  fi
done
if [ ! -d /usr/share/arduino/hardware/arduino/avr/cores/arduino ]; then
  echo "firmata build: the Arduino AVR core is missing; apt-get install -y --no-install-recommends arduino-core-avr" >&2
  exit 1
fi
VENDOR_DIR="$(cd "$VENDOR_DIR" && pwd)"
make -s -C "$HERE" VENDOR_DIR="$VENDOR_DIR" OBJDIR="$REPO_DIR/firmware/build/standardfirmata" -j2
ELF="$REPO_DIR/firmware/build/standardfirmata/StandardFirmata.elf"
avr-size "$ELF" | tail -1 | awk -v elf="${ELF#"$REPO_DIR"/}" '{ printf "StandardFirmata: %s (flash %d bytes, static RAM %d bytes)\n", elf, $1 + $2, $2 + $3 }'
