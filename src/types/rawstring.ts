/**
 * Mutable string values: what Redis calls a "raw" string, the sds that SETBIT, BITFIELD, SETRANGE
 * and APPEND change in place.
 *
 * Rexis's ordinary string values are immutable JS binary strings (src/store/db.ts), so changing one
 * byte of one costs a copy of the whole value. A value an in-place modifier touches becomes a
 * `RawString` instead (as Redis's dbUnshareStringValue turns an int/embstr into a raw sds), and
 * OBJECT ENCODING reports "raw" for it, as Redis does:
 *
 * - up to SMALL bytes it keeps a JS string (`s`), rebuilt on each change: a typed array costs
 *   ~0.3–0.7 µs to allocate in Deno and ~200 bytes of headers, more than rebuilding a short string;
 * - past SMALL bytes it keeps bytes (`b`, a Uint8Array with spare capacity, grown geometrically:
 *   amortised O(1) appends and bit growth), changed in place: SETBIT on a 1 MB bitmap is O(1);
 *   `s` is then a cache of the bytes as a binary string, made on demand (`toString()`) and dropped
 *   by every change.
 *
 * `ver` counts changes: a copy of the value elsewhere (the bit kernels' resident copies in WASM
 * memory, src/wasm/bitops.ts) is current while its recorded version is.
 *
 * Readers that only need bytes (GET, GETRANGE, STRLEN, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD)
 * read `b` directly; the rest call `toString()` (`stringOf`). A RawString is never shared: COPY
 * duplicates it (`dup`), RENAME/MOVE move it, RESTORE and RDB loading make ordinary strings.
 */
import { Buffer } from "node:buffer";
import type { RObject, RValue } from "../store/db.ts";

/** Values up to this many bytes stay JS strings inside the RawString. */
export const SMALL = 256;

interface Latin1Buffer {
  latin1Slice(start: number, end: number): string;
}

/** A binary string of a byte range (native latin1Slice past a few dozen bytes). */
export function bytesToBinary(b: Uint8Array, start: number, end: number): string {
  const n = end - start;
  if (n <= 0) return "";
  if (n < 64) {
    let s = "";
    for (let i = start; i < end; i++) s += String.fromCharCode(b[i]);
    return s;
  }
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength) as unknown as Latin1Buffer;
  return buf.latin1Slice(start, end);
}

const te = new TextEncoder();

/**
 * Copy a binary string's chars into `b` at `at`. Past a few dozen chars the native UTF-8 encoder
 * is tried first: it writes an ASCII string as is (~50 µs per MB, a charCodeAt loop ~2 ms); a
 * string with chars 0x80–0xFF (two UTF-8 bytes each) is then copied by the loop.
 */
export function binaryToBytes(s: string, b: Uint8Array, at: number): void {
  const n = s.length;
  if (n >= 64) {
    const r = te.encodeInto(s, b.subarray(at, at + n));
    if (r.read === n && r.written === n) return;
  }
  for (let i = 0; i < n; i++) b[at + i] = s.charCodeAt(i);
}

/** Capacity for `n` bytes with room to grow: doubling up to 16 MB, then +25%. */
function capacityFor(n: number): number {
  return n < 16 * 1024 * 1024 ? Math.max(2 * n, SMALL * 2) : n + (n >> 2);
}

export class RawString implements RObject {
  readonly type = "string";
  /** The value as a binary string: the value itself while `b` is null, else a cache (or null). */
  s: string | null;
  /** The bytes [0, len) of a large value (capacity b.length), or null for a small one. */
  b: Uint8Array | null;
  len: number;
  /** Bumped by every change. */
  ver = 0;

  constructor(s: string | null, b: Uint8Array | null = null, len = s === null ? 0 : s.length) {
    this.s = s;
    this.b = b;
    this.len = len;
  }

  /** A RawString with the value of `s` (dbUnshareStringValue). */
  static from(s: string): RawString {
    if (s.length <= SMALL) return new RawString(s);
    const b = new Uint8Array(capacityFor(s.length));
    binaryToBytes(s, b, 0);
    return new RawString(s, b, s.length);
  }

  /** A RawString of the given bytes (taken, not copied). */
  static ofBytes(b: Uint8Array, len = b.length): RawString {
    return new RawString(null, b, len);
  }

  /** `n` zero bytes. */
  static zeros(n: number): RawString {
    if (n <= SMALL) return new RawString("\0".repeat(n));
    return new RawString(null, new Uint8Array(capacityFor(n)), n);
  }

