/**
 * The part of the `edtf` package (inukshuk/edtf.js, which ships no type declarations) that
 * Storydesk uses: parse an EDTF string and read the interval it covers.
 */
declare module 'edtf' {
  /** What `edtf()` returns: a date, season, interval, set or list, each covering an interval. */
  export interface EdtfValue {
    /** `Date`, `Year`, `Decade`, `Century`, `Season`, `Interval`, `Set` or `List`. */
    readonly type: string;
    /** The earliest instant covered, in milliseconds since the epoch (UTC). */
    readonly min: number;
    /** The latest instant covered (the last millisecond), in milliseconds since the epoch (UTC). */
    readonly max: number;
    /** The value written back as EDTF. */
    toEDTF(): string;
  }

  /** Parses `text` as EDTF (ISO 8601-2); throws when it is not valid EDTF. */
  export default function edtf(text: string, options?: { level?: 0 | 1 | 2; types?: string[] }): EdtfValue;
}
