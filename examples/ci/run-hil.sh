#!/usr/bin/env bash
# Runs the HIL suite for CI: JUnit XML in $HIL_REPORT, the HTML report (plots, one self-contained
# file) in $HIL_HTML, recordings and labelled CSVs in $HIL_OUT.
# HIL_TARGET: emulator (default) | pty | fil | serial:/dev/ttyACM0; HIL_FILTER: optional --filter
# text; HIL_SHARD: optional K/N (one job of a matrix); HIL_CONFIG: optional rig config (looptwin
# calibrate output). Exit status: the runner's.
set -euo pipefail
cd "$(dirname "$0")/../.."
target="${HIL_TARGET:-emulator}"
report="${HIL_REPORT:-hil-report.xml}"
out="${HIL_OUT:-hil-runs}"
html="${HIL_HTML:-hil-report.html}"
args=(hil run --target "$target" --junit "$report" --html "$html" --out "$out")
if [[ -n "${HIL_FILTER:-}" ]]; then args+=(--filter "$HIL_FILTER"); fi
if [[ -n "${HIL_SHARD:-}" ]]; then args+=(--shard "$HIL_SHARD"); fi
if [[ -n "${HIL_CONFIG:-}" ]]; then args+=(--config "$HIL_CONFIG"); fi
[[ -f dist/cli/main.js ]] || npm run build
exec node bin/looptwin.js "${args[@]}"