  get length(): number {
    return this.len;
  }

  encoding(): string {
    return "raw";
  }

  dup(): RawString {
    const b = this.b;
    if (b === null) return new RawString(this.s);
    return new RawString(this.s, b.slice(0, Math.max(this.len, 1)), this.len);
  }

  /** The value as a binary string (cached until the next change). */
  toString(): string {
    let s = this.s;
    if (s === null) s = this.s = bytesToBinary(this.b!, 0, this.len);
    return s;
  }

  /** Byte i (i < len). */
  byteAt(i: number): number {
    const b = this.b;
    return b === null ? this.s!.charCodeAt(i) : b[i];
  }

  /** Heap bytes, as src/store/accounting.ts estimates values (header, string or bytes). */
  heapBytes(): number {
    const b = this.b;
    if (b === null) return 40 + 16 + ((this.len + 7) & ~7);
    // Wrapper, typed array + array buffer + backing store headers, the bytes, any cached string.
    return 40 + 200 + b.length + (this.s === null ? 0 : 16 + ((this.len + 7) & ~7));
  }

  /** Switch to bytes with capacity for `n` (a value growing past SMALL). */
  #toBytes(n: number): Uint8Array {
    const b = new Uint8Array(capacityFor(n));
    const s = this.s!;
    binaryToBytes(s, b, 0);
    this.b = b;
    return b;
  }

  /** Room for `n` bytes (bytes form when n > SMALL); the bytes array, or null when small. */
  #reserve(n: number): Uint8Array | null {
    let b = this.b;
    if (b === null) {
      if (n <= SMALL) return null;
      return this.#toBytes(n);
    }
    if (n > b.length) {
      const nb = new Uint8Array(capacityFor(n));
      nb.set(b.subarray(0, this.len));
      this.b = b = nb;
    }
    return b;
  }

  /** Grow to `n` bytes with zeros (sdsgrowzero); returns whether the length changed. */
  growZero(n: number): boolean {
    const len = this.len;
    if (n <= len) return false;
    const b = this.#reserve(n);
    if (b === null) this.s = this.s! + "\0".repeat(n - len);
    else {
      // Bytes past len are zero unless a shrink left old data there (never: values never shrink).
      this.s = null;
    }
    this.len = n;
    this.ver++;
    return true;
  }

  /** Byte i = v (i < len). */
  setByte(i: number, v: number): void {
    const b = this.b;
    if (b !== null) {
      b[i] = v;
      this.s = null;
    } else {
      const s = this.s!;
      this.s = s.slice(0, i) + String.fromCharCode(v) + s.slice(i + 1);
    }
    this.ver++;
  }

  /** Write `data` at `offset`, zero-padding a gap (SETRANGE); returns the new length. */
  write(offset: number, data: string): number {
    const end = offset + data.length;
    if (end > this.len) this.growZero(end);
    const b = this.b;
    if (b !== null) {
      binaryToBytes(data, b, offset);
      this.s = null;
    } else {
      const s = this.s!;
      this.s = s.slice(0, offset) + data + s.slice(end);
    }
    this.ver++;
    return this.len;
  }

  /** Append `data` (APPEND); returns the new length. */
  append(data: string): number {
    const len = this.len;
    const n = len + data.length;
    const b = this.#reserve(n);
    if (b === null) this.s = this.s! + data;
    else {
      binaryToBytes(data, b, len);
      this.s = null;
    }
    this.len = n;
    this.ver++;
    return n;
  }

  /**
   * Writable bytes covering [0, len) for a caller that changes several bytes (BITFIELD); call
   * `commit()` when done. A small value is edited in a shared scratch array, copied back by commit.
   */
  edit(): Uint8Array {
    const b = this.b;
    if (b !== null) return b;
    const s = this.s!;
    binaryToBytes(s, scratch, 0);
    return scratch;
  }

  /** End an edit(): the bytes changed. */
  commit(): void {
    if (this.b === null) this.s = bytesToBinary(scratch, 0, this.len);
    else this.s = null;
    this.ver++;
  }
}

const scratch = new Uint8Array(SMALL);

/** Is `v` a string value (either representation)? */
export function isString(v: RValue): v is string | RawString {
  return typeof v === "string" || v instanceof RawString;
}

/** A string value as a JS binary string (a RawString converts once and caches). */
export function stringOf(v: string | RawString): string {
  return typeof v === "string" ? v : v.toString();
}
