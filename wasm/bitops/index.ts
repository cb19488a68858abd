/**
 * Bitmap kernels over bytes the host placed in this module's memory: population count (BITCOUNT),
 * first set/clear bit (BITPOS) and AND/OR/XOR/NOT of several strings (BITOP). Only numbers cross
 * the boundary. SIMD where it pays: 16 bytes per step for popcount and the BITOP loops.
 * The TypeScript reference is src/wasm/bitops_ref.ts.
 */

export function heapBase(): usize {
  return __heap_base;
}

/** Number of set bits in [p, p + n). */
export function popcount(p: usize, n: usize): f64 {
  let total: u64 = 0;
  const end = p + n;
  // 16 bytes per step; per-lane byte counters are flushed before they can overflow (31 × 8 < 256).
  while (end - p >= 16 * 31) {
    let acc = i8x16.splat(0);
    for (let k = 0; k < 31; k++) {
      acc = i8x16.add(acc, i8x16.popcnt(v128.load(p)));
      p += 16;
    }
    total += sumBytes(acc);
  }
  let acc = i8x16.splat(0);
  while (end - p >= 16) {
    acc = i8x16.add(acc, i8x16.popcnt(v128.load(p)));
    p += 16;
  }
  total += sumBytes(acc);
  while (end - p >= 8) {
    total += popcnt<u64>(load<u64>(p));
    p += 8;
  }
  while (p < end) {
    total += <u64> popcnt<u32>(<u32> load<u8>(p));
    p++;
  }
  return <f64> total;
}

function sumBytes(acc: v128): u64 {
  const w16 = i16x8.extadd_pairwise_i8x16_u(acc);
  const w32 = i32x4.extadd_pairwise_i16x8_u(w16);
  return <u64> (i32x4.extract_lane(w32, 0) + i32x4.extract_lane(w32, 1) +
    i32x4.extract_lane(w32, 2) + i32x4.extract_lane(w32, 3));
}

/**
 * redisBitpos: position of the first bit equal to `bit` in [p, p + n), bits numbered from the most
 * significant bit of the first byte. Looking for 0 in all-ones bytes gives n * 8 (the string is
 * taken as zero padded); looking for 1 in all-zero bytes gives -1.
 */
export function bitpos(p: usize, n: usize, bit: i32): f64 {
  const skip: u64 = bit != 0 ? 0 : 0xffffffffffffffff;
  let pos: u64 = 0;
  const end = p + n;
  if (bit != 0) {
    const zero = i8x16.splat(0);
    while (end - p >= 16 && !v128.any_true(v128.xor(v128.load(p), zero))) {
      p += 16;
      pos += 128;
    }
  } else {
    const ones = i8x16.splat(-1);
    while (end - p >= 16 && !v128.any_true(v128.xor(v128.load(p), ones))) {
      p += 16;
      pos += 128;
    }
  }
  while (end - p >= 8 && load<u64>(p) == skip) {
    p += 8;
    pos += 64;
  }
  const sb: u32 = bit != 0 ? 0 : 0xff;
  while (p < end) {
    const b = <u32> load<u8>(p);
    if (b != sb) {
      const x = bit != 0 ? b : ~b & 0xff;
      return <f64> (pos + <u64> (clz<u32>(x) - 24));
    }
    p++;
    pos += 8;
  }
  return bit != 0 ? -1 : <f64> pos;
}

const OP_AND = 0;
const OP_OR = 1;
const OP_XOR = 2;
const OP_NOT = 3;

/**
 * BITOP: dst[0, maxlen) = op over the n sources listed at table as (ptr u32, len u32) pairs, each
 * zero padded to maxlen. NOT takes one source.
 */
export function bitop(op: i32, dst: usize, table: usize, n: i32, maxlen: usize): void {
  if (op == OP_NOT) {
    const src = <usize> load<u32>(table);
    let i: usize = 0;
    for (; i + 16 <= maxlen; i += 16) v128.store(dst + i, v128.not(v128.load(src + i)));
    for (; i < maxlen; i++) store<u8>(dst + i, ~load<u8>(src + i));
    return;
  }
  if (op == OP_AND) {
    let minlen = maxlen;
    for (let k = 0; k < n; k++) {
      const l = <usize> load<u32>(table + (<usize> k << 3) + 4);
      if (l < minlen) minlen = l;
    }
    memory.copy(dst, <usize> load<u32>(table), minlen);
    memory.fill(dst + minlen, 0, maxlen - minlen);
    for (let k = 1; k < n; k++) {
      const src = <usize> load<u32>(table + (<usize> k << 3));
      let i: usize = 0;
      for (; i + 16 <= minlen; i += 16) {
        v128.store(dst + i, v128.and(v128.load(dst + i), v128.load(src + i)));
      }
      for (; i < minlen; i++) store<u8>(dst + i, load<u8>(dst + i) & load<u8>(src + i));
    }
    return;
  }
  memory.fill(dst, 0, maxlen);
  for (let k = 0; k < n; k++) {
    const src = <usize> load<u32>(table + (<usize> k << 3));
    const len = <usize> load<u32>(table + (<usize> k << 3) + 4);
    let i: usize = 0;
    if (op == OP_OR) {
      for (; i + 16 <= len; i += 16) {
        v128.store(dst + i, v128.or(v128.load(dst + i), v128.load(src + i)));
      }
      for (; i < len; i++) store<u8>(dst + i, load<u8>(dst + i) | load<u8>(src + i));
    } else if (op == OP_XOR) {
      for (; i + 16 <= len; i += 16) {
        v128.store(dst + i, v128.xor(v128.load(dst + i), v128.load(src + i)));
      }
      for (; i < len; i++) store<u8>(dst + i, load<u8>(dst + i) ^ load<u8>(src + i));
    }
  }
}

export { utf8ToLatin1 } from "../common/latin1";
