#!/usr/bin/env python3
"""png_check.py FILE... - each file is a whole PNG: the signature, every
chunk's CRC, an IHDR with a non-empty size, IDAT data that inflates to
exactly height rows of the declared width, and IEND last."""
import struct, sys, zlib

CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
failed = 0
for path in sys.argv[1:]:
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
                w, h, depth, color = struct.unpack(">IIBB", body[:10])
            elif kind == b"IDAT":
                idat += body
            pos += 12 + n
        assert chunks[0] == b"IHDR" and chunks[-1] == b"IEND", "IHDR first, IEND last"
        assert w > 0 and h > 0, "empty image"
        raw = zlib.decompress(idat)
        row = 1 + (w * CHANNELS[color] * depth + 7) // 8
        assert len(raw) == h * row, f"{len(raw)} bytes of pixels for {w}x{h}"
        print(f"ok   {path} {w}x{h}")
    except (AssertionError, zlib.error, struct.error, KeyError, NameError) as e:
        print(f"FAIL {path}: {e}")
        failed += 1
sys.exit(1 if failed else 0)
