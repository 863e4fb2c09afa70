#!/usr/bin/env python3
"""Writes icon-192.png and icon-512.png for Kervan into the folder given as argv[1].

The mark is the one in web/icon.svg, described in the same 100x100 units: a rounded
square with a geometric K above three dots. Standard library only, so the build needs
no image tools. Each pixel averages SAMPLES x SAMPLES point samples to soften the edges.

Usage: python3 web/make-icons.py OUTPUT_DIR
"""

import math
import os
import struct
import sys
import zlib

SIZES = (192, 512)
SAMPLES = 4

BACKGROUND = (0xE0, 0xA4, 0x47)  # amber square
INK = (0x1E, 0x22, 0x27)         # the app's slate

CORNER_RADIUS = 22.0
STEM = (25.0, 20.0, 38.0, 72.0)  # x0, y0, x1, y1
# Starts inside the stem so that renderers leave no seam where the two meet.
UPPER_ARM = ((34, 44.44), (56, 20), (72, 20), (34, 61.35))
LOWER_ARM = ((41, 53), (49, 41), (75, 72), (59, 72))
DOTS = ((38, 84), (50, 84), (62, 84))
DOT_RADIUS = 3.5


# Each shape answers "which x interval does the horizontal line at height y cover?"
# (None when it misses), which lets a whole row be filled with slice assignments.

def rounded_square_span(y):
    if not 0.0 <= y < 100.0:
        return None
    r = CORNER_RADIUS
    dy = max(r - y, y - (100.0 - r), 0.0)
    inset = r - math.sqrt(max(r * r - dy * dy, 0.0))
    return inset, 100.0 - inset


def rect_span(rect, y):
    x0, y0, x1, y1 = rect
    return (x0, x1) if y0 <= y < y1 else None


def polygon_span(points, y):
    """Span of a convex polygon: the outermost crossings of its edges with the line."""
    xs = []
    for i, (ax, ay) in enumerate(points):
        bx, by = points[(i + 1) % len(points)]
        if ay == by:
            continue
        if min(ay, by) <= y < max(ay, by):
            xs.append(ax + (y - ay) * (bx - ax) / (by - ay))
    return (min(xs), max(xs)) if xs else None


def circle_span(cx, cy, r, y):
    dy = y - cy
    if abs(dy) >= r:
        return None
    dx = math.sqrt(r * r - dy * dy)
    return cx - dx, cx + dx


def ink_spans(y):
    spans = [rect_span(STEM, y), polygon_span(UPPER_ARM, y), polygon_span(LOWER_ARM, y)]
    spans += [circle_span(cx, cy, DOT_RADIUS, y) for cx, cy in DOTS]
    return [s for s in spans if s]


def fill(row, span, value, scale, width):
    """Marks the samples whose centres lie inside span (in 100-unit coordinates)."""
    start = max(0, math.ceil(span[0] * scale - 0.5))
    end = min(width, math.ceil(span[1] * scale - 0.5))
    if end > start:
        row[start:end] = bytes([value]) * (end - start)


def render(size):
    """Returns the RGBA rows of the icon as one bytes object, PNG filter bytes included."""
    scale = size * SAMPLES / 100.0  # samples per unit
    width = size * SAMPLES
    per_pixel = SAMPLES * SAMPLES
    out = bytearray()
    for py in range(size):
        background = [0] * size  # samples per pixel that are amber
        ink = [0] * size         # samples per pixel that are slate
        for sy in range(SAMPLES):
            y = (py * SAMPLES + sy + 0.5) / scale
            square = rounded_square_span(y)
            if not square:
                continue
            row = bytearray(width)  # 0 transparent, 1 amber, 2 slate
            fill(row, square, 1, scale, width)
            for span in ink_spans(y):
                clipped = (max(span[0], square[0]), min(span[1], square[1]))
                fill(row, clipped, 2, scale, width)
            for px in range(size):
                chunk = row[px * SAMPLES:(px + 1) * SAMPLES]
                if chunk.count(0) == SAMPLES:
                    continue
                ink[px] += chunk.count(2)
                background[px] += chunk.count(1)
        out.append(0)  # filter type: none
        for px in range(size):
            covered = ink[px] + background[px]
            if covered == 0:
                out += b"\0\0\0\0"
                continue
            # Both colours are opaque, so the colour is their mix and alpha the coverage.
            for c in range(3):
                out.append((ink[px] * INK[c] + background[px] * BACKGROUND[c] + covered // 2)
                           // covered)
            out.append((covered * 255 + per_pixel // 2) // per_pixel)
    return bytes(out)


def png_chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def to_palette(size, raw_rows):
    """The same pixels as palette indices (two colours mixed by coverage give fewer than 256
    distinct pixels): a quarter of the bytes to compress. None if they do not fit."""
    colours = {}
    out = bytearray()
    stride = 1 + size * 4
    for y in range(size):
        row = raw_rows[y * stride + 1:(y + 1) * stride]
        out.append(0)  # filter type: none
        for x in range(0, len(row), 4):
            index = colours.setdefault(bytes(row[x:x + 4]), len(colours))
            if index > 255:
                return None
            out.append(index)
    ordered = sorted(colours, key=colours.get)
    palette = b"".join(c[:3] for c in ordered)
    alpha = bytes(c[3] for c in ordered).rstrip(b"\xff")
    return palette, alpha, bytes(out)


def write_png(path, size, raw_rows):
    indexed = to_palette(size, raw_rows)
    if indexed:
        palette, alpha, rows = indexed
        chunks = (png_chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 3, 0, 0, 0))
                  + png_chunk(b"PLTE", palette) + (png_chunk(b"tRNS", alpha) if alpha else b"")
                  + png_chunk(b"IDAT", zlib.compress(rows, 9)))
    else:
        chunks = (png_chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0))  # RGBA
                  + png_chunk(b"IDAT", zlib.compress(raw_rows, 9)))
    data = b"\x89PNG\r\n\x1a\n" + chunks + png_chunk(b"IEND", b"")
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)  # never leave a half-written icon behind


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: make-icons.py OUTPUT_DIR\n")
        return 2
    out_dir = argv[1]
    os.makedirs(out_dir, exist_ok=True)
    for size in SIZES:
        path = os.path.join(out_dir, "icon-%d.png" % size)
        write_png(path, size, render(size))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
