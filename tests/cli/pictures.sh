#!/usr/bin/env bash
# guide_pictures_rendered: every guide picture's PNGs are what its SVG draws today (in both
# themes, and mirrored where the SVG says so), and the mirroring keeps what must read left to
# right: a screen moves to its mirrored place whole, an arrow turns round.
set -euo pipefail
src="$2"
cd "$src"
python3 assets/pictures/render.py --check
python3 - assets/guides/mitid-login/open-app.png assets/guides/mitid-login/open-app.rtl.png <<'PY'
import sys
sys.path.insert(0, "assets/pictures")
import render
w, h, ltr = render.pixels(sys.argv[1])
w2, h2, rtl = render.pixels(sys.argv[2])
assert (w, h) == (w2, h2), "the mirrored picture has another size"
k = w / 800  # open-app.svg is 800 wide; the phone (data-keep="575 205") moves by 800-2*575-205
def block(rows, x0, x1):
    return [r[4 * x0:4 * x1] for r in rows]
phone_ltr = block(ltr, round(575 * k), round(780 * k))
phone_rtl = block(rtl, round(20 * k), round(225 * k))
assert phone_ltr == phone_rtl, "the phone (with its number 3) is not the same picture on the other side"
assert any(any(r[3::4]) for r in phone_ltr), "the phone's part of the picture is empty"
# The arrow between screen and phone (x 505..560, y 220..252) turns round: pixel x goes to w-1-x.
y0, y1 = round(215 * k), round(257 * k)
diff = same = 0
for y in range(y0, y1):
    for x in range(round(500 * k), round(565 * k)):
        a = ltr[y][4 * x + 3]
        b = rtl[y][4 * (w - 1 - x) + 3]
        if a > 128: same += b > 128
        if a > 128 or b > 128: diff += (a > 128) != (b > 128)
assert same > 100 and diff <= same // 20, f"the arrow is not mirrored ({same} pixels match, {diff} do not)"
print(f"open-app.rtl.png: the phone moved whole ({len(phone_ltr)} rows), the arrow turned round ({same} pixels)")
PY
