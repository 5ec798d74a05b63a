#!/usr/bin/env bash
# Builds the looptwin firmware for the Arduino Uno (ATmega328P, 16 MHz) with
# Debian's avr-gcc and Arduino AVR core (firmware/looptwin/Makefile, plain make),
# prints flash and RAM use, and fails when less than 25 % of either stays free.
# Output (stable paths, git-ignored):
#   firmware/build/uno/looptwin.elf   (simavr loads this)
#   firmware/build/uno/looptwin.hex   (avrdude flashes this)
# Needs: apt-get install -y --no-install-recommends gcc-avr avr-libc arduino-core-avr
set -euo pipefail

FIRMWARE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_DIR="$(cd "$FIRMWARE_DIR/.." && pwd)"
BOARD_TAG=uno
OUT_DIR="$FIRMWARE_DIR/build/$BOARD_TAG"
ELF="$OUT_DIR/looptwin.elf"
HEX="$OUT_DIR/looptwin.hex"
# Uno: 32 KiB flash less the 512-byte Optiboot (boards.txt uno.upload.maximum_size), 2 KiB SRAM.
FLASH_BYTES=32256
RAM_BYTES=2048
MIN_FREE_PERCENT=25

INSTALL_HINT="  apt-get update && apt-get install -y --no-install-recommends gcc-avr avr-libc arduino-core-avr"
ARDUINO_AVR=/usr/share/arduino/hardware/arduino/avr
missing() { # what
  echo "firmware build: $1 missing; install the toolchain with:" >&2
  echo "$INSTALL_HINT" >&2
  exit 1
}
command -v make >/dev/null 2>&1 || missing "make (package make)"
# avr-gcc, avr-g++, avr-gcc-ar come with gcc-avr; avr-objcopy, avr-size with binutils-avr (a dependency).
for tool in avr-gcc avr-g++ avr-gcc-ar avr-objcopy avr-size; do
  command -v "$tool" >/dev/null 2>&1 || missing "'$tool' (gcc-avr)"
done
echo '#include <avr/io.h>' | avr-gcc -mmcu=atmega328p -E -o /dev/null - 2>/dev/null || missing "avr/io.h (avr-libc)"
[ -f "$ARDUINO_AVR/cores/arduino/Arduino.h" ] && [ -f "$ARDUINO_AVR/variants/standard/pins_arduino.h" ] ||
  missing "the Arduino AVR core in $ARDUINO_AVR (arduino-core-avr)"

mkdir -p "$OUT_DIR"
LOG="$OUT_DIR/build.log"
if ! make -C "$FIRMWARE_DIR/looptwin" BOARD_TAG="$BOARD_TAG" OBJDIR="$OUT_DIR" >"$LOG" 2>&1; then
  cat "$LOG" >&2
  echo "firmware build: make failed (log above, also in ${LOG#"$REPO_DIR"/})" >&2
  exit 1
fi
# Warnings from our own sources (the Debian core has a few of its own).
grep -E "^($FIRMWARE_DIR/looptwin/|looptwin|src/lt/).*warning" "$LOG" >&2 || true

# Section sizes in bytes: flash = .text + .data, static RAM = .data + .bss + .noinit.
read -r text data bss noinit < <(avr-size -A "$ELF" | awk '
  $1 == ".text" { t = $2 } $1 == ".data" { d = $2 } $1 == ".bss" { b = $2 } $1 == ".noinit" { n = $2 }
  END { print t + 0, d + 0, b + 0, n + 0 }')
flash=$((text + data))
ram=$((data + bss + noinit))

report() { # name used total
  awk -v name="$1" -v used="$2" -v total="$3" -v min="$MIN_FREE_PERCENT" 'BEGIN {
    free = 100 * (total - used) / total
    printf "%-6s %6d of %6d bytes used (%4.1f %%), %4.1f %% free (at least %d %% must stay free)\n", name ":", used, total, 100 * used / total, free, min
    exit (free < min) ? 1 : 0 }'
}

echo "firmware: ${ELF#"$REPO_DIR"/}"
echo "hex:      ${HEX#"$REPO_DIR"/}"
status=0
report flash "$flash" "$FLASH_BYTES" || status=1
report ram "$ram" "$RAM_BYTES" || status=1
echo "(RAM is static use: .data + .bss + .noinit; the stack grows into the rest)"
if [ "$status" -ne 0 ]; then
  echo "firmware build: less than $MIN_FREE_PERCENT % of flash or RAM stays free" >&2
fi
exit "$status"
