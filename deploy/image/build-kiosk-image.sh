#!/usr/bin/env bash
# build-kiosk-image.sh: a locked-down Debian 12 root file system for a Ledsager kiosk.
#
#   build-kiosk-image.sh --debs DIR [--out ROOT] [--tar OUT.tar.gz] [--hostname NAME]
#                        [--hub URL --code CODE [--hub-ca FILE]] [--keyboard LAYOUT]
#                        [--repo "deb [signed-by=/usr/share/keyrings/X.gpg] URL bookworm main" --repo-key FILE]
#                        [--ssh-key FILE] [--mirror URL]
#   build-kiosk-image.sh --configure-only ROOT [same options, no --debs]
#
# The full build (as root) runs debootstrap (bookworm, minbase, from --mirror), installs the
# ledsager-kiosk package from --debs with apt (so its Depends come in) plus what a kiosk
# needs and nothing else, then applies the configuration stage. --configure-only applies
# only the configuration stage to ROOT: no debootstrap, apt or chroot; what a chroot command
# would do is written as files where that is possible (a masked unit is a symlink to
# /dev/null, an enabled unit a symlink in *.wants), and the rest is skipped and listed.
# See deploy/provisioning.md for what each setting is for.
set -euo pipefail

prog="$(basename "$0")"
die() { echo "$prog: $*" >&2; exit 2; }
note() { echo "$prog: $*" >&2; }

suite=bookworm
mirror=http://deb.debian.org/debian
security_mirror=http://deb.debian.org/debian-security
out=""; tar_out=""; debs=""; hostname_=ledsager-kiosk; hub=""; code=""; hub_ca=""
repo=""; repo_key=""; ssh_key=""; keyboard=dk; configure_only=0; hostname_given=0

need_arg() { [ $# -ge 2 ] && [ -n "$2" ] || die "$1 needs a value"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --configure-only) need_arg "$@"; configure_only=1; out="$2"; shift 2 ;;
    --out) need_arg "$@"; out="$2"; shift 2 ;;
    --tar) need_arg "$@"; tar_out="$2"; shift 2 ;;
    --debs) need_arg "$@"; debs="$2"; shift 2 ;;
    --hostname) need_arg "$@"; hostname_="$2"; hostname_given=1; shift 2 ;;
    --hub) need_arg "$@"; hub="$2"; shift 2 ;;
    --code) need_arg "$@"; code="$2"; shift 2 ;;
    --hub-ca) need_arg "$@"; hub_ca="$2"; shift 2 ;;
    --repo) need_arg "$@"; repo="$2"; shift 2 ;;
    --repo-key) need_arg "$@"; repo_key="$2"; shift 2 ;;
    --ssh-key) need_arg "$@"; ssh_key="$2"; shift 2 ;;
    --keyboard) need_arg "$@"; keyboard="$2"; shift 2 ;;
    --mirror) need_arg "$@"; mirror="$2"; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done

# ---- checking the options ---------------------------------------------------------------
[ -n "$out" ] || { [ "$configure_only" = 1 ] && die "--configure-only needs ROOT"; out=./kiosk-root; }
if [ "$configure_only" = 0 ]; then
  [ "$(id -u)" = 0 ] || die "the full build must run as root (debootstrap, chroot); --configure-only ROOT does not"
  [ -n "$debs" ] || die "--debs DIR is required: the folder with ledsager-kiosk_*.deb (from cpack -G DEB)"
  [ -d "$debs" ] || die "--debs: '$debs' is not a folder"
  kiosk_deb="$(ls "$debs"/ledsager-kiosk_*.deb 2>/dev/null | sort -V | tail -1)"
  [ -n "$kiosk_deb" ] || die "--debs: no ledsager-kiosk_*.deb in '$debs'"
  command -v debootstrap >/dev/null || die "debootstrap is missing (apt-get install debootstrap)"
fi
if [ "$configure_only" = 1 ]; then
  [ -d "$out" ] || die "--configure-only: '$out' is not a folder"
