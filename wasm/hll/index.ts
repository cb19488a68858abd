/**
 * HyperLogLog kernel: Redis 7.0's HLL string format (hyperloglog.c), byte for byte.
 *
 * Layout of a value: 16-byte header "HYLL", encoding (0 dense, 1 sparse), 3 unused bytes, 8 bytes of
 * cached cardinality (little endian; bit 7 of the last byte set = cache invalid), then either 16384
 * dense 6-bit registers (12288 bytes, least significant bits first) or sparse opcodes:
 * ZERO 00xxxxxx (1..64 zero registers), XZERO 01xxxxxx yyyyyyyy (1..16384 zero registers),
 * VAL 1vvvvvxx (1..4 registers of value 1..32).
 *
 * Everything here works on bytes the host placed in this module's memory; only numbers cross the
 * boundary. A value being edited must sit in a region of at least HLL_CAPACITY bytes (a sparse
 * value can be promoted to dense in place). `setup` tells the kernel where its scratch regions are.
 * The TypeScript reference is src/types/hll.ts; both must agree on every byte.
 */

export { utf8ToLatin1 } from "../common/latin1";

const HDR: usize = 16;
const P: i32 = 14;
const REGS: i32 = 1 << P;
const P_MASK: u64 = <u64> (REGS - 1);
const DENSE_SIZE: i32 = 12304;
const Q: i32 = 64 - P;
const ALPHA_INF: f64 = 0.72134752044448170368;
const VAL_MAX_VALUE: i32 = 32;
const VAL_MAX_LEN: i32 = 4;
const ZERO_MAX_LEN: i32 = 64;

/** Scratch: a dense value under construction (DENSE_SIZE + 1), raw registers (REGS), histogram. */
let tmp: usize = 0;
let raw: usize = 0;
let histo: usize = 0;

/** Length of the value after the last call that can change it. */
export let outLen: i32 = 0;
/** Elements that changed a register in the last hllAddMany. */
export let updated: i32 = 0;

export function heapBase(): usize {
  return __heap_base;
}

export function setup(tmpPtr: usize, rawPtr: usize, histoPtr: usize): void {
  tmp = tmpPtr;
  raw = rawPtr;
  histo = histoPtr;
}

// ---- hashing ----------------------------------------------------------------------------------

/** MurmurHash64A with Redis's seed, reading 8-byte blocks little endian. */
export function murmur64a(p: usize, len: i32): u64 {
  const m: u64 = 0xc6a4a7935bd1e995;
  let h: u64 = (<u64> 0xadc83b19) ^ (<u64> len * m);
  const end = p + <usize> (len & ~7);
  while (p != end) {
    let k = load<u64>(p);
    k *= m;
    k ^= k >> 47;
    k *= m;
    h ^= k;
    h *= m;
    p += 8;
  }
  const rem = len & 7;
  if (rem != 0) {
    if (rem >= 7) h ^= (<u64> load<u8>(p + 6)) << 48;
    if (rem >= 6) h ^= (<u64> load<u8>(p + 5)) << 40;
    if (rem >= 5) h ^= (<u64> load<u8>(p + 4)) << 32;
    if (rem >= 4) h ^= (<u64> load<u8>(p + 3)) << 24;
    if (rem >= 3) h ^= (<u64> load<u8>(p + 2)) << 16;
    if (rem >= 2) h ^= (<u64> load<u8>(p + 1)) << 8;
    h ^= <u64> load<u8>(p);
    h *= m;
  }
  h ^= h >> 47;
  h *= m;
  h ^= h >> 47;
  return h;
}

/** Register index of the last hllPatLen. */
let patIndex: i32 = 0;

/** hllPatLen: register index (in patIndex) and run length of zeros + 1 (the return value). */
function patLen(p: usize, len: i32): i32 {
  let hash = murmur64a(p, len);
  patIndex = <i32> (hash & P_MASK);
  hash >>= P;
  hash |= (<u64> 1) << Q;
  return <i32> ctz<u64>(hash) + 1;
}

