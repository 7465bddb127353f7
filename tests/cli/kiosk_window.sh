#!/usr/bin/env bash
# kiosk_window_lifecycle: the real kiosk in a real X window (Xvfb): it draws, ignores quit
# keys and close requests, can be used with the mouse, logs nothing about the citizen, and
# ends cleanly (exit 0, within 2 s) on SIGTERM, as systemd stops it; without sound it says so
# once; screenshot mode stops on SIGTERM too. Sound goes to SDL's
# "disk" audio driver (CI has no sound card), so the Read aloud key is heard in a file.
set -uo pipefail
kiosk="$1"; src="$2"
tmp="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; [ -f "$tmp/log" ] && sed 's/^/  log: /' "$tmp/log"; exit 1; }

Xvfb -displayfd 3 -screen 0 1280x720x24 -nolisten tcp 3> "$tmp/display" 2>/dev/null &
pids+=($!)
for _ in $(seq 50); do [ -s "$tmp/display" ] && break; sleep 0.1; done
export DISPLAY=":$(cat "$tmp/display")"
# start_kiosk WHAT [VAR=VALUE…]: the kiosk in a window with that environment, up to its first frame.
start_kiosk() {
  local what="$1"; shift
  env "$@" "$kiosk" --config "$src/config/kiosk.toml" --windowed 1280x720 > "$tmp/log" 2>&1 &
  kpid=$!
  pids+=($kpid)
  for _ in $(seq 100); do grep -q "first frame drawn" "$tmp/log" && break; sleep 0.1; done
  grep -q "first frame drawn" "$tmp/log" || fail "no first frame $what"
}
start_kiosk "" SDL_AUDIODRIVER=disk SDL_DISKAUDIOFILE="$tmp/audio.raw"

# Quit keys are ignored (a close request arrives as SDL_QUIT, which the loop ignores too).
wid=$(xdotool search --name Ledsager 2>/dev/null | head -1)
[ -n "$wid" ] || fail "no window named Ledsager"
xdotool key --window "$wid" --clearmodifiers alt+F4 ctrl+q ctrl+w Escape 2>/dev/null
sleep 0.5
kill -0 "$kpid" 2>/dev/null || fail "the kiosk exited on a quit key or close request"

# A citizen session with the mouse: start, choose English, open a guide, end.
wid=$(xdotool search --name Ledsager 2>/dev/null | head -1)
if [ -n "$wid" ]; then
  xdotool mousemove --window "$wid" 640 360 click 1; sleep 0.3
  xdotool mousemove --window "$wid" 900 300 click 1; sleep 0.3
  xdotool mousemove --window "$wid" 300 300 click 1; sleep 0.3
fi

# The Read aloud key (F2) works from any screen with no setup: speech comes out.
audible() { od -An -v -td2 -w2 "$tmp/audio.raw" 2>/dev/null | awk '($1>500||$1<-500){n++} END{exit !(n>200)}'; }
audible && fail "sound before anyone asked for it"
if [ -n "$wid" ]; then
  xdotool key --window "$wid" F2 2>/dev/null
  for _ in $(seq 50); do audible && break; sleep 0.1; done
  audible || fail "no speech after the Read aloud key"
  echo "speech heard after F2"
fi

start=$(date +%s%N)
kill -TERM "$kpid"
for _ in $(seq 40); do kill -0 "$kpid" 2>/dev/null || break; sleep 0.05; done
kill -0 "$kpid" 2>/dev/null && fail "still running 2 s after SIGTERM"
wait "$kpid"; rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$rc" -eq 0 ] || fail "exit code $rc after SIGTERM"
echo "stopped in ${ms} ms with exit 0"

# The log speaks only of the kiosk, never of what a citizen did.
if grep -vE "^CRITICAL: (You are using the SDL disk i/o audio driver|  ?Writing to file)" "$tmp/log" | grep -vE "^ledsager-kiosk: ([0-9]+ guide\(s\) served from |first frame drawn after [0-9]+ ms|stopping$)" | grep -q .; then
  fail "unexpected log lines: $(grep -vE '^ledsager-kiosk: ([0-9]+ guide|first frame|stopping)' "$tmp/log")"
