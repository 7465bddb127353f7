#!/usr/bin/env bash
# Kiosk figures, printed (not a test): start-up to first drawn frame, memory (PSS), idle CPU
# over 10 s on the attract screen, frame time on a guide screen, content load for 500 guides.
# Usage: tests/bench/kiosk_bench.sh [build-dir]   (runs the kiosk under Xvfb at 1920x1080)
set -euo pipefail
src="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$src/build}"
kiosk="$build/kiosk/app/ledsager-kiosk"
tmp="$(mktemp -d)"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$tmp"' EXIT

Xvfb -displayfd 3 -screen 0 1920x1080x24 -nolisten tcp 3> "$tmp/display" 2>/dev/null &
pids+=($!)
for _ in $(seq 50); do [ -s "$tmp/display" ] && break; sleep 0.1; done
export DISPLAY=":$(cat "$tmp/display")"

echo "ledsager-kiosk figures ($(nproc) cores, $(date -u +%F))"
firsts=()
for i in 1 2 3 4 5; do
  t0=$(date +%s%N)
  "$kiosk" --windowed 1920x1080 > "$tmp/log" 2>&1 &
  pid=$!
  for _ in $(seq 200); do grep -q "first frame drawn" "$tmp/log" && break; sleep 0.005; done
  t1=$(date +%s%N)
  firsts+=("$(( (t1 - t0) / 1000000 )) $(sed -n 's/.*first frame drawn after \([0-9]*\) ms.*/\1/p' "$tmp/log")")
  if [ "$i" -lt 5 ]; then kill -TERM $pid; wait $pid || true; fi
done
printf '%s\n' "${firsts[@]}" | sort -n | awk '{a[NR]=$1; b[NR]=$2} END {printf "startup_first_frame_ms            median=%d (exec to frame, polled every 5 ms)  in-process=%d\n", a[int((NR+1)/2)], b[int((NR+1)/2)]}'

sleep 2
pss=$(awk '/^Pss:/ {print $2}' /proc/$pid/smaps_rollup)
rss=$(awk '/^Rss:/ {print $2}' /proc/$pid/smaps_rollup)
echo "memory_attract_screen             PSS=$((pss / 1024)) MB  RSS=$((rss / 1024)) MB"

tck=$(getconf CLK_TCK)
read -r u0 s0 < <(awk '{print $14, $15}' /proc/$pid/stat)
sleep 10
read -r u1 s1 < <(awk '{print $14, $15}' /proc/$pid/stat)
awk -v d=$(( u1 + s1 - u0 - s0 )) -v t="$tck" 'BEGIN {printf "idle_cpu_attract_10s              %.2f %% of a core\n", 100 * d / t / 10}'
kill -TERM $pid; wait $pid || true

SDL_AUDIODRIVER=disk SDL_DISKAUDIOFILE=/dev/null "$build/tests/ledsager-bench" "$src" 2> >(grep -v "CRITICAL" >&2)