// ---- dense registers --------------------------------------------------------------------------

function denseGet(regs: usize, i: i32): i32 {
  const bit = i * 6;
  const byte = <usize> (bit >> 3);
  const fb = bit & 7;
  const b0 = <i32> load<u8>(regs + byte);
  const b1 = <i32> load<u8>(regs + byte + 1);
  return ((b0 >> fb) | (b1 << (8 - fb))) & 63;
}

function denseSet(regs: usize, i: i32, v: i32): void {
  const bit = i * 6;
  const byte = <usize> (bit >> 3);
  const fb = bit & 7;
  const fb8 = 8 - fb;
  let b0 = <i32> load<u8>(regs + byte);
  b0 &= ~(63 << fb);
  b0 |= v << fb;
  store<u8>(regs + byte, <u8> b0);
  let b1 = <i32> load<u8>(regs + byte + 1);
  b1 &= ~(63 >> fb8);
  b1 |= v >> fb8;
  store<u8>(regs + byte + 1, <u8> b1);
}

function denseSetMax(regs: usize, i: i32, count: i32): i32 {
  if (count > denseGet(regs, i)) {
    denseSet(regs, i, count);
    return 1;
  }
  return 0;
}

// ---- sparse -----------------------------------------------------------------------------------

/** Sparse to dense in place (the region must hold DENSE_SIZE bytes); false when corrupt. */
function sparseToDense(ptr: usize, len: i32): bool {
  const d = tmp;
  memory.fill(d, 0, <usize> DENSE_SIZE + 1);
  memory.copy(d, ptr, HDR);
  store<u8>(d + 4, 0);
  const regs = d + HDR;
  let idx: i32 = 0;
  let p = ptr + HDR;
  const end = ptr + <usize> len;
  while (p < end) {
    const op = <i32> load<u8>(p);
    let runlen: i32;
    if ((op & 0xc0) == 0) {
      runlen = (op & 0x3f) + 1;
      if (runlen + idx > REGS) return false;
      idx += runlen;
      p++;
    } else if ((op & 0xc0) == 0x40) {
      runlen = (((op & 0x3f) << 8) | <i32> load<u8>(p + 1)) + 1;
      if (runlen + idx > REGS) return false;
      idx += runlen;
      p += 2;
    } else {
      runlen = (op & 3) + 1;
      const v = ((op >> 2) & 0x1f) + 1;
      if (runlen + idx > REGS) return false;
      while (runlen-- > 0) {
        denseSet(regs, idx, v);
        idx++;
      }
      p++;
    }
  }
  if (idx != REGS) return false;
  memory.copy(ptr, d, <usize> DENSE_SIZE);
  outLen = DENSE_SIZE;
  return true;
}

/**
 * hllSparseSet: raise register `index` to `count` in the sparse value at ptr (length len), promoting
 * to dense when the value would exceed maxBytes or count does not fit a VAL opcode. Returns 1 when
 * a register changed, 0 when not, -1 when the value is corrupt; the new length is in outLen.
 */
