#!/usr/bin/env bash
# enroll_code_reuse: enrollment end to end on loopback. IT makes a one-time code (hub CLI);
# `ledsager-kiosk enroll` trades it for the device's own token, written 0600; the token works;
# the same code again, an expired code and an unknown code are refused in plain words; a
# revoked kiosk's token is refused at once; a device file readable by others stops start-up.
set -uo pipefail
kiosk="$1"; hub="$2"; src="$3"
tmp="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

port=$(( 20000 + RANDOM % 20000 ))
"$hub" --data "$tmp/hub" --listen "127.0.0.1:$port" --demo 2> "$tmp/hub.log" &
pids+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.05; done
url="http://127.0.0.1:$port"
code_of() { sed -n 's/.*once: \([A-Z0-9-]*\)$/\1/p'; }

code=$("$hub" --data "$tmp/hub" enroll-code --site demo --name kiosk-stairs --place "By the stairs" --valid-for 600 | code_of)
[[ "$code" =~ ^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$ ]] || fail "no code printed (got '$code')"

# A valid code, typed in lower case without dashes: enrolled, credential 0600.
typed=$(echo "$code" | tr 'A-Z' 'a-z' | tr -d '-')
out=$("$kiosk" enroll --hub "$url" --code "$typed" --name kiosk-stairs --out "$tmp/dev/device.toml" 2>&1) || fail "enroll: $out"
echo "$out"
[ "$(stat -c %a "$tmp/dev/device.toml")" = 600 ] || fail "the device file is not 0600"
token=$(sed -n 's/^token = "\(.*\)"$/\1/p' "$tmp/dev/device.toml")
[ ${#token} -ge 32 ] || fail "no token in the device file"
grep -q '^place = "By the stairs"$' "$tmp/dev/device.toml" || fail "the site settings are missing"
status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d '{"kind":"in_person","language":"da"}' "$url/api/v1/help-requests")
[ "$status" = 201 ] || fail "the new token does not work (HTTP $status)"

# The same code again: refused, and nothing is overwritten.
before=$(md5sum < "$tmp/dev/device.toml")
out=$("$kiosk" enroll --hub "$url" --code "$code" --name kiosk-again --out "$tmp/dev/device.toml" 2>&1) && fail "a used code was accepted"
echo "$out" | grep -q "already been used" || fail "reuse: unclear message: $out"
[ "$(md5sum < "$tmp/dev/device.toml")" = "$before" ] || fail "a refused enrollment touched the device file"

# An expired code.
short=$("$hub" --data "$tmp/hub" enroll-code --site demo --name kiosk-hall --place "Hall" --valid-for 1 | code_of)
sleep 2
out=$("$kiosk" enroll --hub "$url" --code "$short" --name kiosk-late --out "$tmp/late.toml" 2>&1) && fail "an expired code was accepted"
echo "$out" | grep -q "expired" || fail "expired: unclear message: $out"
[ -e "$tmp/late.toml" ] && fail "a refused enrollment wrote a file"

# An unknown code.
out=$("$kiosk" enroll --hub "$url" --code "AAAA-BBBB-CCCC" --name kiosk-x --out "$tmp/x.toml" 2>&1) && fail "an unknown code was accepted"
echo "$out" | grep -q "not known" || fail "unknown: unclear message: $out"

# Revoked: the token is refused from the next request on.
"$hub" --data "$tmp/hub" kiosk revoke --site demo --name kiosk-stairs || fail "revoke failed"
status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d '{"kind":"in_person","language":"da"}' "$url/api/v1/help-requests")
[ "$status" = 401 ] || fail "a revoked kiosk's token still works (HTTP $status)"
"$hub" --data "$tmp/hub" kiosk revoke --site demo --name kiosk-stairs 2>/dev/null && fail "revoking twice succeeded"

# The kiosk reads its device file only when it is private.
chmod 644 "$tmp/dev/device.toml"
out=$(timeout 20 "$kiosk" --device "$tmp/dev/device.toml" --screenshots "$tmp/shots" --lang da --guide mitid-login 2>&1) && fail "a world-readable device file was accepted"
echo "$out" | grep -q "readable by others" || fail "mode check: unclear message: $out"
chmod 600 "$tmp/dev/device.toml"
printf 'sleep 100\n' > "$tmp/script"
timeout 30 "$kiosk" --device "$tmp/dev/device.toml" --script "$tmp/script" > /dev/null 2>&1 || fail "the kiosk did not start with its private device file"
# --demo adds its well-known logins only to a new database: a real one whose site happens to
# be called "demo" gets none.
"$hub" --data "$tmp/real" site add --slug demo --name "A real site called demo" > /dev/null || fail "site add"
port2=$((port + 1))
"$hub" --data "$tmp/real" --listen "127.0.0.1:$port2" --demo 2> "$tmp/real.log" &
pids+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port2/healthz" >/dev/null && break; sleep 0.05; done
for user in demo demo-it demo-manager demo-case; do
  status=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    -d "{\"username\":\"$user\",\"password\":\"demo-password\"}" "http://127.0.0.1:$port2/api/v1/auth/login")
  [ "$status" = 401 ] || fail "--demo added $user to an existing database (HTTP $status)"
done
grep -q "not new" "$tmp/real.log" || fail "--demo on an existing database did not say so: $(cat "$tmp/real.log")"
grep -q "demo-password" "$tmp/real.log" && fail "--demo printed logins it did not add"
echo "enroll_code_reuse: ok"
