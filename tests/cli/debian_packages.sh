#!/usr/bin/env bash
# debian_packages: `cpack -G DEB` makes ledsager-kiosk and ledsager-hub packages from this
# build; each holds its program, its data, its systemd unit, its configuration as conffiles
# (for the hub also its nginx site, deploy/nginx/ledsager-hub.conf, recommended and not enabled),
# a postinst that makes its system user, and Depends from dpkg-shlibdeps plus the runtime
# packages. The installed layout works: unpacked, the kiosk checks and renders its guides
# from /usr/share/ledsager and the hub serves its pages from /usr/share/ledsager-hub.
set -uo pipefail
build="$1"; src="$2"
tmp="$(mktemp -d)"; pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
(cd "$build" && cpack -G DEB -B "$tmp/pkg" > "$tmp/cpack.log" 2>&1) || { cat "$tmp/cpack.log"; fail "cpack failed"; }
k=$(ls "$tmp"/pkg/ledsager-kiosk_*_amd64.deb 2>/dev/null | head -1); h=$(ls "$tmp"/pkg/ledsager-hub_*_amd64.deb 2>/dev/null | head -1)
[ -f "$k" ] && [ -f "$h" ] || fail "packages missing: $(ls "$tmp/pkg")"
ls -la "$tmp/pkg"/*.deb

has() { dpkg-deb -c "$1" | awk '{print $6}' | grep -x "$2" > /dev/null || fail "$(basename "$1") lacks $2"; }
for f in ./usr/bin/ledsager-kiosk ./lib/systemd/system/ledsager-kiosk.service ./etc/ledsager/kiosk.toml \
         ./usr/share/ledsager/assets/guides/mitid-login/guide.toml ./usr/share/ledsager/po/da.po ./usr/share/ledsager/po/ti.po; do has "$k" "$f"; done
for f in ./usr/bin/ledsager-hub ./lib/systemd/system/ledsager-hub.service ./etc/default/ledsager-hub \
         ./usr/share/ledsager-hub/web/caseworker.html ./usr/share/ledsager-hub/web/devices.html ./usr/share/doc/ledsager-hub/openapi.yaml \
         ./etc/nginx/sites-available/ledsager-hub ./usr/share/doc/ledsager-hub/edge.md; do has "$h" "$f"; done
# nginx in front (deploy/edge.md): recommended, never enabled by the package itself.
dpkg-deb -f "$h" Recommends | grep -qw nginx || fail "ledsager-hub does not recommend nginx"
dpkg-deb -c "$h" | awk '{print $6}' | grep -q '^\./etc/nginx/sites-enabled' && fail "ledsager-hub enables its nginx site by itself"
dk=$(dpkg-deb -f "$k" Depends)
for d in cage gstreamer1.0-plugins-bad gstreamer1.0-nice libsdl2 libespeak-ng1 libcurl4 adduser; do
  grep -q "$d" <<< "$dk" || fail "ledsager-kiosk does not depend on $d"
done
dpkg-deb -f "$h" Depends | grep libsqlite3 > /dev/null || fail "ledsager-hub does not depend on libsqlite3"
mkdir -p "$tmp/ctl-k" "$tmp/ctl-h"
dpkg-deb -e "$k" "$tmp/ctl-k"; dpkg-deb -e "$h" "$tmp/ctl-h"
grep -qx /etc/ledsager/kiosk.toml "$tmp/ctl-k/conffiles" || fail "kiosk.toml is not a conffile"
grep -qx /etc/default/ledsager-hub "$tmp/ctl-h/conffiles" || fail "/etc/default/ledsager-hub is not a conffile"
grep -qx /etc/nginx/sites-available/ledsager-hub "$tmp/ctl-h/conffiles" || fail "the nginx site file is not a conffile"
grep -q "adduser --system --group --home /var/lib/ledsager " "$tmp/ctl-k/postinst" || fail "the kiosk's postinst makes no user"
grep -q "adduser --system --group --home /var/lib/ledsager-hub " "$tmp/ctl-h/postinst" || fail "the hub's postinst makes no user"
sh -n "$tmp/ctl-k/postinst" && sh -n "$tmp/ctl-h/postinst" || fail "a postinst is not valid sh"

# The installed layout works (unpacked into a folder instead of /).
root="$tmp/root"; dpkg-deb -x "$k" "$root"; dpkg-deb -x "$h" "$root"
cmp -s "$root/etc/nginx/sites-available/ledsager-hub" "$src/deploy/nginx/ledsager-hub.conf" || fail "the packaged nginx site is not deploy/nginx/ledsager-hub.conf"
grep -qx 'LEDSAGER_HUB_LISTEN=127.0.0.1:8081' "$root/etc/default/ledsager-hub" &&
  grep -Eq '^LEDSAGER_HUB_ARGS=.*--trusted-proxy 127\.0\.0\.1' "$root/etc/default/ledsager-hub" ||
  fail "/etc/default/ledsager-hub does not put the hub on 127.0.0.1:8081 behind --trusted-proxy 127.0.0.1"
# libcurl is loaded at the first exchange with the hub, not at every start (platform/http.cpp):
# hence the Depends above, which dpkg-shlibdeps cannot find.
objdump -p "$root/usr/bin/ledsager-kiosk" | grep -q 'NEEDED.*libcurl' && fail "the kiosk links libcurl at start"
"$root/usr/bin/ledsager-kiosk" --check-content "$root/usr/share/ledsager/assets/guides" > /dev/null 2>&1 || fail "the packaged guides do not pass the checker"
LEDSAGER_ASSETS="$root/usr/share/ledsager/assets" LEDSAGER_PO="$root/usr/share/ledsager/po" \
  "$root/usr/bin/ledsager-kiosk" --config "$root/etc/ledsager/kiosk.toml" --device "$tmp/none.toml" \
  --screenshots "$tmp/shots" --lang da --guide mitid-login > /dev/null 2>&1 || fail "the packaged kiosk cannot render from its installed files"
[ "$(ls "$tmp/shots" | wc -l)" -gt 10 ] || fail "the packaged kiosk rendered too little"
port=$(( 20000 + RANDOM % 20000 ))
"$root/usr/bin/ledsager-hub" --data "$tmp/hubdata" --listen "127.0.0.1:$port" --web "$root/usr/share/ledsager-hub/web" \
  --content "$root/usr/share/ledsager-hub/guides" 2> /dev/null &
pids+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" > /dev/null && break; sleep 0.05; done
curl -sf "http://127.0.0.1:$port/devices.html" | grep "devices.js" > /dev/null || fail "the packaged hub does not serve its pages"
echo "debian_packages: ok"