function sparseSet(ptr: usize, len: i32, index: i32, count: i32, maxBytes: f64): i32 {
  outLen = len;
  if (count > VAL_MAX_VALUE) return promote(ptr, len, index, count);
  const sparse = ptr + HDR;
  let end = ptr + <usize> len;
  let p = sparse;
  let first: i32 = 0;
  let prev: usize = 0;
  let span: i32 = 0;
  while (p < end) {
    const op = <i32> load<u8>(p);
    let oplen: usize = 1;
    if ((op & 0xc0) == 0) span = (op & 0x3f) + 1;
    else if (op & 0x80) span = (op & 3) + 1;
    else {
      // A truncated XZERO reads the byte past the end, as Redis does (its sds has a terminator).
      span = (((op & 0x3f) << 8) | <i32> load<u8>(p + 1)) + 1;
      oplen = 2;
    }
    if (index <= first + span - 1) break;
    prev = p;
    p += oplen;
    first += span;
  }
  if (span == 0 || p >= end) return -1;

  const op = <i32> load<u8>(p);
  const isXzero = (op & 0xc0) == 0x40;
  const isZero = (op & 0xc0) == 0;
  const isVal = !isXzero && !isZero;
  let next: usize = isXzero ? p + 2 : p + 1;
  if (next >= end) next = 0;
  let runlen: i32;
  if (isZero) runlen = (op & 0x3f) + 1;
  else if (isXzero) runlen = (((op & 0x3f) << 8) | <i32> load<u8>(p + 1)) + 1;
  else runlen = (op & 3) + 1;

  let done = false;
  if (isVal) {
    const oldcount = ((op >> 2) & 0x1f) + 1;
    if (oldcount >= count) return 0;
    if (runlen == 1) {
      store<u8>(p, <u8> (0x80 | ((count - 1) << 2)));
      done = true;
    }
  }
  if (!done && isZero && runlen == 1) {
    store<u8>(p, <u8> (0x80 | ((count - 1) << 2)));
    done = true;
  }
  if (!done) {
    // Up to 5 opcodes replace the one at p; built in the tail of tmp.
    const seq = tmp + <usize> DENSE_SIZE + 8;
    let n = seq;
    const last = first + span - 1;
    if (isZero || isXzero) {
      if (index != first) {
        const l = index - first;
        if (l > ZERO_MAX_LEN) {
          store<u8>(n, <u8> (0x40 | ((l - 1) >> 8)));
          store<u8>(n + 1, <u8> ((l - 1) & 0xff));
          n += 2;
        } else {
          store<u8>(n, <u8> (l - 1));
          n++;
        }
      }
      store<u8>(n++, <u8> (0x80 | ((count - 1) << 2)));
      if (index != last) {
        const l = last - index;
        if (l > ZERO_MAX_LEN) {
          store<u8>(n, <u8> (0x40 | ((l - 1) >> 8)));
          store<u8>(n + 1, <u8> ((l - 1) & 0xff));
          n += 2;
        } else {
          store<u8>(n, <u8> (l - 1));
          n++;
        }
      }
    } else {
      const curval = ((op >> 2) & 0x1f) + 1;
      if (index != first) {
        store<u8>(n++, <u8> (0x80 | ((curval - 1) << 2) | (index - first - 1)));
      }
      store<u8>(n++, <u8> (0x80 | ((count - 1) << 2)));
      if (index != last) {
        store<u8>(n++, <u8> (0x80 | ((curval - 1) << 2) | (last - index - 1)));
      }
    }
    const seqlen = <i32> (n - seq);
    const oldlen = isXzero ? 2 : 1;
    const delta = seqlen - oldlen;
    if (delta > 0 && <f64> (len + delta) > maxBytes) return promote(ptr, len, index, count);
    if (delta != 0 && next != 0) memory.copy(next + <usize> delta, next, end - next);
    len += delta;
    end += <usize> delta;
    memory.copy(p, seq, <usize> seqlen);
  }

  // Merge adjacent VAL opcodes with the same value, up to 5 opcodes from prev.
  p = prev != 0 ? prev : sparse;
  let scan = 5;
  while (p < end && scan-- > 0) {
    const o = <i32> load<u8>(p);
    if ((o & 0xc0) == 0x40) {
      p += 2;
      continue;
    } else if ((o & 0xc0) == 0) {
      p++;
      continue;
    }
    if (p + 1 < end) {
      const o2 = <i32> load<u8>(p + 1);
      if (o2 & 0x80) {
        const v1 = (o >> 2) & 0x1f;
        const v2 = (o2 >> 2) & 0x1f;
        if (v1 == v2) {
          const l = (o & 3) + (o2 & 3) + 2;
          if (l <= VAL_MAX_LEN) {
            store<u8>(p + 1, <u8> (0x80 | (v1 << 2) | (l - 1)));
            memory.copy(p, p + 1, end - p - 1);
            len--;
            end--;
            continue;
          }
        }
      }
    }
    p++;
  }
  store<u8>(ptr + 15, load<u8>(ptr + 15) | 0x80);
  store<u8>(ptr + <usize> len, 0); // the terminator Redis's sds keeps after the value
  outLen = len;
  return 1;
}

