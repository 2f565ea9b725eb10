// Draws Storydesk's application icon at every size the installers need, and writes the three
// forms electron-builder reads: build/icons/NxN.png (Linux), build/icon.ico (Windows, PNG
// entries) and build/icon.icns (macOS, PNG entries). No network and no image tools: the PNG,
// ICO and ICNS containers are simple enough to write here. Deterministic: same bytes each run.
//
// The picture: a rounded square in the accent colour, holding a white page with three lines of
// text and a small accent mark, a citation, raised after the first line.
//
// Usage: node build/make-icons.js [output-folder]   (default: build/, beside this script)
import { Buffer } from 'node:buffer';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { chunk } from '../scripts/png-chunks.js';

const OUTPUT = process.argv[2] ?? dirname(fileURLToPath(import.meta.url));

/** Linux sizes; Windows and macOS take subsets of them. */
export const PNG_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];
/** ICNS entry types holding PNG data, by pixel size (the @2x types reuse a larger drawing). */
const ICNS_ENTRIES = /** @type {const} */ ([
  ['icp4', 16],
  ['icp5', 32],
  ['ic11', 32],
  ['icp6', 64],
  ['ic12', 64],
  ['ic07', 128],
  ['ic08', 256],
  ['ic13', 256],
  ['ic09', 512],
  ['ic14', 512],
  ['ic10', 1024],
]);

/** @typedef {readonly [number, number, number, number]} Rgba */
/** @typedef {{ left: number, top: number, right: number, bottom: number, radius: number }} Box */

const ACCENT = /** @type {Rgba} */ ([38, 84, 160, 255]);
const ACCENT_DARK = /** @type {Rgba} */ ([27, 61, 120, 255]);
const PAGE = /** @type {Rgba} */ ([252, 251, 248, 255]);
const INK = /** @type {Rgba} */ ([70, 78, 92, 255]);
const MARK = /** @type {Rgba} */ ([214, 64, 52, 255]);
const CLEAR = /** @type {Rgba} */ ([0, 0, 0, 0]);

// Geometry in a unit square (0..1), so every size draws the same picture.
/** @type {Box} */
const BACKGROUND = { left: 0.06, top: 0.06, right: 0.94, bottom: 0.94, radius: 0.2 };
/** @type {Box} */
const SHEET = { left: 0.27, top: 0.2, right: 0.73, bottom: 0.8, radius: 0.04 };
/** @type {Box[]} */
const LINES = [
  { left: 0.34, top: 0.33, right: 0.58, bottom: 0.38, radius: 0.025 },
  { left: 0.34, top: 0.47, right: 0.66, bottom: 0.52, radius: 0.025 },
  { left: 0.34, top: 0.61, right: 0.6, bottom: 0.66, radius: 0.025 },
];
/** @type {Box} */
const CITATION = { left: 0.61, top: 0.29, right: 0.67, bottom: 0.35, radius: 0.015 };

/** @param {number} x @param {number} y @param {Box} box */
function inside(x, y, box) {
  if (x < box.left || x > box.right || y < box.top || y > box.bottom) return false;
  const cx = Math.min(Math.max(x, box.left + box.radius), box.right - box.radius);
  const cy = Math.min(Math.max(y, box.top + box.radius), box.bottom - box.radius);
  return (x - cx) ** 2 + (y - cy) ** 2 <= box.radius ** 2;
}

/** @param {number} x @param {number} y @returns {Rgba} */
function colourAt(x, y) {
  if (!inside(x, y, BACKGROUND)) return CLEAR;
  if (inside(x, y, CITATION)) return MARK;
  if (LINES.some((line) => inside(x, y, line))) return INK;
  if (inside(x, y, SHEET)) return PAGE;
  // The sheet's shadow: the same box, lower and to the right.
  const shadow = { ...SHEET, left: SHEET.left + 0.015, right: SHEET.right + 0.015, top: SHEET.top + 0.02, bottom: SHEET.bottom + 0.02 };
  return inside(x, y, shadow) ? ACCENT_DARK : ACCENT;
}

