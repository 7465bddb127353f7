#!/usr/bin/env bash
# kiosk_image_lockdown: deploy/image/build-kiosk-image.sh --configure-only, run on an empty
# folder, really locks a kiosk down: no getty on any VT, no automatic VTs, no SysRq, no
# Ctrl+Alt+Del, no power or suspend keys, the kiosk enabled under graphical.target as the
# default target, upgrades out of hours from Debian security and IT's repository only, no
# sshd unless --ssh-key (then key only), and the first-boot enrollment only with --code,
# its code in a file only root can read. The units it writes pass `systemd-analyze verify`.
set -uo pipefail
src="${1:-$(cd "$(dirname "$0")/../.." && pwd)}"
script="$src/deploy/image/build-kiosk-image.sh"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
command -v systemd-analyze >/dev/null || fail "systemd-analyze is missing (Debian package systemd)"

bash -n "$script" || fail "bash -n: $script has syntax errors"

repo='deb [signed-by=/usr/share/keyrings/ledsager-it.gpg] https://apt.kommune.example.dk/ledsager bookworm main'
echo "not a real key" > "$tmp/repo.gpg"
echo "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBogusKeyForTheTestOnly it@kommune.example.dk" > "$tmp/it.pub"
code='ABCD-EFGH-JKLM'

# 1. No --code, no --ssh-key.
r="$tmp/plain"; mkdir "$r"
"$script" --configure-only "$r" --repo "$repo" --repo-key "$tmp/repo.gpg" --hostname kiosk-test 2> "$tmp/plain.log" \
  || { cat "$tmp/plain.log"; fail "--configure-only failed"; }
sd="$r/etc/systemd/system"

masked() { [ "$(readlink "$sd/$1")" = /dev/null ] || fail "$1 is not masked"; }
# Every getty: the templates (all instances), the static/console/container ones, the target.
for u in getty@.service autovt@.service serial-getty@.service console-getty.service \
         container-getty@.service getty-static.service getty.target debug-shell.service; do masked "$u"; done
# No getty instance enabled anywhere (e.g. getty.target.wants/getty@tty1.service).
found="$(find "$r" -path '*.wants/*getty*' 2>/dev/null)"
[ -z "$found" ] || fail "a getty is enabled: $found"
masked ctrl-alt-del.target
for u in sleep.target suspend.target hibernate.target hybrid-sleep.target; do masked "$u"; done

