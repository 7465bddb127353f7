#!/usr/bin/env bash
# systemd_units_verify: the committed units (deploy/systemd) pass `systemd-analyze verify`,
# with the programs they start pointing at this build, and keep the settings the kiosk and
# the hub rely on (notify readiness, the watchdog, restart, hardening, no VT switching).
set -uo pipefail
kiosk="$1"; hub="$2"; src="$3"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
command -v systemd-analyze >/dev/null || fail "systemd-analyze is missing (Debian package systemd)"
command -v cage >/dev/null || fail "cage is missing (Debian package cage)"
for u in ledsager-kiosk.service ledsager-hub.service; do
  sed -e "s|/usr/bin/ledsager-kiosk|$kiosk|" -e "s|/usr/bin/ledsager-hub|$hub|" "$src/deploy/systemd/$u" > "$tmp/$u"
done
out="$(SYSTEMD_LOG_LEVEL=notice systemd-analyze verify --man=no "$tmp/ledsager-kiosk.service" "$tmp/ledsager-hub.service" 2>&1)"
rc=$?
# Units this container lacks (getty, graphical.target's peers) are not the units' fault.
problems="$(echo "$out" | grep -v -e "^$" -e "getty@tty1.service" -e "Failed to prepare filename" -e "plymouth" || true)"
echo "$out"
# Any complaint fails the test (systemd-analyze "ignores" a bad line with exit 0 but says so).
[ -z "$problems" ] || fail "systemd-analyze verify (exit $rc): $problems"
k="$src/deploy/systemd/ledsager-kiosk.service"; h="$src/deploy/systemd/ledsager-hub.service"
for want in "Type=notify" "NotifyAccess=all" "WatchdogSec=" "Restart=always" "User=ledsager" "NoNewPrivileges=yes"; do
  grep -q "^$want" "$k" || fail "ledsager-kiosk.service lacks $want"
done
grep -q "^ExecStart=/usr/bin/cage -d -- " "$k" || fail "the kiosk must run under cage without -s (no VT switching)"
for want in "Type=notify" "ProtectSystem=strict" "NoNewPrivileges=yes" "StateDirectory=ledsager-hub" "CapabilityBoundingSet=" "PrivateDevices=yes"; do
  grep -q "^$want" "$h" || fail "ledsager-hub.service lacks $want"
done
echo "systemd_units_verify: ok"
