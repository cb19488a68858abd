/**
 * HyperLogLog values: Redis 7.0's string format (hyperloglog.c), byte for byte, and the plain
 * TypeScript reference of the WASM kernel (wasm/hll/index.ts).
 *
 * A value is a binary string: 16-byte header "HYLL", encoding (0 dense, 1 sparse), 3 unused bytes,
 * cached cardinality (8 bytes little endian; bit 7 of byte 15 set = cache invalid), then
 * - dense: 16384 registers of 6 bits, least significant bits first (12288 bytes, 12304 in all);
 * - sparse: opcodes ZERO 00xxxxxx (1..64 zero registers), XZERO 01xxxxxx yyyyyyyy (1..16384),
 *   VAL 1vvvvvxx (1..4 registers of value 1..32). A value is promoted to dense when a register
 *   needs more than 32 or the sparse form would pass `hll-sparse-max-bytes`.
 * Elements are hashed with MurmurHash64A (seed 0xadc83b19): the low 14 bits pick the register,
 * the rest give the run length of zeros + 1.
 *
 * The reference kernel below has exactly the kernel's exports, over a plain growable byte array,
 * so that src/wasm/hll.ts drives either one and tests compare them byte for byte.
 */

export const HLL_HDR_SIZE = 16;
export const HLL_REGISTERS = 16384;
export const HLL_DENSE_SIZE = 12304;
export const HLL_DENSE = 0;
export const HLL_SPARSE = 1;
/** Room for any value being edited: a dense value plus slack (sparse grows ≤ 3 bytes per set). */
export const HLL_WORK_CAPACITY = HLL_DENSE_SIZE + 64;

/** isHLLObjectOrReply's checks: magic, known encoding, dense length. */
export function hllIsValid(s: string): boolean {
  if (s.length < HLL_HDR_SIZE) return false;
  if (s.charCodeAt(0) !== 72 || s.charCodeAt(1) !== 89) return false; // "HY"
  if (s.charCodeAt(2) !== 76 || s.charCodeAt(3) !== 76) return false; // "LL"
  const enc = s.charCodeAt(4);
  if (enc > HLL_SPARSE) return false;
  return enc !== HLL_DENSE || s.length === HLL_DENSE_SIZE;
}

export function hllEncoding(s: string): number {
  return s.charCodeAt(4);
}

/** The cached cardinality, or -1 when the cache is invalid. */
export function hllCachedCard(s: string): number {
  if (s.charCodeAt(15) & 0x80) return -1;
  let card = 0;
  for (let i = 15; i >= 8; i--) card = card * 256 + s.charCodeAt(i);
  return card;
}

/** The empty value createHLLObject makes: sparse, one XZERO of 16384, cardinality 0. */
export const HLL_EMPTY = "HYLL\x01" + "\0".repeat(11) + "\x7f\xff";

// ---- the kernel contract ----------------------------------------------------------------------

/** A mutable numeric global (WebAssembly.Global or a plain object in the reference). */
export interface NumGlobal {
  value: number;
}

/** The memory the host manages: WebAssembly.Memory or the reference's growable array. */
export interface KernelMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** The exports of wasm/hll (pointers and lengths are byte offsets into `memory`). */
export interface HllKernel {
  memory: KernelMemory;
  outLen: NumGlobal;
  updated: NumGlobal;
  heapBase(): number;
  setup(tmp: number, raw: number, histo: number): void;
  murmur64a(p: number, len: number): bigint;
  hllAddMany(ptr: number, len: number, elems: number, n: number, maxBytes: number): number;
  hllAddU64(ptr: number, len: number, lo: number, hi: number, maxBytes: number): number;
  hllCount(ptr: number, len: number): number;
  rawClear(): void;
  rawMerge(ptr: number, len: number): number;
  rawCount(): number;
  rawApply(ptr: number, len: number, dense: number, maxBytes: number): number;
  hllToDense(ptr: number, len: number): number;
  denseRegister(ptr: number, i: number): number;
  setDenseRegister(ptr: number, i: number, v: number): void;
}

/** A growable byte array with WebAssembly.Memory's buffer/grow surface. */
export class ArrayMemory implements KernelMemory {
  buffer: ArrayBuffer;
  constructor(pages = 1) {
    this.buffer = new ArrayBuffer(pages * 65536);
  }
  grow(pages: number): number {
    const old = this.buffer.byteLength / 65536;
    const b = new ArrayBuffer(this.buffer.byteLength + pages * 65536);
    new Uint8Array(b).set(new Uint8Array(this.buffer));
    this.buffer = b;
    return old;
  }
}

