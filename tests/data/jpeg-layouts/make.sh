#!/usr/bin/env bash
# Regenerates the JPEG layout fixtures from a synthetic picture (no photograph involved).
# Needs python3 and cjpeg (Debian libjpeg-turbo-progs). Usage: tests/data/jpeg-layouts/make.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
python3 - "$tmp/synthetic.ppm" <<'PY'
import math, random, sys
# 203 x 157 (odd sizes, not multiples of the MCU): gradients, rings, hard edges and seeded noise.
w, h = 203, 157
rnd = random.Random(2)
out = bytearray()
for y in range(h):
    for x in range(w):
        ring = 127 + 120 * math.sin(math.hypot(x - 80, y - 60) / 6.0)
        edge = 230 if (x // 25 + y // 19) % 2 else 25
        r = int(0.6 * ring + 0.4 * (255 * x / (w - 1)))
        g = int(0.5 * edge + 0.5 * (255 * y / (h - 1)))
        b = int(0.7 * (255 - ring) + 0.3 * rnd.randrange(256))
        out += bytes(min(255, max(0, v)) for v in (r, g, b))
with open(sys.argv[1], "wb") as f:
    f.write(b"P6\n%d %d\n255\n" % (w, h) + out)
PY
src="$tmp/synthetic.ppm"
cjpeg -quality 90 -sample 2x2 "$src" > s420.jpg
cjpeg -quality 90 -sample 2x1 "$src" > s422.jpg
cjpeg -quality 90 -sample 1x2 "$src" > s440.jpg
cjpeg -quality 90 -sample 1x1 "$src" > s444.jpg
cjpeg -quality 90 -sample 4x1 "$src" > s411.jpg
cjpeg -quality 90 -sample 2x2 -progressive "$src" > progressive.jpg
cjpeg -quality 90 -sample 2x2 -arithmetic "$src" > arithmetic.jpg
cjpeg -quality 90 -sample 2x2 -restart 1 "$src" > restart.jpg
cjpeg -quality 90 -grayscale "$src" > grey.jpg
cjpeg -quality 90 -grayscale -progressive "$src" > grey-progressive.jpg
cjpeg -quality 90 -rgb "$src" > rgb.jpg
