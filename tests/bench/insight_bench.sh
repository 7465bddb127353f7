#!/usr/bin/env bash
# Insight figures (printed, not a test): events per second the hub ingests, and report time
# for a year of data from 200 kiosks. Usage: tests/bench/insight_bench.sh [build-dir] [seconds]
set -euo pipefail
src="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$src/build}"
"$build/tests/ledsager-insight-bench" "$build/hub/ledsager-hub" "$src" "${2:-5}"
