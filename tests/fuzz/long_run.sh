#!/usr/bin/env bash
# Runs every fuzz target under libFuzzer for MINUTES minutes each (tests/fuzz/README.md).
#   tests/fuzz/long_run.sh [MINUTES] [TARGET...]     (default: 10 minutes, every target)
# Builds with clang into build-fuzz/ (LEDSAGER_FUZZ_BUILD_DIR), only the core and the fuzz
# targets. New inputs go to build-fuzz/fuzz-corpus/<target>/, crashes, hangs and leaks to
# build-fuzz/fuzz-artifacts/; the committed corpus is only read. Needs clang-14 and
# libclang-rt-14-dev (libFuzzer): apt-get install clang-14 libclang-rt-14-dev.
# Shares the machine politely: one build at a time (flock), one fuzzing process at a time.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
minutes="${1:-10}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(request_parsers guide_parser po_reader bundle_reader)
build_dir="${LEDSAGER_FUZZ_BUILD_DIR:-$here/build-fuzz}"
lock="${LEDSAGER_BUILD_LOCK:-/tmp/ledsager-build.lock}"
jobs="${LEDSAGER_JOBS:-2}"
rss_mb="${LEDSAGER_FUZZ_RSS_MB:-2048}"
case "$minutes" in ''|*[!0-9]*) echo "usage: tests/fuzz/long_run.sh [MINUTES] [TARGET...]" >&2; exit 2 ;; esac

command -v clang++ >/dev/null || { echo "clang++ not found: apt-get install clang-14 libclang-rt-14-dev" >&2; exit 1; }
exe_of() { case "$1" in request_parsers) echo fuzz_request_body ;; *) echo "fuzz_$1" ;; esac; }

echo "==> building the fuzz targets with clang + libFuzzer in $build_dir"
flock "$lock" env CC=clang CXX=clang++ cmake -S "$here" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DLEDSAGER_FUZZ=ON -DLEDSAGER_CORE_ONLY=ON >/dev/null
exes=()
for t in "${targets[@]}"; do exes+=("$(exe_of "$t")"); done
flock "$lock" cmake --build "$build_dir" -j"$jobs" --target "${exes[@]}"

failed=()
for t in "${targets[@]}"; do
  exe="$build_dir/tests/$(exe_of "$t")"
  found="$build_dir/tests/fuzz-corpus/$t" artifacts="$build_dir/tests/fuzz-artifacts"
  mkdir -p "$found" "$artifacts"
  echo "==> $t: $minutes min (new inputs: $found)"
  if ! "$exe" -max_total_time=$((minutes * 60)) -timeout=10 -rss_limit_mb="$rss_mb" -max_len=65536 \
       -print_final_stats=1 -dict="$here/tests/fuzz/dict/$t.dict" -artifact_prefix="$artifacts/$t-" \
       "$found" "$here/tests/fuzz/corpus/$t" 2>"$build_dir/fuzz-$t.log"; then
    failed+=("$t")
    echo "    FAILED: see $build_dir/fuzz-$t.log and $artifacts/$t-*"
  fi
  grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+[[:space:]]+DONE)" "$build_dir/fuzz-$t.log" | sed 's/^/    /' || true
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "==> found something in: ${failed[*]} (tests/fuzz/README.md: turning a crash into a regression)"
  exit 1
fi
echo "==> no crash, hang or leak in ${targets[*]}"
