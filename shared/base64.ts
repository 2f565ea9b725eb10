/**
 * Base64 (RFC 4648 §4, with padding) for bytes, as data: URIs need it. shared/ has neither
 * Node's Buffer nor the DOM's btoa, so the page renderer encodes images with this.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const ALPHABET_CODES = Uint8Array.from(ALPHABET, (character) => character.charCodeAt(0));
const PADDING = '='.charCodeAt(0);
/** Characters passed to one String.fromCharCode call: well under every engine's argument limit. */
const CHUNK = 0x2000;

/** The standard base64 text of `bytes`: `Uint8Array.of(1, 2, 3)` gives `AQID`. */
export function encodeBase64(bytes: Uint8Array): string {
  // Encode into a byte buffer of ASCII codes, then turn it into a string in large chunks:
  // much faster than concatenating one character at a time for images of megabytes.
  const length = bytes.length;
  const output = new Uint8Array(Math.ceil(length / 3) * 4);
  let out = 0;
  let index = 0;
  for (; index + 2 < length; index += 3) {
    const triple = ((bytes[index] as number) << 16) | ((bytes[index + 1] as number) << 8) | (bytes[index + 2] as number);
    output[out++] = ALPHABET_CODES[triple >>> 18] as number;
    output[out++] = ALPHABET_CODES[(triple >>> 12) & 63] as number;
    output[out++] = ALPHABET_CODES[(triple >>> 6) & 63] as number;
    output[out++] = ALPHABET_CODES[triple & 63] as number;
  }
  const rest = length - index;
  if (rest > 0) {
    const first = bytes[index] as number;
    const second = rest === 2 ? (bytes[index + 1] as number) : 0;
    const pair = (first << 8) | second;
    output[out++] = ALPHABET_CODES[pair >>> 10] as number;
    output[out++] = ALPHABET_CODES[(pair >>> 4) & 63] as number;
    output[out++] = rest === 2 ? (ALPHABET_CODES[(pair << 2) & 63] as number) : PADDING;
    output[out++] = PADDING;
  }
  const parts: string[] = [];
  for (let start = 0; start < output.length; start += CHUNK) {
    // apply() takes any array-like, a typed array included; its typing asks for an array. It is
    // several times faster than spreading the chunk, which walks an iterator.
    parts.push(String.fromCharCode.apply(null, output.subarray(start, start + CHUNK) as unknown as number[]));
  }
  return parts.join('');
}