function promote(ptr: usize, len: i32, index: i32, count: i32): i32 {
  if (!sparseToDense(ptr, len)) return -1;
  denseSet(ptr + HDR, index, count);
  return 1;
}

// ---- the value API ----------------------------------------------------------------------------

/**
 * PFADD: add `n` elements to the value at ptr (length len). Elements are laid out at elems as n
 * u32 lengths followed by their bytes. Returns how many elements changed a register, or -1 when
 * the value is corrupt; the new length is in outLen (the cache is invalidated by the host).
 */
export function hllAddMany(ptr: usize, len: i32, elems: usize, n: i32, maxBytes: f64): i32 {
  let data = elems + (<usize> n << 2);
  let upd: i32 = 0;
  for (let i = 0; i < n; i++) {
    const l = load<u32>(elems + (<usize> i << 2));
    const count = patLen(data, <i32> l);
    data += <usize> l;
    let r: i32;
    if (load<u8>(ptr + 4) == 0) {
      r = denseSetMax(ptr + HDR, patIndex, count);
    } else if (load<u8>(ptr + 4) == 1) {
      r = sparseSet(ptr, len, patIndex, count, maxBytes);
      len = outLen;
    } else r = -1;
    if (r < 0) {
      updated = upd;
      return -1;
    }
    upd += r;
  }
  updated = upd;
  outLen = len;
  return upd;
}

/** Add one 8-byte element given as two u32 halves (PFSELFTEST); returns 1, 0 or -1. */
export function hllAddU64(ptr: usize, len: i32, lo: u32, hi: u32, maxBytes: f64): i32 {
  const e = tmp + <usize> DENSE_SIZE + 16;
  store<u32>(e, lo);
  store<u32>(e + 4, hi);
  const count = patLen(e, 8);
  if (load<u8>(ptr + 4) == 0) {
    outLen = len;
    return denseSetMax(ptr + HDR, patIndex, count);
  }
  return sparseSet(ptr, len, patIndex, count, maxBytes);
}

function sigma(x: f64): f64 {
  if (x == 1.0) return Infinity;
  let zPrime: f64;
  let y: f64 = 1;
  let z = x;
  do {
    x *= x;
    zPrime = z;
    z += x * y;
    y += y;
  } while (zPrime != z);
  return z;
}

function tau(x: f64): f64 {
  if (x == 0.0 || x == 1.0) return 0.0;
  let zPrime: f64;
  let y: f64 = 1.0;
  let z = 1 - x;
  do {
    x = Math.sqrt(x);
    zPrime = z;
    y *= 0.5;
    const d = 1 - x;
    z -= d * d * y;
  } while (zPrime != z);
  return z / 3;
}

/** The estimate from the register histogram (hllCount's second half). */
function estimate(): f64 {
  const m: f64 = <f64> REGS;
  let z = m * tau((m - <f64> load<i32>(histo + <usize> ((Q + 1) << 2))) / m);
  for (let j = Q; j >= 1; --j) {
    z += <f64> load<i32>(histo + <usize> (j << 2));
    z *= 0.5;
  }
  z += m * sigma(<f64> load<i32>(histo) / m);
  const e = (ALPHA_INF * m * m) / z;
  const f = Math.floor(e);
  return e - f >= 0.5 ? f + 1 : f;
}

