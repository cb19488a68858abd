/**
 * Byte helpers for the persistence codecs: a growable writer, and conversions between binary
 * strings (one char per byte, Rexis's key/value representation) and bytes.
 */

export class ByteWriter {
  buf: Uint8Array;
  pos = 0;

  constructor(cap = 256) {
    this.buf = new Uint8Array(cap);
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.pos + n) cap *= 2;
    const nb = new Uint8Array(cap);
    nb.set(this.buf.subarray(0, this.pos));
    this.buf = nb;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  u16le(v: number): void {
    this.ensure(2);
    this.buf[this.pos++] = v & 0xff;
    this.buf[this.pos++] = (v >>> 8) & 0xff;
  }

  u32le(v: number): void {
    this.ensure(4);
    const b = this.buf;
    b[this.pos++] = v & 0xff;
    b[this.pos++] = (v >>> 8) & 0xff;
    b[this.pos++] = (v >>> 16) & 0xff;
    b[this.pos++] = (v >>> 24) & 0xff;
  }

  u32be(v: number): void {
    this.ensure(4);
    const b = this.buf;
    b[this.pos++] = (v >>> 24) & 0xff;
    b[this.pos++] = (v >>> 16) & 0xff;
    b[this.pos++] = (v >>> 8) & 0xff;
    b[this.pos++] = v & 0xff;
  }

  /** A signed 64-bit integer, little endian. */
  i64le(v: bigint | number): void {
    this.ensure(8);
    new DataView(this.buf.buffer, this.buf.byteOffset).setBigInt64(this.pos, BigInt(v), true);
    this.pos += 8;
  }

  u64be(v: bigint | number): void {
    this.ensure(8);
    new DataView(this.buf.buffer, this.buf.byteOffset).setBigUint64(this.pos, BigInt(v), false);
    this.pos += 8;
  }

  f64le(v: number): void {
    this.ensure(8);
    new DataView(this.buf.buffer, this.buf.byteOffset).setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  /** A binary string, one byte per char. */
  str(s: string): void {
    const n = s.length;
    this.ensure(n);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) b[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  bytes(a: Uint8Array): void {
    this.ensure(a.length);
    this.buf.set(a, this.pos);
    this.pos += a.length;
  }

  /** The bytes written so far (a view: copy before writing more if it must be kept). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  reset(): void {
    this.pos = 0;
  }
}

/** Bytes of a binary string. */
export function strToBytes(s: string): Uint8Array {
  const n = s.length;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = s.charCodeAt(i);
  return out;
}

const CHUNK = 8192;

/** Binary string of bytes [start, end). */
export function bytesToStr(b: Uint8Array, start = 0, end = b.length): string {
  const n = end - start;
  if (n <= 0) return "";
  if (n <= CHUNK) {
    return String.fromCharCode.apply(null, b.subarray(start, end) as unknown as number[]);
  }
  let s = "";
  for (let i = start; i < end; i += CHUNK) {
    s += String.fromCharCode.apply(
      null,
      b.subarray(i, Math.min(end, i + CHUNK)) as unknown as number[],
    );
  }
  return s;
}

/** Thrown by the decoders on malformed input. */
export class FormatError extends Error {}
