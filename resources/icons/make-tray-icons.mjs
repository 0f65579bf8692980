#!/usr/bin/env node
/**
 * Draws the four tray status icons as PNG (no image library: a 4x4-supersampled
 * rasterizer and zlib), at 16 px and 32 px (`@2x`, picked by Electron on HiDPI screens):
 *   available  green disc
 *   renting    blue disc with a white "play" triangle
 *   paused     grey disc with two white bars
 *   attention  amber triangle with a white "!"
 * Each state has its own shape, not only its own colour. Run: node resources/icons/make-tray-icons.mjs
 * The PNGs are committed; test/unit/packaging checks they exist and are valid.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));

const GREEN = [31, 136, 61];
const BLUE = [31, 111, 235];
const GREY = [110, 118, 129];
const AMBER = [210, 153, 34];
const WHITE = [255, 255, 255];

// Shapes in unit coordinates (0..1 across the icon); each returns a colour or null.
const inDisc = (x, y) => (x - 0.5) ** 2 + (y - 0.5) ** 2 <= 0.46 ** 2;
const inTriangle = (x, y, [ax, ay], [bx, by], [cx, cy]) => {
  const s = (px, py, qx, qy, rx, ry) => (px - rx) * (qy - ry) - (qx - rx) * (py - ry);
  const d1 = s(x, y, ax, ay, bx, by);
  const d2 = s(x, y, bx, by, cx, cy);
  const d3 = s(x, y, cx, cy, ax, ay);
  return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
};
const inRect = (x, y, x0, y0, x1, y1) => x >= x0 && x <= x1 && y >= y0 && y <= y1;

const SHAPES = {
  available: (x, y) => (inDisc(x, y) ? GREEN : null),
  renting: (x, y) => {
    if (!inDisc(x, y)) return null;
    return inTriangle(x, y, [0.4, 0.28], [0.4, 0.72], [0.74, 0.5]) ? WHITE : BLUE;
  },
  paused: (x, y) => {
    if (!inDisc(x, y)) return null;
    return inRect(x, y, 0.33, 0.28, 0.44, 0.72) || inRect(x, y, 0.56, 0.28, 0.67, 0.72) ? WHITE : GREY;
  },
  attention: (x, y) => {
    if (!inTriangle(x, y, [0.5, 0.04], [0.02, 0.94], [0.98, 0.94])) return null;
    return inRect(x, y, 0.44, 0.32, 0.56, 0.66) || inRect(x, y, 0.44, 0.74, 0.56, 0.85) ? WHITE : AMBER;
  },
};

function render(shape, size) {
  const n = 4;
  const rgba = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const colour = shape((px + (sx + 0.5) / n) / size, (py + (sy + 0.5) / n) / size);
          if (!colour) continue;
          r += colour[0];
          g += colour[1];
          b += colour[2];
          a += 1;
        }
      }
      const o = (py * size + px) * 4;
      // Straight (not premultiplied) alpha: average the covered samples' colour.
      rgba[o] = a ? Math.round(r / a) : 0;
      rgba[o + 1] = a ? Math.round(g / a) : 0;
      rgba[o + 2] = a ? Math.round(b / a) : 0;
      rgba[o + 3] = Math.round((255 * a) / (n * n));
    }
  }
  return rgba;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, k) => {
  let c = k;
  for (let i = 0; i < 8; i++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buffer) => {
  let c = 0xffffffff;
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
};

export function encodePng(rgba, size) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

for (const [status, shape] of Object.entries(SHAPES)) {
  writeFileSync(join(here, `tray-${status}.png`), encodePng(render(shape, 16), 16));
  writeFileSync(join(here, `tray-${status}@2x.png`), encodePng(render(shape, 32), 32));
}
process.stdout.write('tray icons written to resources/icons/\n');
