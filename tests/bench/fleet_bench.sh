#!/usr/bin/env bash
# Fleet figures for IT (printed, not a test): enrollment time, the hub's cost of 2,000
# heartbeating kiosks, and a content bundle from publishing to every simulated kiosk.
# Usage: tests/bench/fleet_bench.sh [build-dir]
set -euo pipefail
src="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$src/build}"
"$build/tests/ledsager-fleet-bench" "$build/hub/ledsager-hub" "$src"
