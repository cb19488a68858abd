/**
 * Redis 7.0's listpack serialization (listpack.c), the blob inside RDB_TYPE_*_LISTPACK and
 * RDB_TYPE_LIST_QUICKLIST_2 records:
 *
 *   <total-bytes u32 LE> <num-elements u16 LE (65535 = unknown)> <entry>* <0xFF>
 *   entry = <encoding+data> <backlen: the entry's length in 1-5 bytes, 7 bits each, read backwards>
 *
 * Elements that are canonical int64 decimals (lpStringToInt64) are stored as integers in the
 * smallest of 7-bit unsigned, 13/16/24/32/64-bit signed; other elements as strings with a 6-bit,
 * 12-bit or 32-bit length. The writer picks exactly Redis's encoding, so blobs are byte-identical.
 */
import { parseI64 } from "../commands/args.ts";
import { bytesToStr, ByteWriter, FormatError } from "./bytes.ts";

const HEADER = 6;

function backlenSize(l: number): number {
  return l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
}

function writeBacklen(w: ByteWriter, l: number): void {
  if (l <= 127) w.u8(l);
  else if (l < 16383) {
    w.u8(l >>> 7);
    w.u8((l & 127) | 128);
  } else if (l < 2097151) {
    w.u8(l >>> 14);
    w.u8(((l >>> 7) & 127) | 128);
    w.u8((l & 127) | 128);
  } else if (l < 268435455) {
    w.u8(l >>> 21);
    w.u8(((l >>> 14) & 127) | 128);
    w.u8(((l >>> 7) & 127) | 128);
    w.u8((l & 127) | 128);
  } else {
    w.u8(Math.floor(l / 268435456));
    w.u8(((l >>> 21) & 127) | 128);
    w.u8(((l >>> 14) & 127) | 128);
    w.u8(((l >>> 7) & 127) | 128);
    w.u8((l & 127) | 128);
  }
}

/** Size in bytes an element takes in a listpack (encoding, data and backlen). */
export function lpEntrySize(s: string): number {
  const v = s.length <= 20 ? parseI64(s) : null;
  let n: number;
  if (v !== null) {
    if (typeof v === "bigint") n = 9;
    else if (v >= 0 && v <= 127) n = 1;
    else if (v >= -4096 && v <= 4095) n = 2;
    else if (v >= -32768 && v <= 32767) n = 3;
    else if (v >= -8388608 && v <= 8388607) n = 4;
    else if (v >= -2147483648 && v <= 2147483647) n = 5;
    else n = 9;
  } else {
    const l = s.length;
    n = l < 64 ? 1 + l : l < 4096 ? 2 + l : 5 + l;
  }
  return n + backlenSize(n);
}

/** Builds one listpack, element by element. */
export class ListpackWriter {
  readonly w: ByteWriter;
  count = 0;

  constructor(cap = 64) {
    this.w = new ByteWriter(cap);
    this.w.pos = HEADER;
  }

  /** Total bytes of the listpack so far, terminator included (lpBytes). */
  get bytes(): number {
    return this.w.pos + 1;
  }

  append(s: string): void {
    const v = s.length <= 20 ? parseI64(s) : null;
    if (v !== null) this.appendInt(v);
    else this.appendStr(s);
  }

  /** An element known not to be a canonical integer (or to be stored as a string anyway). */
  appendStr(s: string): void {
    const w = this.w;
    const l = s.length;
    let n: number;
    if (l < 64) {
      w.u8(0x80 | l);
      n = 1 + l;
    } else if (l < 4096) {
      w.u8(0xe0 | (l >> 8));
      w.u8(l & 0xff);
      n = 2 + l;
    } else {
      w.u8(0xf0);
      w.u32le(l);
      n = 5 + l;
    }
    w.str(s);
    writeBacklen(w, n);
    this.count++;
  }

  /** lpAppendInteger: the smallest integer encoding of an int64. */
  appendInt(v: number | bigint): void {
    const w = this.w;
    if (typeof v === "bigint" || v < -2147483648 || v > 2147483647) {
      w.u8(0xf4);
      w.i64le(v);
      w.u8(9);
    } else if (v >= 0 && v <= 127) {
      w.ensure(2);
      w.buf[w.pos++] = v;
      w.buf[w.pos++] = 1;
    } else if (v >= -4096 && v <= 4095) {
      const u = v < 0 ? (1 << 13) + v : v;
      w.u8((u >> 8) | 0xc0);
      w.u8(u & 0xff);
      w.u8(2);
    } else if (v >= -32768 && v <= 32767) {
      w.u8(0xf1);
      w.u16le(v & 0xffff);
      w.u8(3);
    } else if (v >= -8388608 && v <= 8388607) {
      const u = v < 0 ? (1 << 24) + v : v;
      w.u8(0xf2);
      w.u8(u & 0xff);
      w.u8((u >> 8) & 0xff);
      w.u8((u >> 16) & 0xff);
      w.u8(4);
    } else {
      w.u8(0xf3);
      w.u32le(v >>> 0);
      w.u8(5);
    }
    this.count++;
  }

  /** Start a new listpack in the same buffer (what finish() returned is overwritten). */
  reset(): void {
    this.w.pos = HEADER;
    this.count = 0;
  }

  /** The finished listpack (the writer must not be used afterwards). */
  finish(): Uint8Array {
    const w = this.w;
    w.u8(0xff);
    const total = w.pos;
    const b = w.buf;
    b[0] = total & 0xff;
    b[1] = (total >>> 8) & 0xff;
    b[2] = (total >>> 16) & 0xff;
    b[3] = (total >>> 24) & 0xff;
    const n = this.count < 65535 ? this.count : 65535;
    b[4] = n & 0xff;
    b[5] = n >>> 8;
    return b.subarray(0, total);
  }
}

