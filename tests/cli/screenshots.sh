#!/usr/bin/env bash
# screenshots_all: --screenshots renders every screen of every guide, in the languages asked
# for, at 100 % and 200 %, in both themes, offscreen with no display, one PNG per
# combination. All of it in Danish and Arabic (left to right and mirrored); Tigrinya for
# one guide (its own script). Ten languages in full take ten minutes: that is for people
# reviewing content, not for every CI run.
set -euo pipefail
kiosk="$1"; src="$2"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
unset DISPLAY WAYLAND_DISPLAY
"$kiosk" --screenshots "$tmp/all" --lang da,ar 2> "$tmp/err" || fail "$(cat "$tmp/err")"
# Expected: (20 kiosk screens, 8 of them the video call + per guide: needs + steps + help + end) x languages x 2 sizes x 2 themes.
steps=$(cat "$src"/assets/guides/*/guide.toml | grep -c '^\[\[step\]\]')
guides=$(ls -d "$src"/assets/guides/*/ | wc -l)
expected=$(( (20 + guides * 3 + steps) * 2 * 2 * 2 ))
count=$(ls "$tmp/all" | wc -l)
echo "screenshots: $count (expected $expected)"
[ "$count" -eq "$expected" ] || fail "expected $expected files, got $count"
for f in mitid-login__03-choose-mitid__da__100__default.png mitid-login__03-choose-mitid__ar__200__contrast.png \
         kiosk__timeout__da__200__default.png aarsopgoerelse__end__ar__100__contrast.png \
         kiosk__call-keyboard__ar__200__default.png kiosk__video-consent__da__100__default.png; do
  [ -s "$tmp/all/$f" ] || fail "missing $f"
  [ "$(head -c 8 "$tmp/all/$f" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] || fail "$f is not a PNG"
done
# Pictures differ by language, size and theme (nothing silently drawn the same).
a=mitid-login__03-choose-mitid
for pair in "${a}__da__100__default ${a}__ar__100__default" "${a}__da__100__default ${a}__da__200__default" \
            "${a}__da__100__default ${a}__da__100__contrast"; do
  set -- $pair
  cmp -s "$tmp/all/$1.png" "$tmp/all/$2.png" && fail "$1 and $2 are identical"
done
# Narrowing by language and guide.
"$kiosk" --screenshots "$tmp/one" --lang ti --guide mitid-login 2>/dev/null
n=$(grep -c '^\[\[step\]\]' "$src/assets/guides/mitid-login/guide.toml")
[ "$(ls "$tmp/one" | wc -l)" -eq $(( (n + 3) * 4 )) ] || fail "--lang/--guide did not narrow"
ls "$tmp/one" | grep -qv "__ti__" && fail "--lang ti rendered another language"
"$kiosk" --screenshots "$tmp/none" --guide no-such-guide 2>/dev/null && fail "unknown guide accepted"
echo "screenshots_all: ok"
