#!/usr/bin/env bash
# config_errors_cli: a bad configuration value stops start-up with exit 2 and a message
# naming the file, line and key; so does an unknown key and a bad --windowed.
set -uo pipefail
kiosk="$1"; src="$2"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
check() {  # check "toml text" "expected message"
  printf '%s\n' "$1" > "$tmp/k.toml"
  "$kiosk" --config "$tmp/k.toml" --screenshots "$tmp/out" > "$tmp/log" 2>&1
  local rc=$?
  [ "$rc" -eq 2 ] || fail "expected exit 2 for '$1', got $rc: $(cat "$tmp/log")"
  grep -qF "$2" "$tmp/log" || fail "expected '$2' in: $(cat "$tmp/log")"
  [ ! -e "$tmp/out" ] || fail "the kiosk did work despite a bad config"
}
check $'[session]\ninactivity_timeout_s = 5' "k.toml:2: error: session.inactivity_timeout_s: must be between 30 and 3600 (got 5)"
check $'[display]\ntext_scale = "big"' "k.toml:2: error: display.text_scale: must be a whole number"
check $'[languages]\noffered = ["da", "xx"]' "k.toml:2: error: languages.offered: 'xx' is not a language Ledsager knows"
check $'[sesion]\ninactivity_timeout_s = 60' "k.toml:1: error: sesion: unknown setting"
check $'[session\n' "k.toml:1: error: not valid TOML"
"$kiosk" --windowed huge > "$tmp/log" 2>&1; [ $? -eq 2 ] || fail "bad --windowed not exit 2"
grep -q "expected WIDTHxHEIGHT" "$tmp/log" || fail "bad --windowed message"
check $'[hub]\nurl = "ftp://hub"\ntoken = "x"' "k.toml:2: error: hub.url: must start with https://"
check $'[hub]\nurl = "https://hub.example.dk"' "k.toml:1: error: hub.token: needed when hub.url is set"
# The keypad map: an unknown key name names the file and the action.
check $'[keys]\nup = ["Nope Key"]' 'keys.up: "Nope Key" is not a key name'
check $'[keys]\nfly = ["F9"]' "k.toml:2: error: keys.fly: unknown keypad action"
check $'[speech]\nrate_wpm = 20' "k.toml:2: error: speech.rate_wpm: must be between 80 and 300 (got 20)"
# The shipped files are valid.
"$kiosk" --config "$src/config/demo.toml" --screenshots "$tmp/demo" --guide mitid-login --lang en > "$tmp/log" 2>&1 \
  || fail "demo config rejected: $(cat "$tmp/log")"
"$kiosk" --config "$src/config/kiosk.toml" --screenshots "$tmp/ok" --guide mitid-login --lang da > "$tmp/log" 2>&1 \
  || fail "shipped config rejected: $(cat "$tmp/log")"
echo "config_errors_cli: ok"