# A key=value in the files under DIR (later files win, as systemd and sysctl read them).
setting() {  # setting KEY FILE...
  local key="$1"; shift
  cat "$@" 2>/dev/null | sed -n "s/^[[:space:]]*$key[[:space:]]*=[[:space:]]*//p" | tail -1
}
logind=("$r"/etc/systemd/logind.conf.d/*.conf)
[ "$(setting NAutoVTs "${logind[@]}")" = 0 ] || fail "logind NAutoVTs is not 0"
[ "$(setting ReserveVT "${logind[@]}")" = 0 ] || fail "logind ReserveVT is not 0"
for k in HandlePowerKey HandlePowerKeyLongPress HandleRebootKey HandleSuspendKey HandleHibernateKey \
         HandleLidSwitch HandleLidSwitchExternalPower HandleLidSwitchDocked; do
  [ "$(setting "$k" "${logind[@]}")" = ignore ] || fail "logind $k is not ignore"
done
# These are keys this systemd knows (a misspelt key would be ignored with a warning).
if [ -x /lib/systemd/systemd-logind ]; then
  for k in NAutoVTs ReserveVT HandlePowerKeyLongPress HandleRebootKey HandleSuspendKeyLongPress; do
    grep -aq "Login.$k" /lib/systemd/systemd-logind || fail "systemd-logind does not know $k"
  done
fi
[ "$(setting CtrlAltDelBurstAction "$r"/etc/systemd/system.conf.d/*.conf)" = none ] || fail "CtrlAltDelBurstAction is not none"
[ "$(setting kernel.sysrq "$r"/etc/sysctl.d/*.conf)" = 0 ] || fail "kernel.sysrq is not 0"
case "$(ls "$r"/etc/sysctl.d/)" in [0-4]*|50*) fail "the sysctl file must sort after systemd's 50-default.conf" ;; esac

# Boot straight to the kiosk.
[ "$(readlink "$sd/default.target")" = /lib/systemd/system/graphical.target ] || fail "default.target is not graphical.target"
[ "$(readlink "$sd/graphical.target.wants/ledsager-kiosk.service")" = /lib/systemd/system/ledsager-kiosk.service ] \
  || fail "ledsager-kiosk.service is not enabled under graphical.target.wants"
grep -q '^WantedBy=graphical.target' "$src/deploy/systemd/ledsager-kiosk.service" || fail "the kiosk unit is not WantedBy=graphical.target"
dropin="$sd/ledsager-kiosk.service.d/10-kiosk-image.conf"
grep -q '^Environment=XKB_DEFAULT_OPTIONS=srvrkeys:none' "$dropin" || fail "the kiosk's keymap keeps the VT-switch keys"
if grep '^Environment=XKB_DEFAULT_OPTIONS' "$dropin" | grep -q 'terminate:'; then fail "the kiosk's keymap has Ctrl+Alt+Backspace"; fi
if grep -Eq '^ExecStart=.*cage .*-s( |$)' "$src/deploy/systemd/ledsager-kiosk.service"; then fail "cage runs with -s (VT switching)"; fi

# Nobody logs in: no sshd, no autologin.
[ ! -e "$r/etc/ssh/sshd_config.d/ledsager-kiosk.conf" ] || fail "sshd configuration written without --ssh-key"
[ ! -e "$r/root/.ssh/authorized_keys" ] || fail "authorized_keys written without --ssh-key"
masked ssh.service
if grep -rqs -e '--autologin' -e 'autologin' "$sd"; then fail "an autologin is configured"; fi

# Unattended upgrades: out of hours, from Debian security and the IT repository.
for t in apt-daily-upgrade apt-daily; do
  f="$sd/$t.timer.d/ledsager-kiosk.conf"
  [ -f "$f" ] || fail "no $t.timer drop-in"
  grep -qx 'OnCalendar=' "$f" || fail "$t.timer drop-in does not reset Debian's OnCalendar first"
  cal="$(grep '^OnCalendar=.' "$f" | tail -1 | cut -d= -f2-)"
  norm="$(systemd-analyze calendar "$cal" 2>&1 | sed -n 's/.*Normalized form: //p')" || true
  [ -n "$norm" ] || fail "$t.timer: OnCalendar=$cal is not a calendar expression"
  hour="$(sed -n 's/.* \([0-9][0-9]\):[0-9][0-9]:[0-9][0-9]$/\1/p' <<< "$norm")"
  [ -n "$hour" ] && [ "$((10#$hour))" -ge 0 ] && [ "$((10#$hour))" -lt 6 ] \
    || fail "$t.timer runs at '$norm': not between 00:00 and 06:00"
  delay="$(setting RandomizedDelaySec "$f")"
  [ -n "$delay" ] || fail "$t.timer has no RandomizedDelaySec"
  # The drop-in merged into Debian's timer is a valid timer.
  if [ -f "/lib/systemd/system/$t.timer" ]; then cat "/lib/systemd/system/$t.timer" "$f" > "$tmp/$t.timer"; fi
done
uu="$r/etc/apt/apt.conf.d/52ledsager-unattended-upgrades"
grep -q '"origin=Debian,codename=${distro_codename}-security,label=Debian-Security";' "$uu" || fail "unattended-upgrades does not take Debian-Security"
grep -q '"site=apt.kommune.example.dk";' "$uu" || fail "unattended-upgrades does not take the IT repository"
grep -q 'APT::Periodic::Unattended-Upgrade "1"' "$r/etc/apt/apt.conf.d/20auto-upgrades" || fail "unattended upgrades are not switched on"
grep -qxF "$repo" "$r/etc/apt/sources.list.d/ledsager.list" || fail "the IT repository is not in sources.list.d"
cmp -s "$tmp/repo.gpg" "$r/usr/share/keyrings/ledsager-it.gpg" || fail "the repository key is not at its signed-by path"
grep -q -- '-security main' "$r/etc/apt/sources.list" || fail "no Debian security in sources.list"
[ ! -e "$sd/ledsager-enroll.service" ] || fail "an enrollment unit was written without --code"
[ ! -e "$r/etc/ledsager/enroll.env" ] || fail "an enrollment code file was written without --code"
[ "$(cat "$r/etc/hostname")" = kiosk-test ] || fail "--hostname was not written"
grep -q '^SupplementaryGroups=lp' "$dropin" || fail "the kiosk cannot reach a USB receipt printer (group lp)"
# Run again on the same root without --repo (the per-kiosk step): still upgrades from IT's repository.
"$script" --configure-only "$r" --hostname kiosk-test-2 2> /dev/null || fail "a second --configure-only failed"
grep -q '"site=apt.kommune.example.dk";' "$uu" || fail "a second run without --repo dropped the IT repository from unattended-upgrades"

# 2. With --code and --ssh-key, on a copy of a root that has accounts.
r2="$tmp/full"; mkdir -p "$r2/etc"
printf 'root:x:0:0:root:/root:/bin/bash\nledsager:x:998:998::/var/lib/ledsager:/bin/sh\n' > "$r2/etc/passwd"
printf 'root:*:19000:0:99999:7:::\nledsager:!:19000::::::\n' > "$r2/etc/shadow"; chmod 0640 "$r2/etc/shadow"
"$script" --configure-only "$r2" --hub https://hub.kommune.example.dk:8443 --code "$code" --ssh-key "$tmp/it.pub" \
  2> "$tmp/full.log" || { cat "$tmp/full.log"; fail "--configure-only with --code and --ssh-key failed"; }
sd2="$r2/etc/systemd/system"
ssh="$r2/etc/ssh/sshd_config.d/ledsager-kiosk.conf"
[ -f "$ssh" ] || fail "--ssh-key wrote no sshd configuration"
# sshd: "Keyword value", the first one in the files wins.
sshd_setting() { awk -v k="$1" 'tolower($1) == tolower(k) { print $2; exit }' "$2"; }
[ "$(sshd_setting PasswordAuthentication "$ssh")" = no ] || fail "sshd allows passwords"
[ "$(sshd_setting KbdInteractiveAuthentication "$ssh")" = no ] || fail "sshd allows keyboard-interactive logins"
grep -q '^AuthenticationMethods publickey' "$ssh" || fail "sshd does not require a key"
cmp -s "$tmp/it.pub" "$r2/root/.ssh/authorized_keys" || fail "the IT key is not in root's authorized_keys"
[ "$(stat -c %a "$r2/root/.ssh/authorized_keys")" = 600 ] || fail "authorized_keys is not 0600"
[ "$(readlink "$sd2/multi-user.target.wants/ssh.service")" = /lib/systemd/system/ssh.service ] || fail "ssh.service is not enabled with --ssh-key"
[ "$(readlink "$sd2/ssh.service")" != /dev/null ] || fail "ssh.service is still masked with --ssh-key"
grep -q '^ExecStartPre=/usr/bin/ssh-keygen -A' "$sd2/ssh.service.d/ledsager-host-keys.conf" || fail "kiosks would share the image's SSH host keys"
grep -q '^root:!' "$r2/etc/shadow" || fail "root's password is not locked"
grep -q '^ledsager:.*:/usr/sbin/nologin$' "$r2/etc/passwd" || fail "the ledsager user has a login shell"
grep -q '^root:' "$r2/etc/passwd" || fail "root vanished from passwd"

enroll="$sd2/ledsager-enroll.service"
[ -f "$enroll" ] || fail "--code wrote no first-boot enrollment unit"
[ "$(readlink "$sd2/multi-user.target.wants/ledsager-enroll.service")" = /etc/systemd/system/ledsager-enroll.service ] \
  || fail "the enrollment unit is not enabled"
grep -q '^ExecStart=/usr/bin/ledsager-kiosk enroll --hub ' "$enroll" || fail "the enrollment unit does not run ledsager-kiosk enroll"
grep -q '^ConditionPathExists=!/var/lib/ledsager/device.toml' "$enroll" || fail "the enrollment unit would run again once enrolled"
grep -q 'disable ledsager-enroll.service' "$enroll" || fail "the enrollment unit does not disable itself"
grep -q '^After=network-online.target' "$enroll" && grep -q '^Wants=network-online.target' "$enroll" \
  || fail "the enrollment unit does not wait for the network"
# The code: only in a 0600 file, nowhere world-readable.
holders="$(grep -rlF -- "$code" "$r2" 2>/dev/null)"
[ -n "$holders" ] || fail "the code is nowhere in the image"
for f in $holders; do
  m="$(stat -c %a "$f")"
  [ "$m" = 600 ] || fail "the enrollment code is in $f with mode $m (must be 0600)"
  [ "$(stat -c %u "$f")" = 0 ] || fail "the enrollment code file $f is not root's"
done
ef="$(sed -n 's/^EnvironmentFile=-\{0,1\}//p' "$enroll")"
[ -n "$ef" ] && [ -f "$r2$ef" ] && grep -qF "$code" "$r2$ef" || fail "the unit does not read the code from its 0600 file"
grep -q '^User=ledsager' "$enroll" || fail "enrollment does not run as the kiosk user (device.toml must be its own)"

# systemd-analyze verify on the units written (programs pointed at ones that exist here).
sed -e 's|/usr/bin/ledsager-kiosk|/bin/true|' "$enroll" > "$tmp/ledsager-enroll.service"
units=("$tmp/ledsager-enroll.service")
for t in apt-daily-upgrade apt-daily; do [ -f "$tmp/$t.timer" ] && units+=("$tmp/$t.timer"); done
out="$(SYSTEMD_LOG_LEVEL=notice systemd-analyze verify --man=no "${units[@]}" 2>&1)"; rc=$?
echo "$out"
problems="$(echo "$out" | grep -v -e '^$' -e 'Failed to prepare filename' || true)"
[ "$rc" = 0 ] && [ -z "$problems" ] || fail "systemd-analyze verify (exit $rc): $problems"

# 3. Mistakes are refused with the option named.
if "$script" --configure-only "$tmp/plain" --code X 2> "$tmp/err.log"; then fail "--code without --hub was accepted"; fi
grep -q -- '--hub' "$tmp/err.log" || fail "the error for --code without --hub does not name --hub"
if "$script" --configure-only "$tmp/plain" --repo "deb https://x.example.dk/ bookworm main" 2> "$tmp/err.log"; then
  fail "--repo without signed-by was accepted"; fi
grep -q 'signed-by' "$tmp/err.log" || fail "the error for --repo does not mention signed-by"
if "$script" --debs /nonexistent 2> "$tmp/err.log" && [ "$(id -u)" = 0 ]; then fail "--debs /nonexistent was accepted"; fi
grep -q -e '--debs' -e 'root' "$tmp/err.log" || fail "the error for a bad --debs names neither --debs nor root"

echo "kiosk_image_lockdown: ok"
