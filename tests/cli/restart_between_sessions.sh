#!/usr/bin/env bash
# kiosk_restart_between_sessions: after a package upgrade the postinst sends SIGUSR1; the
# kiosk never cuts a citizen's session for it. In a session it waits until the session has
# ended (here: short timeouts) and exits 0 at the attract screen, which systemd's
# Restart=always turns into the new program; idle, it exits at once.
set -uo pipefail
kiosk="$1"; src="$2"
tmp="$(mktemp -d)"; pids=()
trap 'for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; sed 's/^/  log: /' "$tmp/log" | tail -15; exit 1; }
Xvfb -displayfd 3 -screen 0 1280x720x24 -nolisten tcp 3> "$tmp/display" 2>/dev/null &
pids+=($!)
for _ in $(seq 50); do [ -s "$tmp/display" ] && break; sleep 0.1; done
export DISPLAY=":$(cat "$tmp/display")"
cat > "$tmp/kiosk.toml" <<'TOML'
[session]
inactivity_timeout_s = 30
warning_countdown_s = 20
wiped_notice_s = 3
TOML
start() {
  : > "$tmp/log"
  SDL_AUDIODRIVER=dummy "$kiosk" --config "$tmp/kiosk.toml" --device "$tmp/none.toml" --windowed 1280x720 >> "$tmp/log" 2>&1 &
  kpid=$!; pids+=($kpid)
  for _ in $(seq 100); do grep -q "first frame drawn" "$tmp/log" && break; sleep 0.1; done
  grep -q "first frame drawn" "$tmp/log" || fail "no first frame"
}
exited_within() {  # SECONDS: true when the kiosk exited (rc in $rc)
  for _ in $(seq $(( $1 * 10 ))); do kill -0 "$kpid" 2>/dev/null || { wait "$kpid"; rc=$?; return 0; }; sleep 0.1; done
  return 1
}

# In a session: the signal waits for the session to end.
start
wid=$(xdotool search --name Ledsager 2>/dev/null | head -1)
[ -n "$wid" ] || fail "no window named Ledsager"
xdotool mousemove --window "$wid" 640 360 click 1; sleep 0.3
xdotool mousemove --window "$wid" 900 300 click 1; sleep 0.3
t0=$(date +%s)
kill -USR1 "$kpid"
sleep 2
kill -0 "$kpid" 2>/dev/null || fail "the kiosk quit in the middle of a session"
grep -q "restart requested: waiting for the session to end" "$tmp/log" || fail "no word of the waiting restart"
exited_within 75 || fail "the kiosk did not restart after the session ended"
waited=$(( $(date +%s) - t0 ))
[ "$rc" -eq 0 ] || fail "exit code $rc"
grep -q "restarting for the new version" "$tmp/log" || fail "no word of the restart"
[ "$waited" -ge 40 ] || fail "exited after $waited s: sooner than the session could have ended (30 s + 20 s)"
echo "in a session: exited 0 after the session ended ($waited s)"

# Idle at the attract screen: at once.
start
kill -USR1 "$kpid"
exited_within 2 || fail "an idle kiosk did not restart within 2 s"
[ "$rc" -eq 0 ] || fail "exit code $rc"
echo "idle: exited 0 at once"
echo "kiosk_restart_between_sessions: ok"