fi
[ -z "$code" ] || [ -n "$hub" ] || die "--code needs --hub URL (the hub the code was made on)"
[ -z "$hub" ] || [ -n "$code" ] || die "--hub needs --code CODE (ledsager-hub enroll-code on the hub)"
case "$hub" in ""|https://*|http://*) ;; *) die "--hub: expected https://HOST[:PORT] (got '$hub')" ;; esac
case "$hub$code" in *[[:space:]\"\'\\%\$]*) die "--hub/--code: no spaces, quotes, backslashes, % or \$ allowed" ;; esac
[ -z "$hub_ca" ] || [ -f "$hub_ca" ] || die "--hub-ca: no file '$hub_ca'"
[ -z "$hub_ca" ] || [ -n "$hub" ] || die "--hub-ca goes with --hub and --code"
[ -z "$ssh_key" ] || [ -f "$ssh_key" ] || die "--ssh-key: no file '$ssh_key'"
[ -z "$ssh_key" ] || grep -Eq '^(ssh-|ecdsa-|sk-)' "$ssh_key" || die "--ssh-key: '$ssh_key' is not an OpenSSH public key"
case "$hostname_" in *[!a-zA-Z0-9-]*|-*|"") die "--hostname: letters, digits and '-' only (got '$hostname_')" ;; esac
case "$keyboard" in *[!a-z0-9_,]*) die "--keyboard: an XKB layout such as dk or dk,us (got '$keyboard')" ;; esac
repo_keyring=""; repo_host=""
if [ -n "$repo" ]; then
  case "$repo" in "deb "*) ;; *) die "--repo: expected \"deb [signed-by=/usr/share/keyrings/NAME.gpg] URL bookworm main\"" ;; esac
  repo_keyring="$(sed -n 's/.*signed-by=\([^] ]*\).*/\1/p' <<< "$repo")"
  [ -n "$repo_keyring" ] || die "--repo: needs [signed-by=/usr/share/keyrings/NAME.gpg] (a kiosk trusts only keys it is told to)"
  case "$repo_keyring" in /*) ;; *) die "--repo: signed-by must be an absolute path (got '$repo_keyring')" ;; esac
  [ -n "$repo_key" ] || die "--repo needs --repo-key FILE (the repository's public key, written to $repo_keyring)"
  [ -f "$repo_key" ] || die "--repo-key: no file '$repo_key'"
  repo_host="$(sed -n 's|.*://\([^/:]*\).*|\1|p' <<< "$repo")"
  [ -n "$repo_host" ] || die "--repo: no URL in '$repo'"
fi
[ -z "$repo_key" ] || [ -n "$repo" ] || die "--repo-key goes with --repo"

# ---- small helpers for writing into ROOT ------------------------------------------------
put() {  # put MODE PATH: standard input into ROOT/PATH
  local mode="$1" path="$root$2"
  mkdir -p "$(dirname "$path")"
  cat > "$path"
  chmod "$mode" "$path"
}
unitdir=/etc/systemd/system
mask() {  # what `systemctl mask` does
  local u
  for u in "$@"; do mkdir -p "$root$unitdir"; ln -sfn /dev/null "$root$unitdir/$u"; done
}
enable_in() {  # enable_in TARGET UNIT [UNIT_DIR]: what `systemctl enable` does for WantedBy=TARGET
  local target="$1" unit="$2" from="${3:-/lib/systemd/system}"
  mkdir -p "$root$unitdir/$target.wants"
  ln -sfn "$from/$unit" "$root$unitdir/$target.wants/$unit"
}

# A system file the stage would replace: always in a full build; with --configure-only only
# when missing or written by this script, so a running Debian's own is left alone.
mark="Made by build-kiosk-image.sh"
replaceable() { [ "$configure_only" = 0 ] || [ ! -s "$root$1" ] || grep -qs "$mark" "$root$1"; }

# ---- the configuration stage: files only, runnable on its own ---------------------------
configure_root() {
  root="$(cd "$1" && pwd)"
  # Run again on a configured ROOT (e.g. to add --code per kiosk) without --repo: keep the
  # IT repository that is already there, and keep upgrading from it.
  if [ -z "$repo_host" ] && [ -f "$root/etc/apt/sources.list.d/ledsager.list" ]; then
    repo_host="$(sed -n 's|^deb .*://\([^/:]*\).*|\1|p' "$root/etc/apt/sources.list.d/ledsager.list" | head -1)"
  fi

  # Identity.
  if [ "$hostname_given" = 1 ] || replaceable /etc/hostname; then
    echo "$hostname_" | put 0644 /etc/hostname
  fi
  if [ "$hostname_given" = 1 ] || replaceable /etc/hosts; then
    printf '# %s\n127.0.0.1\tlocalhost\n127.0.1.1\t%s\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' "$mark" "$hostname_" | put 0644 /etc/hosts
  fi
  # Disk layout the provisioning guide makes (labels, so the image fits any disk).
  replaceable /etc/fstab && put 0644 /etc/fstab <<'EOF'
# Made by build-kiosk-image.sh; deploy/provisioning.md makes partitions with these labels.
LABEL=ledsager-root  /          ext4  errors=remount-ro  0  1
LABEL=KIOSK-ESP      /boot/efi  vfat  umask=0077         0  2
EOF
  put 0644 /etc/default/grub.d/ledsager-kiosk.cfg <<'EOF'
# Kiosk boot: no menu, no recovery entries (a recovery entry is a root shell offer).
GRUB_TIMEOUT=0
GRUB_TIMEOUT_STYLE=hidden
GRUB_DISABLE_RECOVERY=true
GRUB_DISABLE_OS_PROBER=true
GRUB_CMDLINE_LINUX_DEFAULT="quiet loglevel=3"
EOF

  # Boot to the kiosk: graphical.target, the kiosk unit enabled there.
  mkdir -p "$root$unitdir"
  ln -sfn /lib/systemd/system/graphical.target "$root$unitdir/default.target"
  enable_in graphical.target ledsager-kiosk.service
  # Keyboard for the kiosk: the layout, and no Ctrl+Alt+Fn "server keys" (XF86Switch_VT_n)
  # or Ctrl+Alt+Backspace (Terminate_Server) in the keymap at all. cage reads these
  # XKB_DEFAULT_* variables for its keymap.
  put 0644 "$unitdir/ledsager-kiosk.service.d/10-kiosk-image.conf" <<EOF
# From build-kiosk-image.sh: the kiosk's keymap (cage reads XKB_DEFAULT_*). srvrkeys:none
# leaves no VT-switch keysyms in the keymap, so no Ctrl+Alt+Fn reaches anything that could
# act on it; terminate:ctrl_alt_bksp is not set, so Ctrl+Alt+Backspace is an ordinary key.
# lp: a USB receipt printer (/dev/usb/lp0) belongs to the group lp.
[Service]
SupplementaryGroups=lp
Environment=XKB_DEFAULT_LAYOUT=$keyboard
Environment=XKB_DEFAULT_OPTIONS=srvrkeys:none
EOF

  # No login prompt anywhere: every getty masked (the template masks every instance), no
  # automatic VTs, no debug shell.
  mask getty@.service autovt@.service serial-getty@.service console-getty.service \
       container-getty@.service getty-static.service getty.target debug-shell.service
  put 0644 /etc/systemd/logind.conf.d/ledsager-kiosk.conf <<'EOF'
# From build-kiosk-image.sh: no login VTs, and the machine's own keys do nothing.
[Login]
NAutoVTs=0
ReserveVT=0
HandlePowerKey=ignore
HandlePowerKeyLongPress=ignore
HandleRebootKey=ignore
HandleRebootKeyLongPress=ignore
HandleSuspendKey=ignore
HandleSuspendKeyLongPress=ignore
HandleHibernateKey=ignore
HandleHibernateKeyLongPress=ignore
HandleLidSwitch=ignore
HandleLidSwitchExternalPower=ignore
HandleLidSwitchDocked=ignore
IdleAction=ignore
EOF
  # Ctrl+Alt+Del: the target masked, and seven presses in two seconds do nothing either.
  mask ctrl-alt-del.target
  put 0644 /etc/systemd/system.conf.d/ledsager-kiosk.conf <<'EOF'
# From build-kiosk-image.sh: Ctrl+Alt+Del pressed 7 times in 2 s would force a reboot.
[Manager]
CtrlAltDelBurstAction=none
EOF
  # Magic SysRq: the kernel's input handler sees every keyboard whatever the VT mode.
  put 0644 /etc/sysctl.d/90-ledsager-kiosk.conf <<'EOF'
# From build-kiosk-image.sh: no magic SysRq keys (Alt+SysRq+...: reboot, kill all, ...).
kernel.sysrq = 0
EOF
  # No suspend or hibernate by any route.
  mask sleep.target suspend.target hibernate.target hybrid-sleep.target suspend-then-hibernate.target

  # Network: DHCP on any wired port (systemd-networkd), names through systemd-resolved.
  put 0644 /etc/systemd/network/20-wired.network <<'EOF'
[Match]
Name=en* eth*

[Network]
DHCP=yes
EOF
  enable_in multi-user.target systemd-networkd.service
  enable_in sockets.target systemd-networkd.socket
  enable_in network-online.target systemd-networkd-wait-online.service
  enable_in multi-user.target systemd-resolved.service
  enable_in sysinit.target systemd-timesyncd.service
  # Logs survive a reboot (IT reads them for a failing kiosk); nothing about citizens is logged.
  put 0644 /etc/systemd/journald.conf.d/ledsager-kiosk.conf <<'EOF'
[Journal]
Storage=persistent
SystemMaxUse=200M
EOF
  mkdir -p "$root/var/log/journal"

  # Apt sources: Debian, Debian security, and the IT department's repository.
  replaceable /etc/apt/sources.list && put 0644 /etc/apt/sources.list <<EOF
# $mark
deb $mirror $suite main
deb $mirror $suite-updates main
deb $security_mirror $suite-security main
EOF
  if [ -n "$repo" ]; then
    echo "$repo" | put 0644 /etc/apt/sources.list.d/ledsager.list
    put 0644 "$repo_keyring" < "$repo_key"
  fi
  # Unattended upgrades: only Debian security and the IT repository, never a prompt.
  put 0644 /etc/apt/apt.conf.d/20auto-upgrades <<'EOF'
APT::Periodic::Update-Package-Lists "1";
APT::Periodic::Unattended-Upgrade "1";
APT::Periodic::AutocleanInterval "7";
EOF
  {
    echo '// From build-kiosk-image.sh: what a kiosk upgrades by itself (see deploy/apt-repository.md).'
    echo 'Unattended-Upgrade::Origins-Pattern {'
    echo '        "origin=Debian,codename=${distro_codename}-security,label=Debian-Security";'
    [ -z "$repo_host" ] || echo "        \"site=$repo_host\";"
    echo '};'
    cat <<'EOF'
// A kiosk.toml changed on this kiosk is kept; the package's new one is left beside it.
Dpkg::Options { "--force-confdef"; "--force-confold"; };
Unattended-Upgrade::Remove-Unused-Dependencies "true";
Unattended-Upgrade::OnlyOnACPower "false";
// A new kernel needs a reboot: done at night, when the building is closed. A new
// ledsager-kiosk does not: its postinst lets the running kiosk finish the citizen's session.
Unattended-Upgrade::Automatic-Reboot "true";
Unattended-Upgrade::Automatic-Reboot-Time "04:30";
EOF
  } | put 0644 /etc/apt/apt.conf.d/52ledsager-unattended-upgrades
  # Out of hours: lists at about 02:30, the upgrade at about 03:30 (each up to 30 min later,
  # so a whole fleet does not hit the repository at once). A kiosk switched off at night
  # catches up when it next starts (Persistent), and a new kiosk version still waits for the
  # session in progress to end.
  put 0644 "$unitdir/apt-daily.timer.d/ledsager-kiosk.conf" <<'EOF'
[Timer]
OnCalendar=
OnCalendar=*-*-* 02:30
RandomizedDelaySec=30m
Persistent=true
EOF
  put 0644 "$unitdir/apt-daily-upgrade.timer.d/ledsager-kiosk.conf" <<'EOF'
[Timer]
OnCalendar=
OnCalendar=*-*-* 03:30
RandomizedDelaySec=30m
Persistent=true
EOF
  enable_in timers.target apt-daily.timer
  enable_in timers.target apt-daily-upgrade.timer

  # Audio: plain ALSA (see deploy/provisioning.md); levels restored at boot by alsa-utils.
  # A USB headset that is always plugged in can be made the default with
  # /etc/asound.conf ("defaults.pcm.card NAME" and "defaults.ctl.card NAME").

  # SSH for IT only when asked: key only, root only.
  if [ -n "$ssh_key" ]; then
    rm -f "$root$unitdir/ssh.service" "$root$unitdir/sshd.service" "$root$unitdir/ssh.socket"
    put 0644 /etc/ssh/sshd_config.d/ledsager-kiosk.conf <<'EOF'
# From build-kiosk-image.sh --ssh-key: IT logs in as root with a key, nothing else.
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitEmptyPasswords no
AuthenticationMethods publickey
PermitRootLogin prohibit-password
AllowUsers root
X11Forwarding no
EOF
    mkdir -p "$root/root/.ssh"; chmod 0700 "$root/root/.ssh"
    put 0600 /root/.ssh/authorized_keys < "$ssh_key"
    # Each kiosk makes its own host keys at first start (the image carries none).
    put 0644 "$unitdir/ssh.service.d/ledsager-host-keys.conf" <<'EOF'
[Service]
ExecStartPre=
ExecStartPre=/usr/bin/ssh-keygen -A
ExecStartPre=/usr/sbin/sshd -t
EOF
    enable_in multi-user.target ssh.service
    ln -sfn /lib/systemd/system/ssh.service "$root$unitdir/sshd.service"
  else
    rm -f "$root/etc/ssh/sshd_config.d/ledsager-kiosk.conf" "$root/root/.ssh/authorized_keys" \
          "$root$unitdir/ssh.service.d/ledsager-host-keys.conf"
    rm -f "$root$unitdir/multi-user.target.wants/ssh.service"
    mask ssh.service sshd.service ssh.socket
  fi

  # First boot: enroll once with the one-time code, then forget it.
  if [ -n "$code" ]; then
    local ca_arg=""
    if [ -n "$hub_ca" ]; then
      put 0644 /etc/ledsager/hub-ca.pem < "$hub_ca"
      ca_arg=" --ca /etc/ledsager/hub-ca.pem"
    fi
    # The code is a secret until used: in a file only root can read. systemd reads it as
    # root (EnvironmentFile) and starts the enrollment as the kiosk user.
    mkdir -p "$root/etc/ledsager"
    (umask 077; printf 'LEDSAGER_ENROLL_HUB=%s\nLEDSAGER_ENROLL_CODE=%s\n' "$hub" "$code" > "$root/etc/ledsager/enroll.env")
    chmod 0600 "$root/etc/ledsager/enroll.env"
    put 0644 "$unitdir/ledsager-enroll.service" <<EOF
# From build-kiosk-image.sh --code: enrolls this kiosk with the hub once, as soon as the
# network is up, writing /var/lib/ledsager/device.toml (0600, the kiosk user's). On success
# it deletes the code, disables itself and asks the kiosk to restart between sessions
# (SIGUSR1, as an upgrade does) so it reads its new credential. Until then it retries every
# minute: watch with journalctl -u ledsager-enroll.
[Unit]
Description=Ledsager: enroll this kiosk with the hub (first boot, once)
After=network-online.target systemd-timesyncd.service
Wants=network-online.target
ConditionPathExists=/etc/ledsager/enroll.env
ConditionPathExists=!/var/lib/ledsager/device.toml
StartLimitIntervalSec=0

[Service]
Type=oneshot
User=ledsager
Group=ledsager
EnvironmentFile=/etc/ledsager/enroll.env
StateDirectory=ledsager
StateDirectoryMode=0700
ExecStart=/usr/bin/ledsager-kiosk enroll --hub \${LEDSAGER_ENROLL_HUB} --code \${LEDSAGER_ENROLL_CODE}$ca_arg
ExecStartPost=+/bin/rm -f /etc/ledsager/enroll.env
ExecStartPost=+/bin/systemctl --no-block disable ledsager-enroll.service
ExecStartPost=-+/usr/bin/pkill -USR1 -x ledsager-kiosk
Restart=on-failure
RestartSec=60
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes

[Install]
WantedBy=multi-user.target
EOF
    enable_in multi-user.target ledsager-enroll.service /etc/systemd/system
  else
    rm -f "$root$unitdir/ledsager-enroll.service" "$root$unitdir/multi-user.target.wants/ledsager-enroll.service" \
          "$root/etc/ledsager/enroll.env"
  fi

  # Accounts, where the files exist (a full build; an empty ROOT has none): root's password
  # locked, the kiosk user without a shell. The same as `passwd -l root` and
  # `usermod -s /usr/sbin/nologin ledsager`.
  if [ -f "$root/etc/shadow" ]; then
    sed -i -E 's/^root:([^!:][^:]*|):/root:!\1:/' "$root/etc/shadow"
  else
    note "no $root/etc/shadow: locking root's password skipped"
  fi
  if [ -f "$root/etc/passwd" ] && grep -q '^ledsager:' "$root/etc/passwd"; then
    sed -i -E 's|^(ledsager:[^:]*:[^:]*:[^:]*:[^:]*:[^:]*:).*$|\1/usr/sbin/nologin|' "$root/etc/passwd"
  else
    note "no ledsager user in $root/etc/passwd: its shell is set by the package (/usr/sbin/nologin)"
  fi
}

# ---- the full build ---------------------------------------------------------------------
in_root() { chroot "$out" /usr/bin/env DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"; }
mounted=()
cleanup() {
  local m
  for ((i=${#mounted[@]}-1; i>=0; i--)); do umount -l "${mounted[$i]}" 2>/dev/null || true; done
}
build() {
  mkdir -p "$out"
  [ -z "$(ls -A "$out")" ] || die "--out: '$out' is not empty"
  out="$(cd "$out" && pwd)"
  trap cleanup EXIT
  note "debootstrap $suite (minbase) from $mirror into $out"
  debootstrap --variant=minbase --include=ca-certificates "$suite" "$out" "$mirror"
  for m in proc sys dev dev/pts; do
    mount --bind "/$m" "$out/$m"; mounted+=("$out/$m")
  done
  # Daemons must not start inside the chroot.
  printf '#!/bin/sh\nexit 101\n' > "$out/usr/sbin/policy-rc.d"; chmod 0755 "$out/usr/sbin/policy-rc.d"
  # The sources and repository key first, so apt sees Debian security (and IT's repository).
  configure_root "$out"
  cp "$kiosk_deb" "$out/tmp/"
  in_root apt-get update
  # What a kiosk needs besides the kiosk's own Depends (cage, Xwayland, fonts, GStreamer):
  # systemd as init with logind (the kiosk's PAM session gets seat0) and D-Bus, networking
  # (networkd is in systemd; resolved and timesyncd: TLS needs names and the right time),
  # the kernel and GRUB's EFI files, GPU drivers (mesa), ALSA, unattended-upgrades, pkill.
  local pkgs=(systemd-sysv udev dbus libpam-systemd systemd-resolved systemd-timesyncd
              linux-image-amd64 grub-efi-amd64-bin grub2-common kmod procps
              libgl1-mesa-dri alsa-utils gstreamer1.0-alsa unattended-upgrades apt-utils)
  [ -z "$ssh_key" ] || pkgs+=(openssh-server)
  # The ssh masks from the configuration stage would stop openssh-server's postinst.
  in_root apt-get install -y --no-install-recommends "${pkgs[@]}" "/tmp/$(basename "$kiosk_deb")"
  rm -f "$out/tmp/$(basename "$kiosk_deb")"
  # Again, now that the packages (and the ledsager user) are there; and what needs a chroot.
  configure_root "$out"
  in_root passwd -l root
  in_root usermod -s /usr/sbin/nologin ledsager
  if [ -n "$code" ]; then in_root chown root:root /etc/ledsager/enroll.env; fi
  ln -sfn /run/systemd/resolve/stub-resolv.conf "$out/etc/resolv.conf"
  in_root apt-get clean
  rm -rf "$out"/var/lib/apt/lists/* "$out/usr/sbin/policy-rc.d"
  rm -f "$out/etc/machine-id" "$out/var/lib/dbus/machine-id"; touch "$out/etc/machine-id"  # a new one per kiosk
  rm -f "$out"/etc/ssh/ssh_host_*  # and its own SSH host keys (ssh.service makes them)
  cleanup; mounted=()
  if [ -n "$tar_out" ]; then
    note "writing $tar_out"
    tar --numeric-owner --xattrs --acls -C "$out" -czf "$tar_out" .
  fi
  note "done: $out$( [ -n "$tar_out" ] && echo " and $tar_out")"
}

if [ "$configure_only" = 1 ]; then
  configure_root "$out"
  note "configured $out (no packages installed; skipped: passwd -l root, usermod, apt)"
else
  build
fi
