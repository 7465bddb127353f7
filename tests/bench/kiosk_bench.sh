#!/usr/bin/env bash
# Kiosk figures, printed (not a test): start-up to first drawn frame, memory (PSS), idle CPU
# over 10 s on the attract screen, memory during and after minutes of random use, frame time
# on a guide screen, content load for 500 guides.
# Usage: tests/bench/kiosk_bench.sh [build-dir]   (runs the kiosk under Xvfb at 1920x1080)
#   USE_S=240  seconds of random taps, keys and window sizes (the PSS peak, then the attract
#              screen's PSS once the session has timed out, against a fresh start)
#   BASELINE=path/to/an/older/ledsager-kiosk   its start-up measured first, the same way
#              (the start-up's target was set on another machine: compare on one machine)
set -euo pipefail
src="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$src/build}"
kiosk="$build/kiosk/app/ledsager-kiosk"
tmp="$(mktemp -d)"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"' EXIT

Xvfb -displayfd 3 -screen 0 1920x1080x24 -nolisten tcp 3> "$tmp/display" 2>/dev/null &
pids+=($!)
for _ in $(seq 50); do [ -s "$tmp/display" ] && break; sleep 0.1; done
export DISPLAY=":$(cat "$tmp/display")"

echo "ledsager-kiosk figures ($(nproc) cores, $(date -u +%F))"
# The kiosk's log is read as it is written (a pipe, no polling that would take a core from
# it): the time is taken when its "first frame drawn" line arrives. Times are bash's own
# clock (EPOCHREALTIME, microseconds), not `date`: starting a program to read the clock
# costs 5-20 ms on a small machine, and it would be counted twice.
stamp_first() { while IFS= read -r line; do
  case $line in *"first frame drawn"*) t=$EPOCHREALTIME; echo "${t/./} $line" > "$tmp/first" ;; esac
  echo "$line" >> "$tmp/log"
done; }
# The kiosk runs as it does under systemd: as a user of its own, not root (libX11 keeps the
# keyboard's compiled compose table in the runtime folder for any user but root), with a home,
# cache and runtime folder of each version's own. The first start builds the attract screen's font
# atlas and saves it there; the next five take it up, as every later start does.
# startup <kiosk> <label>: those six starts; the last one is left running (its pid in $pid).
startup() {
  local kiosk_bin=$1 label=$2 i t t0 t1 rest figure cold="" firsts=()
  home="$tmp/home-$label"; rm -rf "$home"; mkdir -p "$home/run"; chmod 700 "$home/run"
  as_kiosk_user=(env HOME="$home" XDG_CACHE_HOME="$home/.cache" XDG_RUNTIME_DIR="$home/run")
  if [ "$(id -u)" -eq 0 ]; then
    chmod 711 "$tmp"; chown -R nobody "$home"
    as_kiosk_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups "${as_kiosk_user[@]}")
  fi
  for i in 0 1 2 3 4 5; do
    rm -f "$tmp/first" "$tmp/log"
    t=$EPOCHREALTIME; t0=${t/./}
    "${as_kiosk_user[@]}" "$kiosk_bin" --windowed 1920x1080 2> >(stamp_first) > /dev/null &
    pid=$!
    for _ in $(seq 100); do [ -s "$tmp/first" ] && break; sleep 0.05; done
    read -r t1 rest < "$tmp/first"
    figure="$(( (t1 - t0) / 1000 )) $(echo "$rest" | sed -n 's/.*first frame drawn after \([0-9]*\) ms.*/\1/p')"
    if [ "$i" -eq 0 ]; then cold=$figure; else firsts+=("$figure"); fi
    if [ "$i" -lt 5 ]; then kill -TERM $pid; wait $pid || true; fi
  done
  printf '%s\n' "${firsts[@]}" | sort -n | awk -v l="$label" '{a[NR]=$1; b[NR]=$2} END {printf "startup_first_frame_ms%s median=%d (exec to frame)  in-process=%d\n", l, a[int((NR+1)/2)], b[int((NR+1)/2)]}'
  echo "$cold" | awk -v l="$label" '{printf "startup_first_frame_first_start_ms%s %d (exec to frame, font atlas built and saved)  in-process=%d\n", l, $1, $2}'
}
# BASELINE=<an older ledsager-kiosk>: its start-up is measured first, the same way, so that
# two versions are compared on one machine on one day (machines differ by 3x and more).
if [ -n "${BASELINE:-}" ]; then
  startup "$BASELINE" "_baseline"
  kill -TERM $pid; wait $pid || true
