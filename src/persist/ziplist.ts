/**
 * Decoders for the encodings older RDB files hold (Redis 7.0 can load them; nothing writes them
 * any more): ziplist (ziplist.c) and zipmap (zipmap.c).
 *
 * ziplist: <zlbytes u32 LE> <zltail u32 LE> <zllen u16 LE> <entry>* <0xFF>
 *   entry = <prevlen: 1 byte, or 0xFE + u32 LE> <encoding> <data>
 *   encoding: 00pppppp (6-bit string length), 01pppppp qqqqqqqq (14-bit BE), 10000000 + u32 BE,
 *   0xC0 int16, 0xD0 int32, 0xE0 int64, 0xF0 int24, 0xFE int8, 0xF1..0xFD immediate 0..12.
 * zipmap: <count u8> (<len> key <len> <free u8> value <free bytes>)* <0xFF>, where len is one
 *   byte below 254 or 254 + u32 (host order, little endian on every platform Redis ran on).
 */
import { bytesToStr, FormatError } from "./bytes.ts";

export function ziplistDecode(b: Uint8Array): string[] {
  if (b.length < 11) throw new FormatError("ziplist too short");
  const dv = new DataView(b.buffer, b.byteOffset, b.length);
  if (dv.getUint32(0, true) !== b.length) throw new FormatError("ziplist size mismatch");
  const declared = dv.getUint16(8, true);
  const end = b.length - 1;
  if (b[end] !== 0xff) throw new FormatError("ziplist bad terminator");
  const out: string[] = [];
  let p = 10;
  while (p < end) {
    p += b[p] === 0xfe ? 5 : 1;
    if (p >= end) throw new FormatError("ziplist entry overflow");
    const e = b[p];
    const need = (n: number) => {
      if (p + n > end) throw new FormatError("ziplist entry overflow");
    };
    if ((e & 0xc0) === 0x00) {
      const l = e & 0x3f;
      need(1 + l);
      out.push(bytesToStr(b, p + 1, p + 1 + l));
      p += 1 + l;
    } else if ((e & 0xc0) === 0x40) {
      need(2);
      const l = ((e & 0x3f) << 8) | b[p + 1];
      need(2 + l);
      out.push(bytesToStr(b, p + 2, p + 2 + l));
      p += 2 + l;
    } else if (e === 0x80) {
      need(5);
      const l = dv.getUint32(p + 1, false);
      need(5 + l);
      out.push(bytesToStr(b, p + 5, p + 5 + l));
      p += 5 + l;
    } else if (e === 0xc0) {
      need(3);
      out.push(String(dv.getInt16(p + 1, true)));
      p += 3;
    } else if (e === 0xd0) {
      need(5);
      out.push(String(dv.getInt32(p + 1, true)));
      p += 5;
    } else if (e === 0xe0) {
      need(9);
      out.push(String(dv.getBigInt64(p + 1, true)));
      p += 9;
    } else if (e === 0xf0) {
      need(4);
      let u = b[p + 1] | (b[p + 2] << 8) | (b[p + 3] << 16);
      if (u >= 1 << 23) u -= 1 << 24;
      out.push(String(u));
      p += 4;
    } else if (e === 0xfe) {
      need(2);
      out.push(String(dv.getInt8(p + 1)));
      p += 2;
    } else if (e >= 0xf1 && e <= 0xfd) {
      out.push(String((e & 0x0f) - 1));
      p += 1;
    } else {
      throw new FormatError("ziplist bad encoding");
    }
  }
  if (p !== end) throw new FormatError("ziplist entry overflow");
  if (declared !== 65535 && declared !== out.length) {
    throw new FormatError("ziplist count mismatch");
  }
  return out;
}

/** Decode a zipmap into [field, value, field, value, ...]. */
export function zipmapDecode(b: Uint8Array): string[] {
  if (b.length < 2) throw new FormatError("zipmap too short");
  const dv = new DataView(b.buffer, b.byteOffset, b.length);
  const out: string[] = [];
  let p = 1;
  const len = (): number => {
    if (p >= b.length) throw new FormatError("zipmap overflow");
    const l = b[p];
    if (l < 254) {
      p += 1;
      return l;
    }
    if (l === 254) {
      if (p + 5 > b.length) throw new FormatError("zipmap overflow");
      const v = dv.getUint32(p + 1, true);
      p += 5;
      return v;
    }
    return -1;
  };
  for (;;) {
    const kl = len();
    if (kl < 0) break;
    if (p + kl > b.length) throw new FormatError("zipmap overflow");
    const k = bytesToStr(b, p, p + kl);
    p += kl;
    const vl = len();
    if (vl < 0 || p >= b.length) throw new FormatError("zipmap overflow");
    const free = b[p++];
    if (p + vl + free > b.length) throw new FormatError("zipmap overflow");
    out.push(k, bytesToStr(b, p, p + vl));
    p += vl + free;
  }
  if (p !== b.length - 1) throw new FormatError("zipmap trailing bytes");
  return out;
}
