#!/usr/bin/env bash
# content_check_cli: `ledsager-kiosk --check-content` exits 0 on the shipped guides, and on
# broken copies exits 1 with one `path:line: error: …` line per problem, naming the file.
set -euo pipefail
kiosk="$1"; src="$2"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$kiosk" --check-content "$src/assets/guides" > "$tmp/out" 2>&1 || fail "shipped guides do not pass: $(cat "$tmp/out")"
grep -q "error" "$tmp/out" && ! grep -q " 0 error" "$tmp/out" && fail "errors reported for shipped guides"

cp -r "$src/assets/guides" "$tmp/g"
# 1. a file cut short, 2. an unknown step, 3. a missing translation, 4. a missing image, 5. empty
# text (6. below: a picture that cannot be drawn)
g="$tmp/g/mitid-login/guide.toml"
head -n "$(($(grep -n '^\[end\]' "$g" | cut -d: -f1) - 1))" "$g" > "$g.new" && mv "$g.new" "$g"
sed -i 's/next = "user-id"/next = "user-idd"/' "$tmp/g/digital-post/guide.toml" 2>/dev/null || true
python3 - "$tmp/g/folkepension/en.toml" <<'PY'
import sys, re
p = sys.argv[1]; s = open(p).read()
# drop the first [step.*] table
m = re.search(r'^\[step\.[^\]]+\]\n(?:(?!^\[).*\n)*', s, re.M)
open(p, "w").write(s[:m.start()] + s[m.end():])
PY
python3 - "$tmp/g/boligstoette/guide.toml" <<'PY'
import sys
p = sys.argv[1]; s = open(p).read()
i = s.index("[[step]]")
j = s.index("\nkind = ", i)
open(p, "w").write(s[:j] + '\nimage = "missing.png"' + s[j:])
PY
python3 - "$tmp/g/aarsopgoerelse/da.toml" <<'PY'
import sys, re
p = sys.argv[1]; s = open(p).read()
s = re.sub(r'^title = "[^"]*"', 'title = ""', s, count=1, flags=re.M)
open(p, "w").write(s)
PY
# 6. a picture that has a PNG's signature but cannot be drawn (cut short): decoded as a kiosk would
head -c 120 "$src/assets/guides/change-of-address/address.png" > "$tmp/g/change-of-address/address.png"
set +e
"$kiosk" --check-content "$tmp/g" > "$tmp/out" 2> "$tmp/err"
rc=$?
set -e
cat "$tmp/out"
[ "$rc" -eq 1 ] || fail "expected exit 1, got $rc"
grep -qE "mitid-login/guide.toml:[0-9]+: error: no \[end\] table" "$tmp/out" || fail "cut-short file not reported"
grep -qE "folkepension/en.toml(:[0-9]+)?: error: missing translation" "$tmp/out" || fail "missing translation not reported"
grep -qE "boligstoette/guide.toml:[0-9]+: error: missing image 'missing.png'" "$tmp/out" || fail "missing image not reported"
grep -qE "aarsopgoerelse/da.toml:[0-9]+: error: 'title' is empty" "$tmp/out" || fail "empty text not reported"
grep -qE "change-of-address/guide.toml:[0-9]+: error: image 'address.png' cannot be drawn" "$tmp/out" || fail "a picture that cannot be drawn not reported"
# Every error line has the form path:line: error: and names a file in the content folder.
while read -r line; do
  [[ "$line" == "$tmp/g/"* ]] || fail "line does not name a file in the folder: $line"
done < "$tmp/out"

# The kiosk still serves the rest: screenshots of a good guide from the broken folder work.
"$kiosk" --content "$tmp/g" --screenshots "$tmp/shots" --guide mitid-get-started --lang da \
  2> "$tmp/err" || fail "kiosk did not serve the remaining guides: $(cat "$tmp/err")"
grep -q "guide left out: .*mitid-login/guide.toml" "$tmp/err" || fail "broken guide not logged as left out"
grep -q "6 guide(s) served" "$tmp/err" || fail "expected the 6 good guides to be served: $(grep served "$tmp/err")"
echo "content_check_cli: ok"