fi
startup "$kiosk" ""

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

# Random use: taps anywhere, keys of a keyboard and a keypad, the window resized now and then,
# on the real program in a real window (every screen, text size, theme and language the taps
# reach). The session times out as soon as the configuration allows (30 s, then 20 s).
pss_of() { awk '/^Pss:/ {print int($2 / 1024)}' "/proc/$1/smaps_rollup"; }
sed -e 's/^inactivity_timeout_s = 120/inactivity_timeout_s = 30/' -e 's/^warning_countdown_s = 30/warning_countdown_s = 20/' \
  -e 's/^wiped_notice_s = 8/wiped_notice_s = 3/' -e 's/^inactivity_timeout_s = 300/inactivity_timeout_s = 60/' \
  "$src/config/kiosk.toml" > "$tmp/kiosk.toml"
chmod 644 "$tmp/kiosk.toml"
"${as_kiosk_user[@]}" "$kiosk" --config "$tmp/kiosk.toml" --windowed 1280x800 > "$tmp/log" 2>&1 &
pid=$!
pids+=($pid)
for _ in $(seq 400); do grep -q "first frame drawn" "$tmp/log" && break; sleep 0.05; done
sleep 3
fresh=$(pss_of $pid)
wid=$(xdotool search --sync --pid $pid | head -1)
sizes=(1280x800 1920x1080 1024x768 800x1280 1366x768)
keys=(Tab Tab Return space Left Right Up Down BackSpace Escape F1 1 2 3 4 5 6 7 8 9 0 a e o plus minus)
RANDOM=42
peak=$fresh
w=1280 h=800
end=$(( $(date +%s) + ${USE_S:-240} ))
taps=0
while [ "$(date +%s)" -lt "$end" ]; do
  for _ in 1 2 3 4 5; do
    r=$((RANDOM % 100))
    if [ $r -lt 72 ]; then
      xdotool mousemove --window "$wid" $((RANDOM % w)) $((RANDOM % h)) click 1 2>/dev/null || true
    elif [ $r -lt 97 ]; then
      xdotool key --window "$wid" "${keys[RANDOM % ${#keys[@]}]}" 2>/dev/null || true
    else
      size=${sizes[RANDOM % ${#sizes[@]}]}
      w=${size%x*} h=${size#*x}
      xdotool windowsize "$wid" "$w" "$h" 2>/dev/null || true
    fi
    taps=$((taps + 1))
    sleep 0.15
  done
  kill -0 $pid 2>/dev/null || { echo "the kiosk stopped during random use:"; tail -5 "$tmp/log"; exit 1; }
  now_pss=$(pss_of $pid)
  [ "$now_pss" -gt "$peak" ] && peak=$now_pss
done
xdotool windowsize "$wid" 1280 800 2>/dev/null || true
sleep 100  # the longest timeout: 60 s reading aloud + 20 s countdown + 3 s notice, and margin
after=$(pss_of $pid)
echo "memory_random_use_${USE_S:-240}s            PSS peak=$peak MB over $taps taps and keys (fresh 1280x800: $fresh MB)"
echo "memory_attract_after_use          PSS=$after MB (fresh start $fresh MB, $((after - fresh)) MB more)"
kill -TERM $pid; wait $pid || true

SDL_AUDIODRIVER=disk SDL_DISKAUDIOFILE=/dev/null "$build/tests/ledsager-bench" "$src" 2> >(grep -v "CRITICAL" >&2)
