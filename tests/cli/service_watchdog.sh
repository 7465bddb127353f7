#!/usr/bin/env bash
# service_watchdog: the kiosk and the hub speak systemd's notify protocol, checked by a
# stand-in for systemd (notify_listen) and a small supervisor in this script, since CI does
# not run systemd as PID 1. The kiosk says READY=1 after its first frame and pings
# WATCHDOG=1 from its frame loop at half the interval; a frozen kiosk (SIGSTOP) stops
# pinging, the supervisor kills and restarts it (as WatchdogSec= + Restart=always do), and
# the new one is ready again; SIGTERM ends it cleanly with STOPPING=1. The hub says READY=1
# once its port is open, and STOPPING=1 on SIGTERM.
set -uo pipefail
kiosk="$1"; hub="$2"; listen="$3"; src="$4"
tmp="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill -CONT "$p" 2>/dev/null; kill -9 "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; sed 's/^/  notify: /' "$tmp/notify.log" | tail -20; [ -f "$tmp/log" ] && sed 's/^/  log: /' "$tmp/log" | tail -10; exit 1; }
count() { grep -c "$1" "$tmp/notify.log" 2>/dev/null || true; }

Xvfb -displayfd 3 -screen 0 1280x720x24 -nolisten tcp 3> "$tmp/display" 2>/dev/null &
pids+=($!)
for _ in $(seq 50); do [ -s "$tmp/display" ] && break; sleep 0.1; done
export DISPLAY=":$(cat "$tmp/display")"
"$listen" "$tmp/notify.sock" > "$tmp/notify.log" &
pids+=($!)
for _ in $(seq 50); do [ -S "$tmp/notify.sock" ] && break; sleep 0.05; done

start_kiosk() {
  NOTIFY_SOCKET="$tmp/notify.sock" WATCHDOG_USEC=1000000 SDL_AUDIODRIVER=dummy \
    "$kiosk" --config "$src/config/kiosk.toml" --windowed 1280x720 >> "$tmp/log" 2>&1 &
  kpid=$!
  pids+=($kpid)
}
wait_for() {  # wait_for PATTERN N SECONDS: until the log has N lines matching
  for _ in $(seq $(( $3 * 20 ))); do [ "$(count "$1")" -ge "$2" ] && return 0; sleep 0.05; done
  return 1
}

start_kiosk
wait_for "READY=1" 1 15 || fail "the kiosk never said READY=1"
before=$(count "WATCHDOG=1"); sleep 3; after=$(count "WATCHDOG=1")
pings=$(( after - before ))
echo "watchdog pings in 3 s: $pings (interval 1 s)"
[ "$pings" -ge 4 ] || fail "expected at least 4 watchdog pings in 3 s, got $pings"

# Frozen: no pings. The supervisor notices a ping missing for longer than the interval,
# kills the kiosk and starts it again.
kill -STOP "$kpid"
frozen_at=$(count "WATCHDOG=1")
sleep 1.5
[ "$(count "WATCHDOG=1")" -eq "$frozen_at" ] || fail "a frozen kiosk still pinged the watchdog"
echo "frozen kiosk: no pings for 1.5 s; the supervisor restarts it"
kill -9 "$kpid"; wait "$kpid" 2>/dev/null
start_kiosk
wait_for "READY=1" 2 15 || fail "the restarted kiosk never said READY=1"
wait_for "WATCHDOG=1" $(( frozen_at + 2 )) 5 || fail "the restarted kiosk does not ping"

# SIGTERM: STOPPING=1 and a clean exit within 2 s.
kill -TERM "$kpid"
for _ in $(seq 40); do kill -0 "$kpid" 2>/dev/null || break; sleep 0.05; done
kill -0 "$kpid" 2>/dev/null && fail "the kiosk did not stop within 2 s of SIGTERM"
wait "$kpid"; rc=$?
[ "$rc" -eq 0 ] || fail "the kiosk exited with $rc on SIGTERM"
wait_for "STOPPING=1" 1 2 || fail "the kiosk did not say STOPPING=1"

# The hub: READY=1 once listening, STOPPING=1 on SIGTERM.
NOTIFY_SOCKET="$tmp/notify.sock" "$hub" --data "$tmp/hub" --listen 127.0.0.1:0 >> "$tmp/log" 2>&1 &
hpid=$!
pids+=($hpid)
wait_for "READY=1" 3 10 || fail "the hub never said READY=1"
kill -TERM "$hpid"; wait "$hpid"; rc=$?
[ "$rc" -eq 0 ] || fail "the hub exited with $rc on SIGTERM"
wait_for "STOPPING=1" 2 2 || fail "the hub did not say STOPPING=1"
echo "service_watchdog: ok"
