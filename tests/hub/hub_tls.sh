#!/usr/bin/env bash
# hub_tls: the hub serves HTTPS with --tls-cert/--tls-key; the kiosk verifies the hub's
# certificate against the CA file in its config, and refuses a hub it cannot verify
# (then it shows the front desk, as for any hub it cannot reach).
set -uo pipefail
hub="$1"; kiosk="$2"
tmp="$(mktemp -d)"
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cd "$tmp"
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj "/CN=Ledsager test CA" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout hub.key -out hub.csr -subj "/CN=127.0.0.1" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' > san.ext
openssl x509 -req -in hub.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out hub.pem -days 2 -extfile san.ext 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other.pem -days 2 -subj "/CN=Someone else" 2>/dev/null
[ -s hub.pem ] || fail "could not make test certificates"

port=$(( 20000 + RANDOM % 20000 ))
"$hub" --data data --listen "127.0.0.1:$port" --demo --tls-cert hub.pem --tls-key hub.key > hub.log 2>&1 &
pid=$!
for _ in $(seq 100); do curl -sf --cacert ca.pem "https://127.0.0.1:$port/healthz" > /dev/null && break; sleep 0.05; done
curl -sf --cacert ca.pem "https://127.0.0.1:$port/healthz" | grep -q '"status":"ok"' || fail "no HTTPS: $(cat hub.log)"
curl -sf "https://127.0.0.1:$port/healthz" > /dev/null 2>&1 && fail "a client without the CA trusted the hub"
curl -sf "http://127.0.0.1:$port/healthz" > /dev/null 2>&1 && fail "plain HTTP answered on the HTTPS port"
# The session cookie is Secure over HTTPS.
curl -s --cacert ca.pem -D - -o /dev/null -X POST "https://127.0.0.1:$port/api/v1/auth/login" \
  -d '{"username":"demo","password":"demo-password"}' | grep -qi "set-cookie:.*; Secure" || fail "session cookie not Secure"

# Forward secrecy only, TLS 1.2 at the least, and HSTS (security review).
echo | openssl s_client -connect "127.0.0.1:$port" -tls1_2 -cipher AES128-SHA256 > weak.log 2>&1 \
  && fail "a cipher without forward secrecy was accepted: $(grep -i cipher weak.log | head -2)"
echo | openssl s_client -connect "127.0.0.1:$port" -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256 > strong.log 2>&1 \
  || fail "ECDHE with AES-GCM over TLS 1.2 was refused: $(tail -3 strong.log)"
echo | openssl s_client -connect "127.0.0.1:$port" -tls1_1 > old.log 2>&1 && fail "TLS 1.1 was accepted"
curl -s --cacert ca.pem -D - -o /dev/null "https://127.0.0.1:$port/healthz" | grep -qi "^strict-transport-security: max-age=" \
  || fail "no HSTS header over HTTPS"

cat > good.toml <<EOT
[hub]
url = "https://127.0.0.1:$port"
token = "demo-kiosk-token"
ca_file = "$tmp/ca.pem"
EOT
sed "s|ca.pem|other.pem|" good.toml > bad.toml
printf 'tap attract.start\ntap language.en\ntap bar.help\ntap help.in_person\ntap consent.send\nexpect A-001\n' > ask.script
"$kiosk" --config good.toml --script ask.script > kiosk.log 2>&1 || fail "kiosk could not ask over HTTPS: $(cat kiosk.log)"
printf 'tap attract.start\ntap language.en\ntap bar.help\ntap help.in_person\ntap consent.send\nexpect We cannot reach the staff system\n' > refuse.script
"$kiosk" --config bad.toml --script refuse.script > kiosk.log 2>&1 || fail "kiosk did not refuse an unverified hub: $(cat kiosk.log)"
echo "hub_tls: ok"
