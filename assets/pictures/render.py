#!/usr/bin/env python3
"""Renders the guide pictures: each <name>.svg in a guide folder becomes the PNGs the kiosk shows.

    python3 assets/pictures/render.py [FILE.svg ...]   render (default: every assets/guides/*/*.svg)
    python3 assets/pictures/render.py --check [...]    render to a temporary folder and compare with
                                                       the PNGs beside the SVGs (exit 1 if any differ)

For every SVG:
    <name>.png            the default theme (light.css)
    <name>.contrast.png   the high-contrast theme (contrast.css)
and, when the <svg> element says data-rtl="mirror", the same two for right-to-left languages:
    <name>.rtl.png, <name>.rtl.contrast.png
In those the layout is mirrored (what comes first stands on the right, arrows point left),
while everything inside an element with data-keep="X W" (a screen, a document, a number: the
box from x=X, W wide) keeps its own direction and only moves to its mirrored place: the
authorities' sites, the MitID app and passports read left to right in every language.

The SVGs carry class names only (see light.css for the list); the theme's colours come from
the stylesheet this script puts in. Needs rsvg-convert (Debian: librsvg2-bin) and Noto Sans
(fonts-noto-core).
"""
import os
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
GUIDES = os.path.join(os.path.dirname(HERE), "guides")
WIDTH = 960  # pixels; the step's picture panel is about 800 wide on a 1920x1080 screen
SVG = "http://www.w3.org/2000/svg"
ET.register_namespace("", SVG)
ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")


def variants(root):
    out = [("", "light.css", False), (".contrast", "contrast.css", False)]
    if root.get("data-rtl") == "mirror":
        out += [(".rtl", "light.css", True), (".rtl.contrast", "contrast.css", True)]
    elif root.get("data-rtl") not in (None, "keep"):
        raise ValueError('data-rtl must be "mirror" or "keep"')
    return out


def view_width(root, path):
    box = root.get("viewBox", "").replace(",", " ").split()
    if len(box) != 4:
        raise ValueError(f"{path}: the <svg> element needs a viewBox")
    return float(box[2]) + 2 * float(box[0])


def mirrored(root, path):
    width = view_width(root, path)
    for el in root.iter():
        keep = el.get("data-keep")
        if keep is None:
            continue
        try:
            x0, w = (float(v) for v in keep.split())
        except ValueError:
            raise ValueError(f'{path}: data-keep="{keep}" must be two numbers, "X WIDTH"')
        inner = ET.Element(f"{{{SVG}}}g", {"transform": f"translate({2 * x0 + w:g} 0) scale(-1 1)"})
        inner.extend(list(el))
        for child in list(el):
            el.remove(child)
        el.append(inner)
    outer = ET.Element(f"{{{SVG}}}g", {"transform": f"translate({width:g} 0) scale(-1 1)"})
    for child in list(root):
        if child.tag in (f"{{{SVG}}}defs", f"{{{SVG}}}title", f"{{{SVG}}}desc"):
            continue
        root.remove(child)
        outer.append(child)
    root.append(outer)


def render(svg_path, out_dir):
    """Writes every variant of svg_path into out_dir; returns the file names."""
    names = []
    base = os.path.splitext(os.path.basename(svg_path))[0]
    probe = ET.parse(svg_path).getroot()
    for suffix, css, mirror in variants(probe):
        root = ET.parse(svg_path).getroot()
        if mirror:
            mirrored(root, svg_path)
        style = ET.Element(f"{{{SVG}}}style")
        with open(os.path.join(HERE, css), encoding="utf-8") as f:
            style.text = f.read()
        root.insert(0, style)
        with tempfile.NamedTemporaryFile("wb", suffix=".svg", delete=False) as tmp:
            tmp.write(ET.tostring(root, encoding="utf-8"))
        name = base + suffix + ".png"
        try:
            subprocess.run(["rsvg-convert", "-w", str(WIDTH), "-o", os.path.join(out_dir, name), tmp.name], check=True)
        finally:
            os.unlink(tmp.name)
        names.append(name)
    return names


def pixels(path):
    """RGBA rows of a non-interlaced 8-bit PNG (what rsvg-convert writes)."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path}: not a PNG")
    pos, idat, head = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            head = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, depth, colour, _, _, interlace = head
    if depth != 8 or interlace or colour not in (2, 6):
        raise ValueError(f"{path}: expected an 8-bit RGB or RGBA PNG without interlacing")
    bpp = 4 if colour == 6 else 3
    raw, stride, rows, prev = zlib.decompress(idat), w * bpp, [], bytearray(w * bpp)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line) if bpp == 4 else b"".join(bytes(line[i:i + 3]) + b"\xff" for i in range(0, stride, 3)))
        prev = line
    return w, h, rows


def differs(a, b):
    """None when two PNGs show the same picture (channels within 8 of each other on all but
    0.005 % of the pixels: anti-aliasing may move by a step between library builds)."""
    if open(a, "rb").read() == open(b, "rb").read():
        return None
    wa, ha, ra = pixels(a)
    wb, hb, rb = pixels(b)
    if (wa, ha) != (wb, hb):
        return f"{wa}x{ha} where the SVG gives {wb}x{hb}"
    off = 0
    for la, lb in zip(ra, rb):
        if la != lb:
            off += sum(1 for i in range(0, len(la), 4) if max(abs(la[i + k] - lb[i + k]) for k in range(4)) > 8)
    return f"{off} of {wa * ha} pixels differ" if off > wa * ha // 20000 else None


def main(argv):
    check = "--check" in argv
    files = [a for a in argv if a != "--check"]
    if not files:
        files = sorted(os.path.join(GUIDES, g, f) for g in os.listdir(GUIDES) if os.path.isdir(os.path.join(GUIDES, g))
                       for f in os.listdir(os.path.join(GUIDES, g)) if f.endswith(".svg"))
    if not files:
        print("no SVG pictures found", file=sys.stderr)
        return 1
    bad = 0
    for svg in files:
        folder = os.path.dirname(os.path.abspath(svg))
        try:
            if not check:
                for name in render(svg, folder):
                    print(os.path.join(folder, name))
                continue
            with tempfile.TemporaryDirectory() as tmp:
                for name in render(svg, tmp):
                    have = os.path.join(folder, name)
                    why = "missing" if not os.path.exists(have) else differs(have, os.path.join(tmp, name))
                    if why:
                        bad += 1
                        print(f"{have}: {why}: run python3 assets/pictures/render.py {svg}", file=sys.stderr)
                    else:
                        print(f"{have}: matches {os.path.basename(svg)}")
        except FileNotFoundError as e:
            print(f"{svg}: {e.filename or e}: not found (rsvg-convert comes with Debian's librsvg2-bin)", file=sys.stderr)
            return 1
        except (ValueError, ET.ParseError, subprocess.CalledProcessError) as e:
            bad += 1
            print(f"{svg}: {e}", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