/** hllCount of the value at ptr; -1 when a sparse value is corrupt. */
export function hllCount(ptr: usize, len: i32): f64 {
  memory.fill(histo, 0, 64 * 4);
  const enc = load<u8>(ptr + 4);
  if (enc == 0) {
    let r = ptr + HDR;
    for (let j = 0; j < 1024; j++) {
      const a = <u32> load<u8>(r);
      const b = <u32> load<u8>(r + 1);
      const c = <u32> load<u8>(r + 2);
      histoInc(a & 63);
      histoInc(((a >> 6) | (b << 2)) & 63);
      histoInc(((b >> 4) | (c << 4)) & 63);
      histoInc(c >> 2);
      const d = <u32> load<u8>(r + 3);
      const e = <u32> load<u8>(r + 4);
      const f = <u32> load<u8>(r + 5);
      histoInc(d & 63);
      histoInc(((d >> 6) | (e << 2)) & 63);
      histoInc(((e >> 4) | (f << 4)) & 63);
      histoInc(f >> 2);
      const g = <u32> load<u8>(r + 6);
      const h = <u32> load<u8>(r + 7);
      const i = <u32> load<u8>(r + 8);
      histoInc(g & 63);
      histoInc(((g >> 6) | (h << 2)) & 63);
      histoInc(((h >> 4) | (i << 4)) & 63);
      histoInc(i >> 2);
      const k = <u32> load<u8>(r + 9);
      const l = <u32> load<u8>(r + 10);
      const n = <u32> load<u8>(r + 11);
      histoInc(k & 63);
      histoInc(((k >> 6) | (l << 2)) & 63);
      histoInc(((l >> 4) | (n << 4)) & 63);
      histoInc(n >> 2);
      r += 12;
    }
  } else {
    let idx: i32 = 0;
    let p = ptr + HDR;
    const end = ptr + <usize> len;
    while (p < end) {
      const op = <i32> load<u8>(p);
      let runlen: i32;
      if ((op & 0xc0) == 0) {
        runlen = (op & 0x3f) + 1;
        if (runlen + idx > REGS) return -1;
        idx += runlen;
        histoAdd(0, runlen);
        p++;
      } else if ((op & 0xc0) == 0x40) {
        runlen = (((op & 0x3f) << 8) | <i32> load<u8>(p + 1)) + 1;
        if (runlen + idx > REGS) return -1;
        idx += runlen;
        histoAdd(0, runlen);
        p += 2;
      } else {
        runlen = (op & 3) + 1;
        if (runlen + idx > REGS) return -1;
        idx += runlen;
        histoAdd(((op >> 2) & 0x1f) + 1, runlen);
        p++;
      }
    }
    if (idx != REGS) return -1;
  }
  return estimate();
}

function histoInc(r: u32): void {
  const a = histo + (<usize> r << 2);
  store<i32>(a, load<i32>(a) + 1);
}

function histoAdd(r: i32, n: i32): void {
  const a = histo + (<usize> r << 2);
  store<i32>(a, load<i32>(a) + n);
}

/** Zero the raw registers (start of a PFCOUNT union or PFMERGE). */
export function rawClear(): void {
  memory.fill(raw, 0, <usize> REGS);
}