// ---- the reference kernel ---------------------------------------------------------------------

const M64 = 0xc6a4a7935bd1e995n;
const MASK64 = (1n << 64n) - 1n;
const P = 14;
const Q = 64 - P;
const ALPHA_INF = 0.72134752044448170368;

/** MurmurHash64A over bytes, as Redis (little-endian blocks, seed 0xadc83b19). */
export function murmur64aRef(b: Uint8Array, off: number, len: number): bigint {
  let h = (0xadc83b19n ^ (BigInt(len) * M64)) & MASK64;
  const end = off + (len & ~7);
  let p = off;
  for (; p !== end; p += 8) {
    let k = 0n;
    for (let i = 7; i >= 0; i--) k = (k << 8n) | BigInt(b[p + i]);
    k = (k * M64) & MASK64;
    k ^= k >> 47n;
    k = (k * M64) & MASK64;
    h ^= k;
    h = (h * M64) & MASK64;
  }
  const rem = len & 7;
  if (rem !== 0) {
    for (let i = rem - 1; i >= 1; i--) h ^= BigInt(b[p + i]) << BigInt(8 * i);
    h ^= BigInt(b[p]);
    h = (h * M64) & MASK64;
  }
  h ^= h >> 47n;
  h = (h * M64) & MASK64;
  h ^= h >> 47n;
  return h;
}