fi
grep -qiE "mitid|step|guide\.|language\.|english" <(grep -v "served from" "$tmp/log") && fail "log mentions the session"
# Without sound (an ALSA with no devices, as on a machine without a sound card): the kiosk
# says so once, in its own words, and the audio libraries' own lines stay out of the log.
: > "$tmp/no-alsa.conf"
start_kiosk "without sound" SDL_AUDIODRIVER=alsa ALSA_CONFIG_PATH="$tmp/no-alsa.conf"
kill -TERM "$kpid"; wait "$kpid"
n=$(grep -c "no audio device.*reading aloud is off" "$tmp/log")
[ "$n" -eq 1 ] || fail "'no audio device: reading aloud is off' said $n times"
grep -qE "^(ALSA lib|AL lib)" "$tmp/log" && fail "the audio libraries' own lines reached the log"
echo "without sound: said once"

# As the kiosk's own user (not root; under systemd, User=ledsager): the start keeps what the
# next start can take up: the attract screen's font atlas in its cache folder (0700), and the
# keyboard's compose table, which libX11 compiles (it keeps none for root) instead of reading
# 500 KB of text before every first frame, in its runtime folder (a tmpfs under systemd: made
# anew each boot, since libX11 checks only the compiled file's header).
home="$tmp/home"; mkdir -p "$home/run"; chmod 700 "$home/run"
as_user=()
if [ "$(id -u)" -eq 0 ]; then chmod 711 "$tmp"; chown -R nobody "$home"; as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups); fi
for run in first next; do
  "${as_user[@]}" env HOME="$home" XDG_CACHE_HOME="$home/.cache" XDG_RUNTIME_DIR="$home/run" LANG=C.UTF-8 SDL_AUDIODRIVER=dummy \
    "$kiosk" --config "$src/config/kiosk.toml" --windowed 1280x720 > "$tmp/log" 2>&1 &
  kpid=$!; pids+=($kpid)
  for _ in $(seq 100); do grep -q "first frame drawn" "$tmp/log" && break; sleep 0.1; done
  grep -q "first frame drawn" "$tmp/log" || fail "no first frame as the kiosk's own user ($run start)"
  kill -TERM "$kpid"; wait "$kpid"
done
cache="$home/.cache/ledsager" run="$home/run/ledsager"
[ "$(stat -c %a "$cache")" = 700 ] && [ "$(stat -c %a "$run/compose")" = 700 ] || fail "the cache or runtime folder is not private (0700)"
ls "$cache"/atlas-*.bin > /dev/null 2>&1 || fail "no font atlas kept in $cache"
[ -n "$(ls "$run/compose")" ] || fail "libX11 kept no compose table in $run/compose"
[ -e "$cache/compose" ] && fail "the compose table is kept on disk, in the cache folder"
grep -q "building the font atlas anew" "$tmp/log" && fail "the next start did not take up the kept atlas"
echo "kept for the next start: $(ls "$cache" | tr '\n' ' ')and $(ls "$run/compose" | wc -l) compose table(s) in the runtime folder"

# With no display server to reach, the kiosk says so and stops (systemd restarts it), rather
# than drawing into memory where nobody sees it.
env -u WAYLAND_DISPLAY DISPLAY=:59999 SDL_AUDIODRIVER=dummy "$kiosk" --config "$src/config/kiosk.toml" --windowed 1280x720 > "$tmp/log" 2>&1
rc=$?
[ "$rc" -eq 1 ] && grep -q "no display to show the kiosk on" "$tmp/log" || fail "no display: exit $rc, not 1 with a sentence"
grep -q "first frame drawn" "$tmp/log" && fail "no display, yet a first frame was 'drawn'"
echo "no display: said so, exit 1"

# Screenshot mode, a long run: SIGTERM stops it between two pictures.
"$kiosk" --config "$src/config/kiosk.toml" --screenshots "$tmp/shots" > "$tmp/log" 2>&1 &
kpid=$!
pids+=($kpid)
for _ in $(seq 200); do ls "$tmp/shots"/*.png >/dev/null 2>&1 && break; sleep 0.1; done
ls "$tmp/shots"/*.png >/dev/null 2>&1 || fail "no screenshot written"
kill -TERM "$kpid"
for _ in $(seq 40); do kill -0 "$kpid" 2>/dev/null || break; sleep 0.05; done
kill -0 "$kpid" 2>/dev/null && fail "screenshot mode still running 2 s after SIGTERM"
wait "$kpid"; rc=$?
[ "$rc" -eq 0 ] || fail "screenshot mode: exit code $rc after SIGTERM"
echo "screenshot mode stopped by SIGTERM after $(ls "$tmp/shots" | wc -l) picture(s)"

echo "kiosk_window_lifecycle: ok"
