/**
 * A zip taken apart into its entries and put together again, with room to lie: the bundle fuzzing
 * renames entries (`../x`, duplicates), swaps their data, and writes headers that disagree with
 * the data (a wrong CRC-32, sizes that claim less or more). Reading uses fflate; writing is done
 * here, because no zip library writes a zip that is wrong on purpose.
 */
import zlib from 'node:zlib';
import { strToU8, unzipSync } from 'fflate';

export interface ZipEntrySpec {
  /** The name as bytes are written (a string is written as UTF-8). */
  name: string | Uint8Array;
  data: Uint8Array;
  /** Deflated (8) or stored (0). */
  method: 0 | 8;
  /** XORed into the CRC-32 written in both headers. */
  crcXor?: number;
  /** Added to the unpacked size written in both headers. */
  sizeDelta?: number;
  /** Written in the central directory only: the local header keeps the true name. */
  directoryName?: string;
}

/** The entries of a zip, in its order (fflate keeps the directory's order). */
export function entriesOf(zip: Uint8Array): ZipEntrySpec[] {
  return Object.entries(unzipSync(zip)).map(([name, data]) => ({ name, data, method: isStoredByName(name) ? 0 : 8 }));
}

/** Images are stored as they are; text is deflated (as shared/bundle.ts writes them). */
function isStoredByName(name: string): boolean {
  return name.startsWith('assets/');
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let index = 0; index < 256; index += 1) {
    let value = index;
    for (let bit = 0; bit < 8; bit += 1) value = value & 1 ? 0xedb88320 ^ (value >>> 1) : value >>> 1;
    table[index] = value >>> 0;
  }
  return table;
})();

const crcs = new WeakMap<Uint8Array, number>();

export function crc32(bytes: Uint8Array): number {
  const known = crcs.get(bytes);
  if (known !== undefined) return known;
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  const value = (crc ^ 0xffffffff) >>> 0;
  crcs.set(bytes, value);
  return value;
}

/**
 * Each data's deflated form, kept while the data lives: most entries of a damaged bundle are the
 * valid bundle's own, and deflating them again would be most of the cost of a case.
 */
const deflated = new WeakMap<Uint8Array, Uint8Array>();

function deflate(data: Uint8Array): Uint8Array {
  let packed = deflated.get(data);
  if (packed === undefined) {
    packed = new Uint8Array(zlib.deflateRawSync(data, { level: 1 }));
    deflated.set(data, packed);
  }
  return packed;
}

/** Writes the entries as a zip: local headers and data, the directory, the end record. */
export function zipOf(entries: readonly ZipEntrySpec[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const directory: Uint8Array[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = typeof entry.name === 'string' ? strToU8(entry.name) : entry.name;
    const body = entry.method === 8 ? deflate(entry.data) : entry.data;
    const crc = (crc32(entry.data) ^ (entry.crcXor ?? 0)) >>> 0;
    const size = (entry.data.byteLength + (entry.sizeDelta ?? 0)) >>> 0;
    const local = new Uint8Array(30 + name.length);
    const view = new DataView(local.buffer);
    view.setUint32(0, 0x04034b50, true);
    view.setUint16(4, 20, true);
    view.setUint16(8, entry.method, true);
    view.setUint32(14, crc, true);
    view.setUint32(18, body.byteLength, true);
    view.setUint32(22, size, true);
    view.setUint16(26, name.length, true);
    local.set(name, 30);
    parts.push(local, body);

    const listedName = entry.directoryName === undefined ? name : strToU8(entry.directoryName);
    const record = new Uint8Array(46 + listedName.length);
    const recordView = new DataView(record.buffer);
    recordView.setUint32(0, 0x02014b50, true);
    recordView.setUint16(4, 20, true);
    recordView.setUint16(6, 20, true);
    recordView.setUint16(10, entry.method, true);
    recordView.setUint32(16, crc, true);
    recordView.setUint32(20, body.byteLength, true);
    recordView.setUint32(24, size, true);
    recordView.setUint16(28, listedName.length, true);
    recordView.setUint32(42, offset, true);
    record.set(listedName, 46);
    directory.push(record);
    offset += local.length + body.length;
  }
  const directorySize = directory.reduce((sum, record) => sum + record.length, 0);
  const end = new Uint8Array(22);
  const endView = new DataView(end.buffer);
  endView.setUint32(0, 0x06054b50, true);
  endView.setUint16(8, entries.length, true);
  endView.setUint16(10, entries.length, true);
  endView.setUint32(12, directorySize, true);
  endView.setUint32(16, offset, true);
  return concatenated([...parts, ...directory, end]);
}

export function concatenated(parts: readonly Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return bytes;
}
