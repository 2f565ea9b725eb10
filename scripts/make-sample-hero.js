// Draws shared/sample/sample-hero.png, our own stand-in for the sample story's news photo (which we
// do not have): two flat, flag-coloured panels on a soft backdrop. Deterministic: same bytes each run.
//
// Usage: node scripts/make-sample-hero.js [output.png]
// Writes shared/sample/sample-hero.png unless told otherwise (the tests write a copy elsewhere to
// check the committed file is this script's output), and prints the asset reference for it.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { chunk } from './png-chunks.js';

const WIDTH = 480;
const HEIGHT = 270;
/** Samples per pixel along each axis, for smooth edges. */
const SUPERSAMPLING = 4;

const OUTPUT = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'shared', 'sample', 'sample-hero.png');

/** @typedef {readonly [number, number, number]} Rgb */
/** @typedef {{ left: number, right: number, top: number, bottom: number, radius: number }} Rect */

/** @satisfies {Record<string, Rgb>} */
const COLOURS = {
  backdropTop: /** @type {Rgb} */ ([233, 237, 242]),
  backdropBottom: /** @type {Rgb} */ ([211, 219, 229]),
  panelShadow: /** @type {Rgb} */ ([190, 199, 211]),
  white: /** @type {Rgb} */ ([250, 250, 248]),
  koreaRed: /** @type {Rgb} */ ([205, 46, 58]),
  koreaBlue: /** @type {Rgb} */ ([0, 71, 160]),
  polandRed: /** @type {Rgb} */ ([220, 20, 60]),
  ink: /** @type {Rgb} */ ([60, 70, 84]),
};

const PANEL = { top: 45, bottom: 225, radius: 14 };
/** @type {Rect} */
const LEFT_PANEL = { left: 40, right: 220, ...PANEL };
/** @type {Rect} */
const RIGHT_PANEL = { left: 260, right: 440, ...PANEL };