/** RGBA bytes of the icon at `size` pixels, each pixel averaged over 4×4 samples (premultiplied, so edges blend into transparency). */
/** @param {number} size */
function draw(size) {
  const samples = 4;
  const pixels = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py += 1) {
    for (let px = 0; px < size; px += 1) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < samples; sy += 1) {
        for (let sx = 0; sx < samples; sx += 1) {
          const [cr, cg, cb, ca] = colourAt((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size);
          r += cr * ca;
          g += cg * ca;
          b += cb * ca;
          a += ca;
        }
      }
      const offset = (py * size + px) * 4;
      pixels[offset] = a === 0 ? 0 : Math.round(r / a);
      pixels[offset + 1] = a === 0 ? 0 : Math.round(g / a);
      pixels[offset + 2] = a === 0 ? 0 : Math.round(b / a);
      pixels[offset + 3] = Math.round(a / samples ** 2);
    }
  }
  return pixels;
}

// ---------------------------------------------------------------------------------------------
// PNG: 8-bit RGBA, one IDAT chunk, every row with the "up" filter (flat areas become zeros).


/** @param {Buffer} pixels @param {number} size */
export function encodePng(pixels, size) {
  const stride = size * 4;
  const filtered = Buffer.alloc(size * (stride + 1));
  for (let y = 0; y < size; y += 1) {
    filtered[y * (stride + 1)] = 2; // up
    for (let i = 0; i < stride; i += 1) {
      const above = y > 0 ? (pixels[(y - 1) * stride + i] ?? 0) : 0;
      filtered[y * (stride + 1) + 1 + i] = ((pixels[y * stride + i] ?? 0) - above) & 0xff;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type: RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(filtered, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---------------------------------------------------------------------------------------------
// ICO (Windows Vista and later read PNG entries) and ICNS (macOS 10.7 and later read PNG entries).

/** @param {Map<number, Buffer>} pngs */
function encodeIco(pngs) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // an icon
  header.writeUInt16LE(ICO_SIZES.length, 4);
  let offset = 6 + 16 * ICO_SIZES.length;
  const entries = [];
  const images = [];
  for (const size of ICO_SIZES) {
    const png = /** @type {Buffer} */ (pngs.get(size));
    const entry = Buffer.alloc(16);
    entry[0] = size >= 256 ? 0 : size; // 0 means 256
    entry[1] = size >= 256 ? 0 : size;
    entry.writeUInt16LE(1, 4); // colour planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(png.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += png.length;
    entries.push(entry);
    images.push(png);
  }
  return Buffer.concat([header, ...entries, ...images]);
}

/** @param {Map<number, Buffer>} pngs */
function encodeIcns(pngs) {
  const entries = ICNS_ENTRIES.map(([type, size]) => {
    const png = /** @type {Buffer} */ (pngs.get(size));
    const header = Buffer.alloc(8);
    header.write(type, 0, 'ascii');
    header.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([header, png]);
  });
  const header = Buffer.alloc(8);
  header.write('icns', 0, 'ascii');
  header.writeUInt32BE(8 + entries.reduce((total, entry) => total + entry.length, 0), 4);
  return Buffer.concat([header, ...entries]);
}

const pngs = new Map(PNG_SIZES.map((size) => [size, encodePng(draw(size), size)]));
mkdirSync(join(OUTPUT, 'icons'), { recursive: true });
for (const [size, png] of pngs) writeFileSync(join(OUTPUT, 'icons', `${size}x${size}.png`), png);
writeFileSync(join(OUTPUT, 'icon.png'), /** @type {Buffer} */ (pngs.get(512)));
writeFileSync(join(OUTPUT, 'icon.ico'), encodeIco(pngs));
writeFileSync(join(OUTPUT, 'icon.icns'), encodeIcns(pngs));
process.stdout.write(`Wrote ${PNG_SIZES.length} PNG sizes, icon.png, icon.ico and icon.icns to ${OUTPUT}\n`);
