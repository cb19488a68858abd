/**
 * Redis's intset serialization (intset.c), the blob of RDB_TYPE_SET_INTSET:
 *   <encoding u32 LE: 2, 4 or 8> <length u32 LE> <length sorted distinct integers, LE>
 * The encoding is the smallest width holding every member.
 */
import { ByteWriter, FormatError } from "./bytes.ts";
import { parseI64 } from "../commands/args.ts";

/** Encode members (canonical int64 strings, in ascending numeric order). */
export function intsetEncode(sortedMembers: readonly string[]): Uint8Array {
  const vals = sortedMembers.map((s) => {
    const v = parseI64(s);
    if (v === null) throw new FormatError("intset member is not an integer");
    return v;
  });
  let width = 2;
  for (const v of vals) {
    if (typeof v === "bigint" || v < -2147483648 || v > 2147483647) {
      width = 8;
      break;
    }
    if (v < -32768 || v > 32767) width = 4;
  }
  const w = new ByteWriter(8 + vals.length * width);
  w.u32le(width);
  w.u32le(vals.length);
  for (const v of vals) {
    if (width === 2) w.u16le(Number(v) & 0xffff);
    else if (width === 4) w.u32le(Number(v) >>> 0);
    else w.i64le(v);
  }
  return w.view();
}

/** Decode into decimal strings; checks the header, the size and the ascending order. */
export function intsetDecode(b: Uint8Array): string[] {
  if (b.length < 8) throw new FormatError("intset too short");
  const dv = new DataView(b.buffer, b.byteOffset, b.length);
  const width = dv.getUint32(0, true);
  const n = dv.getUint32(4, true);
  if (width !== 2 && width !== 4 && width !== 8) throw new FormatError("intset bad encoding");
  if (8 + n * width !== b.length) throw new FormatError("intset size mismatch");
  const out: string[] = new Array(n);
  let prev: bigint | number | null = null;
  for (let i = 0; i < n; i++) {
    const p = 8 + i * width;
    const v = width === 2
      ? dv.getInt16(p, true)
      : width === 4
      ? dv.getInt32(p, true)
      : dv.getBigInt64(p, true);
    if (prev !== null && !(prev < v)) throw new FormatError("intset not sorted");
    prev = v;
    out[i] = String(v);
  }
  return out;
}