/** The reference kernel: the same exports as wasm/hll, in plain TypeScript. */
export function createHllReference(): HllKernel {
  const memory = new ArrayMemory(1);
  let m = new Uint8Array(memory.buffer);
  const view = () => {
    if (m.buffer !== memory.buffer) m = new Uint8Array(memory.buffer);
    return m;
  };
  const outLen = { value: 0 };
  const updated = { value: 0 };
  let tmp = 0, raw = 0, histo = 0;
  const hist = new Int32Array(64);
  let patIndex = 0;

  const patLen = (p: number, len: number): number => {
    let hash = murmur64aRef(view(), p, len);
    patIndex = Number(hash & 16383n);
    hash >>= BigInt(P);
    hash |= 1n << BigInt(Q);
    let count = 1;
    while ((hash & 1n) === 0n) {
      count++;
      hash >>= 1n;
    }
    return count;
  };
  const denseGet = (regs: number, i: number): number => {
    const bit = i * 6, byte = bit >> 3, fb = bit & 7;
    return ((m[regs + byte] >> fb) | (m[regs + byte + 1] << (8 - fb))) & 63;
  };
  const denseSet = (regs: number, i: number, v: number): void => {
    const bit = i * 6, byte = bit >> 3, fb = bit & 7, fb8 = 8 - fb;
    m[regs + byte] = (m[regs + byte] & ~(63 << fb)) | (v << fb);
    m[regs + byte + 1] = (m[regs + byte + 1] & ~(63 >> fb8)) | (v >> fb8);
  };
  const denseSetMax = (regs: number, i: number, count: number): number => {
    if (count > denseGet(regs, i)) {
      denseSet(regs, i, count);
      return 1;
    }
    return 0;
  };
  /** Decode the sparse opcodes: calls f(register, runlen, value) per opcode; false if corrupt. */
  const walk = (ptr: number, len: number, f: (i: number, run: number, v: number) => void) => {
    let idx = 0, p = ptr + HLL_HDR_SIZE;
    const end = ptr + len;
    while (p < end) {
      const op = m[p];
      let run: number, v = 0;
      if ((op & 0xc0) === 0) {
        run = (op & 0x3f) + 1;
        p++;
      } else if ((op & 0xc0) === 0x40) {
        run = (((op & 0x3f) << 8) | m[p + 1]) + 1;
        p += 2;
      } else {
        run = (op & 3) + 1;
        v = ((op >> 2) & 0x1f) + 1;
        p++;
      }
      if (run + idx > HLL_REGISTERS) return false;
      f(idx, run, v);
      idx += run;
    }
    return idx === HLL_REGISTERS;
  };
  const sparseToDense = (ptr: number, len: number): boolean => {
    const d = tmp;
    m.fill(0, d, d + HLL_DENSE_SIZE + 1);
    m.copyWithin(d, ptr, ptr + HLL_HDR_SIZE);
    m[d + 4] = HLL_DENSE;
    const ok = walk(ptr, len, (i, run, v) => {
      if (v) { for (let k = 0; k < run; k++) denseSet(d + HLL_HDR_SIZE, i + k, v); }
    });
    if (!ok) return false;
    m.copyWithin(ptr, d, d + HLL_DENSE_SIZE);
    outLen.value = HLL_DENSE_SIZE;
    return true;
  };
  const promote = (ptr: number, len: number, index: number, count: number): number => {
    if (!sparseToDense(ptr, len)) return -1;
    denseSet(ptr + HLL_HDR_SIZE, index, count);
    return 1;
  };
  const valOp = (v: number, len: number) => 0x80 | ((v - 1) << 2) | (len - 1);
  const zeroOps = (out: number[], l: number) => {
    if (l > 64) out.push(0x40 | ((l - 1) >> 8), (l - 1) & 0xff);
    else out.push(l - 1);
  };
  const sparseSet = (
    ptr: number,
    len: number,
    index: number,
    count: number,
    maxBytes: number,
  ): number => {
    outLen.value = len;
    if (count > 32) return promote(ptr, len, index, count);
    const sparse = ptr + HLL_HDR_SIZE;
    let end = ptr + len;
    let p = sparse, first = 0, prev = -1, span = 0;
    while (p < end) {
      const op = m[p];
      let oplen = 1;
      if ((op & 0xc0) === 0) span = (op & 0x3f) + 1;
      else if (op & 0x80) span = (op & 3) + 1;
      else {
        span = (((op & 0x3f) << 8) | m[p + 1]) + 1;
        oplen = 2;
      }
      if (index <= first + span - 1) break;
      prev = p;
      p += oplen;
      first += span;
    }
    if (span === 0 || p >= end) return -1;
    const op = m[p];
    const isXzero = (op & 0xc0) === 0x40, isZero = (op & 0xc0) === 0, isVal = !isXzero && !isZero;
    let next = isXzero ? p + 2 : p + 1;
    if (next >= end) next = -1;
    const runlen = isZero
      ? (op & 0x3f) + 1
      : isXzero
      ? (((op & 0x3f) << 8) | m[p + 1]) + 1
      : (op & 3) + 1;
    let done = false;
    if (isVal) {
      if (((op >> 2) & 0x1f) + 1 >= count) return 0;
      if (runlen === 1) {
        m[p] = valOp(count, 1);
        done = true;
      }
    }
    if (!done && isZero && runlen === 1) {
      m[p] = valOp(count, 1);
      done = true;
    }
    if (!done) {
      const seq: number[] = [];
      const last = first + span - 1;
      if (isZero || isXzero) {
        if (index !== first) zeroOps(seq, index - first);
        seq.push(valOp(count, 1));
        if (index !== last) zeroOps(seq, last - index);
      } else {
        const cur = ((op >> 2) & 0x1f) + 1;
        if (index !== first) seq.push(valOp(cur, index - first));
        seq.push(valOp(count, 1));
        if (index !== last) seq.push(valOp(cur, last - index));
      }
      const delta = seq.length - (isXzero ? 2 : 1);
      if (delta > 0 && len + delta > maxBytes) return promote(ptr, len, index, count);
      if (delta !== 0 && next !== -1) m.copyWithin(next + delta, next, end);
      len += delta;
      end += delta;
      m.set(seq, p);
    }
    p = prev !== -1 ? prev : sparse;
    let scan = 5;
    while (p < end && scan-- > 0) {
      const o = m[p];
      if ((o & 0xc0) === 0x40) {
        p += 2;
        continue;
      } else if ((o & 0xc0) === 0) {
        p++;
        continue;
      }
      if (p + 1 < end && m[p + 1] & 0x80) {
        const o2 = m[p + 1];
        const v1 = (o >> 2) & 0x1f;
        if (v1 === ((o2 >> 2) & 0x1f)) {
          const l = (o & 3) + (o2 & 3) + 2;
          if (l <= 4) {
            m[p + 1] = 0x80 | (v1 << 2) | (l - 1);
            m.copyWithin(p, p + 1, end);
            len--;
            end--;
            continue;
          }
        }
      }
      p++;
    }
    m[ptr + 15] |= 0x80;
    m[ptr + len] = 0; // the terminator Redis's sds keeps after the value
    outLen.value = len;
    return 1;
  };
  const sigma = (x: number): number => {
    if (x === 1) return Infinity;
    let zPrime, y = 1, z = x;
    do {
      x *= x;
      zPrime = z;
      z += x * y;
      y += y;
    } while (zPrime !== z);
    return z;
  };
  const tau = (x: number): number => {
    if (x === 0 || x === 1) return 0;
    let zPrime, y = 1, z = 1 - x;
    do {
      x = Math.sqrt(x);
      zPrime = z;
      y *= 0.5;
      const d = 1 - x;
      z -= d * d * y;
    } while (zPrime !== z);
    return z / 3;
  };
  const estimate = (): number => {
    const mm = HLL_REGISTERS;
    let z = mm * tau((mm - hist[Q + 1]) / mm);
    for (let j = Q; j >= 1; --j) {
      z += hist[j];
      z *= 0.5;
    }
    z += mm * sigma(hist[0] / mm);
    const e = (ALPHA_INF * mm * mm) / z;
    const f = Math.floor(e);
    return e - f >= 0.5 ? f + 1 : f;
  };
  const addOne = (ptr: number, len: number, count: number, maxBytes: number): number => {
    if (m[ptr + 4] === HLL_DENSE) {
      outLen.value = len;
      return denseSetMax(ptr + HLL_HDR_SIZE, patIndex, count);
    }
    if (m[ptr + 4] === HLL_SPARSE) return sparseSet(ptr, len, patIndex, count, maxBytes);
    return -1;
  };

  return {
    memory,
    outLen,
    updated,
    heapBase: () => 1024,
    setup(t, r, h) {
      tmp = t;
      raw = r;
      histo = h;
      void histo;
    },
    murmur64a: (p, len) => murmur64aRef(view(), p, len),
    hllAddMany(ptr, len, elems, n, maxBytes) {
      view();
      const dv = new DataView(memory.buffer);
      let data = elems + n * 4, upd = 0;
      for (let i = 0; i < n; i++) {
        const l = dv.getUint32(elems + i * 4, true);
        const count = patLen(data, l);
        data += l;
        const r = addOne(ptr, len, count, maxBytes);
        len = outLen.value;
        if (r < 0) {
          updated.value = upd;
          return -1;
        }
        upd += r;
      }
      updated.value = upd;
      outLen.value = len;
      return upd;
    },
    hllAddU64(ptr, len, lo, hi, maxBytes) {
      view();
      const e = tmp + HLL_DENSE_SIZE + 16;
      const dv = new DataView(memory.buffer);
      dv.setUint32(e, lo, true);
      dv.setUint32(e + 4, hi, true);
      const count = patLen(e, 8);
      return addOne(ptr, len, count, maxBytes);
    },
    hllCount(ptr, len) {
      view();
      hist.fill(0);
      if (m[ptr + 4] === HLL_DENSE) {
        for (let i = 0; i < HLL_REGISTERS; i++) hist[denseGet(ptr + HLL_HDR_SIZE, i)]++;
      } else if (!walk(ptr, len, (_i, run, v) => (hist[v] += run))) return -1;
      return estimate();
    },
    rawClear() {
      view().fill(0, raw, raw + HLL_REGISTERS);
    },
    rawMerge(ptr, len) {
      view();
      if (m[ptr + 4] === HLL_DENSE) {
        for (let i = 0; i < HLL_REGISTERS; i++) {
          const v = denseGet(ptr + HLL_HDR_SIZE, i);
          if (v > m[raw + i]) m[raw + i] = v;
        }
        return 1;
      }
      return walk(ptr, len, (i, run, v) => {
          for (let k = 0; k < run; k++) if (v > m[raw + i + k]) m[raw + i + k] = v;
        })
        ? 1
        : 0;
    },
    rawCount() {
      view();
      hist.fill(0);
      for (let i = 0; i < HLL_REGISTERS; i++) hist[m[raw + i]]++;
      return estimate();
    },
    rawApply(ptr, len, dense, maxBytes) {
      view();
      outLen.value = len;
      if (dense && m[ptr + 4] === HLL_SPARSE) {
        if (!sparseToDense(ptr, len)) return -1;
        len = HLL_DENSE_SIZE;
      }
      for (let j = 0; j < HLL_REGISTERS; j++) {
        const v = m[raw + j];
        if (v === 0) continue;
        if (m[ptr + 4] === HLL_DENSE) denseSetMax(ptr + HLL_HDR_SIZE, j, v);
        else {
          sparseSet(ptr, len, j, v, maxBytes);
          len = outLen.value;
        }
      }
      m[ptr + 15] |= 0x80;
      outLen.value = len;
      return len;
    },
    hllToDense(ptr, len) {
      view();
      if (m[ptr + 4] === HLL_DENSE) return len;
      return sparseToDense(ptr, len) ? HLL_DENSE_SIZE : -1;
    },
    denseRegister(ptr, i) {
      view();
      return denseGet(ptr + HLL_HDR_SIZE, i);
    },
    setDenseRegister(ptr, i, v) {
      view();
      denseSet(ptr + HLL_HDR_SIZE, i, v);
    },
  };
}
