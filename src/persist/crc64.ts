/**
 * CRC-64/Jones as Redis computes it (crc64.c): reflected polynomial 0xad93d23594c935a9, initial
 * value 0, no final xor; crc64(0, "123456789") = 0xe9c6d914c4b8d9ca. Used for the RDB file footer
 * and the DUMP payload footer (stored little endian).
 *
 * The 64-bit register is kept as two 32-bit halves, processed with slicing-by-8 tables (eight
 * 256-entry tables per half), which runs at a few hundred MB/s in V8.
 */

const POLY_LO = 0xac4bc9b5; // bit-reversed 0xad93d23594c935a9 = 0x95ac9329ac4bc9b5
const POLY_HI = 0x95ac9329;

// Int32Array tables: every value stays a small-integer/int32 in V8 (uint32 values above 2^31
// would be boxed as doubles), measured ~2x faster than Uint32Array with `>>> 0` everywhere.
const TLO: Int32Array[] = [];
const THI: Int32Array[] = [];

function init(): void {
  const lo0 = new Uint32Array(256);
  const hi0 = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let lo = i;
    let hi = 0;
    for (let k = 0; k < 8; k++) {
      const bit = lo & 1;
      lo = ((lo >>> 1) | (hi << 31)) >>> 0;
      hi = hi >>> 1;
      if (bit) {
        lo = (lo ^ POLY_LO) >>> 0;
        hi = (hi ^ POLY_HI) >>> 0;
      }
    }
    lo0[i] = lo;
    hi0[i] = hi;
  }
  TLO.push(new Int32Array(lo0.buffer));
  THI.push(new Int32Array(hi0.buffer));
  for (let t = 1; t < 8; t++) {
    const pl = TLO[t - 1];
    const ph = THI[t - 1];
    const lo = new Uint32Array(256);
    const hi = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      // one more zero byte through the table: crc = T0[crc & 0xff] ^ (crc >> 8)
      const l = pl[i];
      const h = ph[i];
      const idx = l & 0xff;
      lo[i] = (((l >>> 8) | (h << 24)) ^ lo0[idx]) >>> 0;
      hi[i] = ((h >>> 8) ^ hi0[idx]) >>> 0;
    }
    TLO.push(new Int32Array(lo.buffer));
    THI.push(new Int32Array(hi.buffer));
  }
}
init();

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** A running CRC: the two halves of the 64-bit register. */
export interface Crc64 {
  lo: number;
  hi: number;
}

export function crc64Init(): Crc64 {
  return { lo: 0, hi: 0 };
}

/** Feed bytes [start, end) of `buf` into the running CRC. */
export function crc64Update(c: Crc64, buf: Uint8Array, start = 0, end = buf.length): void {
  let lo = c.lo | 0;
  let hi = c.hi | 0;
  let i = start;
  const [l0, l1, l2, l3, l4, l5, l6, l7] = TLO;
  const [h0, h1, h2, h3, h4, h5, h6, h7] = THI;
  // Bytes one at a time up to a 4-byte boundary, then 8 at a time as two aligned int32 loads
  // (when the platform is little endian): measured 2.4x the byte loads (15 MB: 39 → 17 ms).
  for (; i < end && ((buf.byteOffset + i) & 3) !== 0; i++) {
    const idx = (lo ^ buf[i]) & 0xff;
    lo = ((lo >>> 8) | (hi << 24)) ^ l0[idx];
    hi = (hi >>> 8) ^ h0[idx];
  }
  if (LITTLE_ENDIAN && end - i >= 8) {
    const w = new Int32Array(buf.buffer, buf.byteOffset + i, (end - i) >> 3 << 1);
    const nw = w.length;
    for (let k = 0; k < nw; k += 2) {
      const a = lo ^ w[k];
      const b = hi ^ w[k + 1];
      const a0 = a & 0xff, a1 = (a >> 8) & 0xff, a2 = (a >> 16) & 0xff, a3 = (a >> 24) & 0xff;
      const b0 = b & 0xff, b1 = (b >> 8) & 0xff, b2 = (b >> 16) & 0xff, b3 = (b >> 24) & 0xff;
      lo = l7[a0] ^ l6[a1] ^ l5[a2] ^ l4[a3] ^ l3[b0] ^ l2[b1] ^ l1[b2] ^ l0[b3];
      hi = h7[a0] ^ h6[a1] ^ h5[a2] ^ h4[a3] ^ h3[b0] ^ h2[b1] ^ h1[b2] ^ h0[b3];
    }
    i += nw << 2;
  }
  while (end - i >= 8) {
    const a = lo ^ (buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24));
    const b = hi ^ (buf[i + 4] | (buf[i + 5] << 8) | (buf[i + 6] << 16) | (buf[i + 7] << 24));
    const a0 = a & 0xff, a1 = (a >> 8) & 0xff, a2 = (a >> 16) & 0xff, a3 = (a >> 24) & 0xff;
    const b0 = b & 0xff, b1 = (b >> 8) & 0xff, b2 = (b >> 16) & 0xff, b3 = (b >> 24) & 0xff;
    lo = l7[a0] ^ l6[a1] ^ l5[a2] ^ l4[a3] ^ l3[b0] ^ l2[b1] ^ l1[b2] ^ l0[b3];
    hi = h7[a0] ^ h6[a1] ^ h5[a2] ^ h4[a3] ^ h3[b0] ^ h2[b1] ^ h1[b2] ^ h0[b3];
    i += 8;
  }
  for (; i < end; i++) {
    const idx = (lo ^ buf[i]) & 0xff;
    lo = ((lo >>> 8) | (hi << 24)) ^ l0[idx];
    hi = (hi >>> 8) ^ h0[idx];
  }
  c.lo = lo >>> 0;
  c.hi = hi >>> 0;
}

/** crc64(0, buf[start..end)) as the 8 little-endian bytes Redis writes. */
export function crc64Bytes(c: Crc64): Uint8Array {
  const out = new Uint8Array(8);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, c.lo, true);
  dv.setUint32(4, c.hi, true);
  return out;
}

/** One-shot CRC as a bigint (tests, messages). */
export function crc64(buf: Uint8Array, start = 0, end = buf.length): bigint {
  const c = crc64Init();
  crc64Update(c, buf, start, end);
  return (BigInt(c.hi) << 32n) | BigInt(c.lo);
}
