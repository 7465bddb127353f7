#!/usr/bin/env bash
# kiosk_upgrade_between_sessions: the kiosk package's postinst, on an upgrade ("configure"
# with the previous version in $2), asks the running kiosk to exit between sessions
# (pkill -USR1 -x ledsager-kiosk) and never restarts the service; a first install signals
# nothing; a missing kiosk process is not an error. Run with stand-ins for the system tools.
set -uo pipefail
src="${1:-$(cd "$(dirname "$0")/../.." && pwd)}"
postinst="$src/deploy/debian/kiosk/postinst"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
sh -n "$postinst" || fail "the postinst is not valid sh"
mkdir "$tmp/bin"
for t in getent adduser install systemctl pkill deb-systemd-invoke invoke-rc.d service; do
  printf '#!/bin/sh\necho "%s $*" >> "%s/calls"\n[ "%s" != pkill ] || exit "${PKILL_RC:-0}"\n' "$t" "$tmp" "$t" > "$tmp/bin/$t"
  chmod +x "$tmp/bin/$t"
done
run() { : > "$tmp/calls"; PATH="$tmp/bin:/usr/bin:/bin" sh "$postinst" "$@" || fail "postinst $* failed"; }

run configure ""
if grep -q '^pkill' "$tmp/calls"; then fail "a first install signals the kiosk"; fi
run configure 0.9.0
grep -qx 'pkill -USR1 -x ledsager-kiosk' "$tmp/calls" || fail "an upgrade does not send SIGUSR1 to ledsager-kiosk: $(cat "$tmp/calls")"
if grep -Eq 'restart|stop|reload-or' "$tmp/calls"; then fail "an upgrade restarts or stops the kiosk: $(grep -E 'restart|stop' "$tmp/calls")"; fi
if grep -Eq 'deb-systemd-invoke|invoke-rc.d|service ' "$tmp/calls"; then fail "an upgrade (re)starts the kiosk by another route"; fi
PKILL_RC=1 run configure 0.9.0  # no kiosk running: still a successful upgrade
if grep -Eq '^(systemctl|deb-systemd-invoke) .*(restart|start|stop)' "$postinst"; then fail "the postinst can restart the kiosk"; fi
echo "kiosk_upgrade_between_sessions: ok"
