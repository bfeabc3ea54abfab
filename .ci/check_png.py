"""Check that a PNG has the given size and is not blank (stdlib only).

usage: check_png.py FILE WIDTH HEIGHT
"""
import struct
import sys
import zlib

path, want_w, want_h = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
data = open(path, "rb").read()
if data[:8] != b"\x89PNG\r\n\x1a\n":
    sys.exit(f"{path}: not a PNG")
pos, idat, w, h = 8, b"", None, None
while pos < len(data):
    (length,) = struct.unpack(">I", data[pos : pos + 4])
    kind = data[pos + 4 : pos + 8]
    body = data[pos + 8 : pos + 8 + length]
    if kind == b"IHDR":
        w, h, depth, colour = struct.unpack(">IIBB", body[:10])
    elif kind == b"IDAT":
        idat += body
    pos += 12 + length
if (w, h) != (want_w, want_h):
    sys.exit(f"{path}: {w}x{h}, expected {want_w}x{want_h}")
raw = zlib.decompress(idat)
# Blank means one colour: count distinct byte values over the image.
distinct = len(set(raw[:: max(1, len(raw) // 200_000)]))
if distinct < 20:
    sys.exit(f"{path}: looks blank ({distinct} distinct byte values)")
print(f"{path}: {w}x{h}, {distinct} distinct byte values: not blank")
