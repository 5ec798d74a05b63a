#!/usr/bin/env bash
# Runs the HIL suite for CI: JUnit XML in $HIL_REPORT, recordings and labelled CSVs in $HIL_OUT.
# HIL_TARGET: emulator (default) | pty | serial:/dev/ttyACM0; HIL_FILTER: optional --filter text;
# HIL_CONFIG: optional rig config (looptwin calibrate output). Exit status: the runner's.
set -euo pipefail
cd "$(dirname "$0")/../.."
target="${HIL_TARGET:-emulator}"
report="${HIL_REPORT:-hil-report.xml}"
out="${HIL_OUT:-hil-runs}"
args=(hil run --target "$target" --junit "$report" --out "$out")
if [[ -n "${HIL_FILTER:-}" ]]; then args+=(--filter "$HIL_FILTER"); fi
if [[ -n "${HIL_CONFIG:-}" ]]; then args+=(--config "$HIL_CONFIG"); fi
[[ -f dist/cli/main.js ]] || npm run build
exec node bin/looptwin.js "${args[@]}"