/** @param {number} x @param {number} y @param {Rect} rect */
function insideRoundedRect(x, y, rect) {
  if (x < rect.left || x >= rect.right || y < rect.top || y >= rect.bottom) return false;
  const r = rect.radius;
  const cx = Math.min(Math.max(x, rect.left + r), rect.right - r);
  const cy = Math.min(Math.max(y, rect.top + r), rect.bottom - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

/** @param {number} x @param {number} y @param {number} cx @param {number} cy @param {number} r */
function insideCircle(x, y, cx, cy, r) {
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

/** An abstract yin-yang emblem in red over blue, centred in the left panel. */
/** @param {number} x @param {number} y @returns {Rgb | null} */
function emblemColour(x, y) {
  const cx = (LEFT_PANEL.left + LEFT_PANEL.right) / 2;
  const cy = (LEFT_PANEL.top + LEFT_PANEL.bottom) / 2;
  const r = 52;
  if (!insideCircle(x, y, cx, cy, r)) return null;
  if (insideCircle(x, y, cx - r / 2, cy, r / 2)) return COLOURS.koreaRed;
  if (insideCircle(x, y, cx + r / 2, cy, r / 2)) return COLOURS.koreaBlue;
  return y < cy ? COLOURS.koreaRed : COLOURS.koreaBlue;
}

/** Three short bars at each corner of the left panel, a nod to the flag without copying it. */
/** @param {number} x @param {number} y @returns {Rgb | null} */
function barsColour(x, y) {
  /** @type {Array<[number, number]>} */
  const corners = [
    [LEFT_PANEL.left + 18, LEFT_PANEL.top + 18],
    [LEFT_PANEL.right - 46, LEFT_PANEL.top + 18],
    [LEFT_PANEL.left + 18, LEFT_PANEL.bottom - 40],
    [LEFT_PANEL.right - 46, LEFT_PANEL.bottom - 40],
  ];
  for (const [left, top] of corners) {
    for (let bar = 0; bar < 3; bar += 1) {
      const barTop = top + bar * 8;
      if (x >= left && x < left + 28 && y >= barTop && y < barTop + 5) return COLOURS.ink;
    }
  }
  return null;
}

/** A dotted line between the panels: the dialogue. */
/** @param {number} x @param {number} y @returns {Rgb | null} */
function dotsColour(x, y) {
  const cy = (PANEL.top + PANEL.bottom) / 2;
  for (let i = 0; i < 4; i += 1) {
    if (insideCircle(x, y, 240 + (i - 1.5) * 7.5, cy, 2.2)) return COLOURS.ink;
  }
  return null;
}

/** @param {Rect} rect @returns {Rect} */
function shadowRect(rect) {
  return { ...rect, left: rect.left + 4, right: rect.right + 4, top: rect.top + 5, bottom: rect.bottom + 5 };
}

/** @param {number} x @param {number} y @returns {Rgb | null} */
function sampleColour(x, y) {
  if (insideRoundedRect(x, y, LEFT_PANEL)) return emblemColour(x, y) ?? barsColour(x, y) ?? COLOURS.white;
  if (insideRoundedRect(x, y, RIGHT_PANEL)) {
    const middle = (RIGHT_PANEL.top + RIGHT_PANEL.bottom) / 2;
    return y < middle ? COLOURS.white : COLOURS.polandRed;
  }
  const dot = dotsColour(x, y);
  if (dot) return dot;
  if (insideRoundedRect(x, y, shadowRect(LEFT_PANEL)) || insideRoundedRect(x, y, shadowRect(RIGHT_PANEL))) {
    return COLOURS.panelShadow;
  }
  return null;
}

/** @param {number} y @returns {Rgb} */
function backdrop(y) {
  const t = y / (HEIGHT - 1);
  const [r0, g0, b0] = COLOURS.backdropTop;
  const [r1, g1, b1] = COLOURS.backdropBottom;
  return [r0 + (r1 - r0) * t, g0 + (g1 - g0) * t, b0 + (b1 - b0) * t];
}

/** RGB bytes, row by row, each pixel the average of its sub-samples. */
function drawPixels() {
  const pixels = Buffer.alloc(WIDTH * HEIGHT * 3);
  const step = 1 / SUPERSAMPLING;
  for (let py = 0; py < HEIGHT; py += 1) {
    const background = backdrop(py);
    for (let px = 0; px < WIDTH; px += 1) {
      let red = 0;
      let green = 0;
      let blue = 0;
      for (let sy = 0; sy < SUPERSAMPLING; sy += 1) {
        for (let sx = 0; sx < SUPERSAMPLING; sx += 1) {
          const [r, g, b] = sampleColour(px + (sx + 0.5) * step, py + (sy + 0.5) * step) ?? background;
          red += r;
          green += g;
          blue += b;
        }
      }
      const offset = (py * WIDTH + px) * 3;
      pixels[offset] = Math.round(red / SUPERSAMPLING ** 2);
      pixels[offset + 1] = Math.round(green / SUPERSAMPLING ** 2);
      pixels[offset + 2] = Math.round(blue / SUPERSAMPLING ** 2);
    }
  }
  return pixels;
}

// ---------------------------------------------------------------------------------------------
// A minimal PNG encoder: 8-bit RGB, one IDAT chunk, per-row filter chosen by the usual
// minimum-sum-of-absolute-differences heuristic.


/** @param {number} a @param {number} b @param {number} c */
function paeth(a, b, c) {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

/** A byte of a row, 0 left of its start (as the PNG filters define it). @param {Buffer} bytes @param {number} index */
function byteAt(bytes, index) {
  return index >= 0 ? (bytes[index] ?? 0) : 0;
}

/** @param {Buffer} pixels @param {number} width @param {number} height */
function filterRows(pixels, width, height) {
  const stride = width * 3;
  const out = Buffer.alloc(height * (stride + 1));
  const candidate = Buffer.alloc(stride);
  const best = Buffer.alloc(stride);
  for (let y = 0; y < height; y += 1) {
    const row = pixels.subarray(y * stride, (y + 1) * stride);
    const above = y > 0 ? pixels.subarray((y - 1) * stride, y * stride) : Buffer.alloc(stride);
    let bestType = 0;
    let bestScore = Infinity;
    for (let type = 0; type <= 4; type += 1) {
      let score = 0;
      for (let i = 0; i < stride; i += 1) {
        const left = byteAt(row, i - 3);
        const up = byteAt(above, i);
        const upLeft = byteAt(above, i - 3);
        const predictor = [0, left, up, (left + up) >> 1, paeth(left, up, upLeft)][type] ?? 0;
        const value = (byteAt(row, i) - predictor) & 0xff;
        candidate[i] = value;
        score += value < 128 ? value : 256 - value;
      }
      if (score < bestScore) {
        bestScore = score;
        bestType = type;
        candidate.copy(best);
      }
    }
    out[y * (stride + 1)] = bestType;
    best.copy(out, y * (stride + 1) + 1);
  }
  return out;
}

/** @param {Buffer} pixels @param {number} width @param {number} height */
function encodePng(pixels, width, height) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  header[10] = 0; // compression
  header[11] = 0; // filter method
  header[12] = 0; // no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(filterRows(pixels, width, height), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const png = encodePng(drawPixels(), WIDTH, HEIGHT);
mkdirSync(dirname(OUTPUT), { recursive: true });
writeFileSync(OUTPUT, png);
const assetRef = {
  sha256: createHash('sha256').update(png).digest('hex'),
  mediaType: 'image/png',
  width: WIDTH,
  height: HEIGHT,
  byteLength: png.length,
};
console.log(JSON.stringify(assetRef, null, 2));
