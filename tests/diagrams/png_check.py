#!/usr/bin/env python3
"""png_check.py [--pixels] [--colour RRGGBB]... FILE... - each file is a
whole PNG: the signature, every chunk's CRC, an IHDR with a non-empty size,
IDAT data that inflates to exactly height rows of the declared width, and
IEND last.

With --pixels (8-bit RGB or RGBA, not interlaced) the rows are unfiltered
into pixels and the image must show something: at least 1% of its pixels
differ from the commonest colour (the background), in at least 16
colours; each --colour must cover at least 200 pixels (a picture's fill,
say, proves the picture was drawn, not only the page around it).  Prints
the pixel counts it found."""
import struct, sys, zlib
from collections import Counter

CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}


def unfilter(raw, w, h, bpp):
    """The pixel rows of 8-bit image data (PNG filters 0-4)."""
    stride, prev, rows = w * bpp, bytes(w * bpp), []
    for y in range(h):
        at = y * (stride + 1)
        kind, line = raw[at], bytearray(raw[at + 1:at + 1 + stride])
        if kind == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif kind == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev))
        elif kind == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 255
        elif kind == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b, c = prev[i], prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        elif kind != 0:
            raise AssertionError(f"unknown filter {kind} on row {y}")
        rows.append(bytes(line))
        prev = line
    return rows


def pixels(raw, w, h, color, depth, interlace, colours):
    assert depth == 8 and color in (2, 6) and not interlace, "--pixels: 8-bit RGB(A) only"
    bpp = CHANNELS[color]
    count = Counter()
    for row in unfilter(raw, w, h, bpp):
        count.update(row[i:i + 3] for i in range(0, len(row), bpp))
    bg, n = count.most_common(1)[0]
    ink = w * h - n
    assert ink >= w * h // 100 and len(count) >= 16, \
        f"blank: {ink} of {w * h} pixels differ from the background, {len(count)} colours"
    found = {c: count[bytes.fromhex(c)] for c in colours}
    thin = [c for c, k in found.items() if k < 200]
    assert not thin, f"too few pixels of {thin}: {found}"
    return f"{ink} pixels of ink in {len(count)} colours" + \
        "".join(f", #{c}: {k}" for c, k in found.items())


def main(args):
    check_pixels, colours, files, failed = False, [], [], 0
    while args:
        a = args.pop(0)
        if a == "--pixels":
            check_pixels = True
        elif a == "--colour":
            colours.append(args.pop(0).lower())
        else:
            files.append(a)
    for path in files:
        data = open(path, "rb").read()
        try:
            assert data[:8] == b"\x89PNG\r\n\x1a\n", "no PNG signature"
            pos, idat, chunks = 8, b"", []
            while pos < len(data):
                n, kind = struct.unpack(">I4s", data[pos:pos + 8])
                body = data[pos + 8:pos + 8 + n]
                crc, = struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])
                assert zlib.crc32(kind + body) == crc, f"bad CRC in {kind}"
                chunks.append(kind)
                if kind == b"IHDR":
                    w, h, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", body[:13])
                elif kind == b"IDAT":
                    idat += body
                pos += 12 + n
            assert chunks[0] == b"IHDR" and chunks[-1] == b"IEND", "IHDR first, IEND last"
            assert w > 0 and h > 0, "empty image"
            raw = zlib.decompress(idat)
            row = 1 + (w * CHANNELS[color] * depth + 7) // 8
            assert len(raw) == h * row, f"{len(raw)} bytes of pixels for {w}x{h}"
            seen = pixels(raw, w, h, color, depth, interlace, colours) if check_pixels else ""
            print(f"ok   {path} {w}x{h}" + (f": {seen}" if seen else ""))
        except (AssertionError, zlib.error, struct.error, KeyError, NameError) as e:
            print(f"FAIL {path}: {e}")
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
