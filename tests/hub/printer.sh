#!/usr/bin/env bash
# printer_escpos: "Print my number" on the waiting screen sends an ESC/POS ticket to the
# configured printer device: the number large, as text and as a QR code, then a cut; and
# nothing about the citizen. A printer that is missing is said plainly on screen.
set -uo pipefail
hub="$1"; kiosk="$2"
tmp="$(mktemp -d)"
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
port=$(( 20000 + RANDOM % 20000 ))
"$hub" --data "$tmp/data" --listen "127.0.0.1:$port" --demo > "$tmp/hub.log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" > /dev/null && break; sleep 0.05; done
write_config() {
  printf '[site]\nname = "Hovedbiblioteket"\n[hub]\nurl = "http://127.0.0.1:%s"\ntoken = "demo-kiosk-token"\n[printer]\ndevice = "%s"\n' "$port" "$1" > "$tmp/k.toml"
}
: > "$tmp/lp0"
write_config "$tmp/lp0"
printf 'tap attract.start\ntap language.da\ntap guide.mitid-login\ntap needs.start\ntap bar.help\ntap help.in_person\ntap consent.send\nexpect A-001\ntap waiting.print\nexpect Dit nummer er udskrevet.\n' > "$tmp/s"
"$kiosk" --config "$tmp/k.toml" --script "$tmp/s" > "$tmp/kiosk.log" 2>&1 || fail "$(cat "$tmp/kiosk.log")"
bytes="$tmp/lp0"
[ "$(head -c 2 "$bytes" | od -An -tx1 | tr -d ' \n')" = "1b40" ] || fail "ticket does not start with ESC @"
grep -q "A-001" "$bytes" || fail "the number is not on the ticket"
grep -qa $'\x1d(k\x08\x001P0A-001' "$bytes" || fail "no QR code of the number"
[ "$(tail -c 4 "$bytes" | od -An -tx1 | tr -d ' \n')" = "1d564200" ] || fail "the ticket is not cut"
grep -qa "Hovedbiblioteket" "$bytes" || fail "the site's name is missing"
grep -qa "Vent venligst" "$bytes" || fail "the Danish note is missing (or not Latin-1)"
grep -qai "mitid" "$bytes" && fail "the ticket shows what the citizen was doing"
# A printer that is not there: said on screen, the kiosk carries on.
write_config "/nonexistent/lp0"
printf 'tap attract.start\ntap language.en\ntap bar.help\ntap help.in_person\ntap consent.send\nexpect A-00\ntap waiting.print\nexpect The printer is not working.\n' > "$tmp/s2"
"$kiosk" --config "$tmp/k.toml" --script "$tmp/s2" > "$tmp/kiosk.log" 2>&1 || fail "missing printer: $(cat "$tmp/kiosk.log")"
# A printer that hangs (a FIFO nobody reads: the write never starts) does not freeze the
# screen: the citizen can still go on, and the kiosk ends when asked.
mkfifo "$tmp/stuck"
write_config "$tmp/stuck"
printf 'tap attract.start\ntap language.en\ntap bar.help\ntap help.in_person\ntap consent.send\nexpect A-00\ntap waiting.print\ntap waiting.cancel\nscreen catalogue\n' > "$tmp/s3"
timeout 30 "$kiosk" --config "$tmp/k.toml" --script "$tmp/s3" > "$tmp/kiosk.log" 2>&1 || fail "a hanging printer froze the kiosk: $(cat "$tmp/kiosk.log")"
# A slow printer (it starts reading after 2 s): the outcome is shown when it is done.
mkfifo "$tmp/slow"
( sleep 2; cat "$tmp/slow" > "$tmp/slow.out" ) &
reader=$!
write_config "$tmp/slow"
printf 'tap attract.start\ntap language.en\ntap bar.help\ntap help.in_person\ntap consent.send\nexpect A-00\ntap waiting.print\nexpect A-00\nexpect Your number has been printed.\n' > "$tmp/s4"
timeout 30 "$kiosk" --config "$tmp/k.toml" --script "$tmp/s4" > "$tmp/kiosk.log" 2>&1 || fail "slow printer: $(cat "$tmp/kiosk.log")"
wait "$reader"
grep -qa "A-00" "$tmp/slow.out" || fail "the slow printer got no ticket"
echo "printer_escpos: ok ($(wc -c < "$bytes") bytes)"