/** hllMerge: raise the raw registers to the value's; false (0) when the value is corrupt. */
export function rawMerge(ptr: usize, len: i32): i32 {
  if (load<u8>(ptr + 4) == 0) {
    // 16 registers (12 bytes) per step: a swizzle puts the two bytes holding each register in a
    // 16-bit lane, four uniform shifts and three blends align them (the shift pattern 0,6,4,2
    // repeats every 4 registers), then a narrow to bytes and an unsigned max with the raw ones.
    let r = ptr + HDR;
    let o = raw;
    const lo = v128(0, 1, 0, 1, 1, 2, 2, 3, 3, 4, 3, 4, 4, 5, 5, 6);
    const hi = v128(6, 7, 6, 7, 7, 8, 8, 9, 9, 10, 9, 10, 10, 11, 11, 12);
    const m6 = i16x8(0, -1, 0, 0, 0, -1, 0, 0);
    const m4 = i16x8(0, 0, -1, 0, 0, 0, -1, 0);
    const m2 = i16x8(0, 0, 0, -1, 0, 0, 0, -1);
    const six3 = i16x8.splat(63);
    for (let j = 0; j < REGS / 16; j++) {
      const v = v128.load(r);
      const a = i8x16.swizzle(v, lo);
      const b = i8x16.swizzle(v, hi);
      let x = v128.bitselect(i16x8.shr_u(a, 6), a, m6);
      x = v128.bitselect(i16x8.shr_u(a, 4), x, m4);
      x = v128.and(v128.bitselect(i16x8.shr_u(a, 2), x, m2), six3);
      let y = v128.bitselect(i16x8.shr_u(b, 6), b, m6);
      y = v128.bitselect(i16x8.shr_u(b, 4), y, m4);
      y = v128.and(v128.bitselect(i16x8.shr_u(b, 2), y, m2), six3);
      v128.store(o, i8x16.max_u(v128.load(o), i8x16.narrow_i16x8_u(x, y)));
      r += 12;
      o += 16;
    }
    return 1;
  }
  let i: i32 = 0;
  let p = ptr + HDR;
  const end = ptr + <usize> len;
  while (p < end) {
    const op = <i32> load<u8>(p);
    let runlen: i32;
    if ((op & 0xc0) == 0) {
      runlen = (op & 0x3f) + 1;
      if (runlen + i > REGS) return 0;
      i += runlen;
      p++;
    } else if ((op & 0xc0) == 0x40) {
      runlen = (((op & 0x3f) << 8) | <i32> load<u8>(p + 1)) + 1;
      if (runlen + i > REGS) return 0;
      i += runlen;
      p += 2;
    } else {
      runlen = (op & 3) + 1;
      const v = <u32> (((op >> 2) & 0x1f) + 1);
      if (runlen + i > REGS) return 0;
      while (runlen-- > 0) {
        rawMax(raw + <usize> i, v);
        i++;
      }
      p++;
    }
  }
  return i == REGS ? 1 : 0;
}

function rawMax(a: usize, v: u32): void {
  if (v > <u32> load<u8>(a)) store<u8>(a, <u8> v);
}

/** hllCount of the raw registers (HLL_RAW). */
export function rawCount(): f64 {
  memory.fill(histo, 0, 64 * 4);
  for (let j = 0; j < REGS; j++) histoInc(<u32> load<u8>(raw + <usize> j));
  return estimate();
}

/**
 * PFMERGE's second half: set every non-zero raw register into the value at ptr, densifying it
 * first when `dense`. Returns the new length or -1 when the value is corrupt.
 */
export function rawApply(ptr: usize, len: i32, dense: i32, maxBytes: f64): i32 {
  outLen = len;
  if (dense != 0 && load<u8>(ptr + 4) == 1) {
    if (!sparseToDense(ptr, len)) return -1;
    len = DENSE_SIZE;
  }
  for (let j = 0; j < REGS; j++) {
    const v = <i32> load<u8>(raw + <usize> j);
    if (v == 0) continue;
    if (load<u8>(ptr + 4) == 0) denseSetMax(ptr + HDR, j, v);
    else {
      sparseSet(ptr, len, j, v, maxBytes);
      len = outLen;
    }
  }
  store<u8>(ptr + 15, load<u8>(ptr + 15) | 0x80);
  outLen = len;
  return len;
}

/** Convert a sparse value to dense in place; returns the new length or -1 when corrupt. */
export function hllToDense(ptr: usize, len: i32): i32 {
  if (load<u8>(ptr + 4) == 0) return len;
  if (!sparseToDense(ptr, len)) return -1;
  return DENSE_SIZE;
}

/** Dense register i of the value at ptr (PFDEBUG GETREG, tests). */
export function denseRegister(ptr: usize, i: i32): i32 {
  return denseGet(ptr + HDR, i);
}

/** Set dense register i (PFSELFTEST's register round trip). */
export function setDenseRegister(ptr: usize, i: i32, v: i32): void {
  denseSet(ptr + HDR, i, v);
}
