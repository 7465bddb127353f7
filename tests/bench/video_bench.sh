#!/usr/bin/env bash
# Video call figures, printed (not a test): caseworker clicks Answer -> first remote frame on
# the kiosk, kiosk CPU during 10 s of a 640x480 call, kiosk RSS during the call and how much
# more that is than on the step before the call. Runs the same
# loopback scenario as video_call_e2e (real hub, real headless kiosk with a test picture and
# tone, Chromium as the caseworker with a fake camera) three times.
# Usage: tests/bench/video_bench.sh [build-dir]
set -euo pipefail
src="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$src/build}"
echo "ledsager video call figures ($(nproc) cores, $(date -u +%F), loopback)"
for i in 1 2 3; do
  out="$(node "$src/tests/browser/video_call_e2e.mjs" "$build/hub/ledsager-hub" "$build/kiosk/app/ledsager-kiosk" "$src" --bench)"
  echo "$out" | grep -q "^not ok" && { echo "$out" | grep "^not ok"; exit 1; }
  echo "run $i: $(echo "$out" | sed -n 's/^# Answer -> first remote frame on the kiosk: \(.*\)/answer_to_first_frame \1/p')"
  echo "       $(echo "$out" | sed -n 's/^# bench: //p')"
done
