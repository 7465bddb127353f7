#!/usr/bin/env bash
# hub_durability: a help request the hub acknowledged (2xx) survives a kill -9 of the hub,
# and a restarted hub (same data folder) serves it again.
set -uo pipefail
hub="$1"
tmp="$(mktemp -d)"
pid=""
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
port=$(( 20000 + RANDOM % 20000 ))
start() {
  "$hub" --data "$tmp/data" --listen "127.0.0.1:$port" --demo > "$tmp/log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" > /dev/null && return; sleep 0.05; done
  fail "hub did not start: $(cat "$tmp/log")"
}
start
ids=()
for i in 1 2 3; do  # a kiosk may have three open at once
  out=$(curl -s -w '\n%{http_code}' -X POST "http://127.0.0.1:$port/api/v1/help-requests" \
        -H 'Authorization: Bearer demo-kiosk-token' -H 'Content-Type: application/json' \
        -d '{"kind":"in_person","guide":"mitid-login","step":"user-id","step_number":3,"language":"da"}')
  [ "$(tail -1 <<<"$out")" = "201" ] || fail "create returned $(tail -1 <<<"$out")"
  ids+=("$(head -1 <<<"$out" | sed 's/.*"id":\([0-9]*\).*/\1/')")
done
kill -9 "$pid"; wait "$pid" 2>/dev/null; pid=""
start
for id in "${ids[@]}"; do
  out=$(curl -s "http://127.0.0.1:$port/api/v1/help-requests/$id" -H 'Authorization: Bearer demo-kiosk-token')
  grep -q '"status":"open"' <<<"$out" || fail "request $id lost after kill -9: $out"
done
echo "hub_durability: ${#ids[@]} acknowledged requests survived kill -9"
