#!/usr/bin/env bash
# Hub figures, printed (not a test). Usage: tests/bench/hub_bench.sh [build-dir] [seconds]
set -euo pipefail
src="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$src/build}"
"$build/tests/ledsager-hub-bench" "$build/hub/ledsager-hub" "${2:-10}"