export function lpEncode(items: Iterable<string>): Uint8Array {
  const lp = new ListpackWriter();
  for (const s of items) lp.append(s);
  return lp.finish();
}

/** A listpack element as read: a string, or an integer (bigint beyond 2^53). */
export type LpValue = string | number | bigint;

/**
 * Decode a listpack into its elements (integers as decimal strings). Checks the header, every
 * entry's bounds and backlen, and the terminator; throws FormatError on any inconsistency.
 */
export function lpDecode(b: Uint8Array): string[] {
  return lpWalk(b, false) as string[];
}

/** lpDecode keeping integer elements as numbers (bigints when not safe): stream nodes. */
export function lpDecodeTyped(b: Uint8Array): LpValue[] {
  return lpWalk(b, true);
}

function lpInt(v: number, typed: boolean): LpValue {
  return typed ? v : String(v);
}

function lpWalk(b: Uint8Array, typed: boolean): LpValue[] {
  if (b.length < HEADER + 1) throw new FormatError("listpack too short");
  const total = (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0;
  if (total !== b.length) throw new FormatError("listpack size mismatch");
  const declared = b[4] | (b[5] << 8);
  const out: LpValue[] = declared !== 65535 ? new Array(declared) : [];
  let k = 0;
  let p = HEADER;
  const end = b.length - 1;
  while (p < end) {
    const start = p;
    const e = b[p];
    let item: LpValue;
    if (e < 0x80) {
      item = typed ? e : SMALL_INTS[e];
      p += 1;
    } else if ((e & 0xc0) === 0x80) {
      const l = e & 0x3f;
      if (p + 1 + l > end) throw new FormatError("listpack entry overflow");
      item = bytesToStr(b, p + 1, p + 1 + l);
      p += 1 + l;
    } else if ((e & 0xe0) === 0xc0) {
      if (p + 2 > end) throw new FormatError("listpack entry overflow");
      let u = ((e & 0x1f) << 8) | b[p + 1];
      if (u >= 1 << 12) u -= 1 << 13;
      item = lpInt(u, typed);
      p += 2;
    } else if ((e & 0xf0) === 0xe0) {
      if (p + 2 > end) throw new FormatError("listpack entry overflow");
      const l = ((e & 0x0f) << 8) | b[p + 1];
      if (p + 2 + l > end) throw new FormatError("listpack entry overflow");
      item = bytesToStr(b, p + 2, p + 2 + l);
      p += 2 + l;
    } else if (e === 0xf0) {
      if (p + 5 > end) throw new FormatError("listpack entry overflow");
      const l = (b[p + 1] | (b[p + 2] << 8) | (b[p + 3] << 16) | (b[p + 4] << 24)) >>> 0;
      if (p + 5 + l > end) throw new FormatError("listpack entry overflow");
      item = bytesToStr(b, p + 5, p + 5 + l);
      p += 5 + l;
    } else if (e === 0xf1) {
      if (p + 3 > end) throw new FormatError("listpack entry overflow");
      item = lpInt(((b[p + 1] | (b[p + 2] << 8)) << 16) >> 16, typed);
      p += 3;
    } else if (e === 0xf2) {
      if (p + 4 > end) throw new FormatError("listpack entry overflow");
      let u = b[p + 1] | (b[p + 2] << 8) | (b[p + 3] << 16);
      if (u >= 1 << 23) u -= 1 << 24;
      item = lpInt(u, typed);
      p += 4;
    } else if (e === 0xf3) {
      if (p + 5 > end) throw new FormatError("listpack entry overflow");
      item = lpInt(b[p + 1] | (b[p + 2] << 8) | (b[p + 3] << 16) | (b[p + 4] << 24), typed);
      p += 5;
    } else if (e === 0xf4) {
      if (p + 9 > end) throw new FormatError("listpack entry overflow");
      const lo = (b[p + 1] | (b[p + 2] << 8) | (b[p + 3] << 16) | (b[p + 4] << 24)) >>> 0;
      const hi = b[p + 5] | (b[p + 6] << 8) | (b[p + 7] << 16) | (b[p + 8] << 24);
      // Safe when hi is within ±2^21 (|v| < 2^53).
      if (hi >= -2097152 && hi < 2097152) item = lpInt(hi * 4294967296 + lo, typed);
      else {
        const v = (BigInt(hi) << 32n) | BigInt(lo);
        item = typed ? v : String(v);
      }
      p += 9;
    } else {
      throw new FormatError("listpack bad encoding");
    }
    const n = p - start;
    // The backlen's last byte (read backwards, first) holds the low 7 bits.
    if (n <= 127) {
      if (p >= end || b[p] !== n) throw new FormatError("listpack bad backlen");
      p++;
    } else {
      const bl = backlenSize(n);
      if (p + bl > end) throw new FormatError("listpack backlen overflow");
      let v = 0;
      for (let i = 0; i < bl; i++) v = v * 128 + (b[p + i] & 127);
      if (v !== n) throw new FormatError("listpack bad backlen");
      p += bl;
    }
    out[k++] = item;
  }
  if (p !== end || b[end] !== 0xff) throw new FormatError("listpack bad terminator");
  if (declared !== 65535 && declared !== k) {
    throw new FormatError("listpack count mismatch");
  }
  return out;
}

const SMALL_INTS: string[] = [];
for (let i = 0; i < 128; i++) SMALL_INTS.push(String(i));
