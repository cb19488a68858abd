/**
 * The host side of the HyperLogLog kernel: string-level operations over binary strings (Rexis's
 * string values), driving either the WASM module (wasm/hll) or the TypeScript reference
 * (src/types/hll.ts) through the same code, so tests compare them byte for byte.
 *
 * Values stay resident in module memory between commands (Arena.place): a PFADD on a dense key
 * whose value is the one left by the previous command copies nothing in, and copies the 12 KB out
 * once (a native latin1 slice).
 */
import { Arena, loadModule, type Slot } from "./loader.ts";
import {
  createHllReference,
  HLL_DENSE,
  HLL_DENSE_SIZE,
  HLL_EMPTY,
  HLL_HDR_SIZE,
  HLL_REGISTERS,
  HLL_WORK_CAPACITY,
  type HllKernel,
} from "../types/hll.ts";

/** Bytes of the fixed element region (lengths + bytes, 2 per char while copying in). */
const ELEMS_SIZE = 64 * 1024;

export interface AddResult {
  value: string;
  /** Elements that changed a register (server.dirty += updated). */
  updated: number;
}

export class HllEngine {
  readonly k: HllKernel;
  readonly arena: Arena;

  constructor(k: HllKernel, squeeze?: (p: number, n: number) => number) {
    this.k = k;
    const arena: Arena = new Arena(
      k.memory,
      k.heapBase(),
      squeeze ?? ((p: number, n: number): number => jsSqueeze(arena, p, n)),
    );
    this.arena = arena;
    const tmp = arena.reserve(HLL_DENSE_SIZE + 64);
    const raw = arena.reserve(HLL_REGISTERS);
    const histo = arena.reserve(64 * 4);
    this.#elems = arena.reserve(ELEMS_SIZE);
    k.setup(tmp, raw, histo);
  }

  /** A fixed region for PFADD's elements (larger batches take a scratch slot). */
  #elems: number;

  /**
   * The value resident in a region it can grow in: a sparse value grows by at most 3 bytes per
   * register set (`sets`), and promotion needs a dense value's room.
   */
  #work(v: string, sets = 0): Slot {
    return this.arena.place(v, Math.max(HLL_WORK_CAPACITY, v.length + 64) + 3 * sets);
  }

  /**
   * PFADD's loop over a valid value: elements[from..]; null when the value is corrupt
   * (INVALIDOBJ).
   */
  add(v: string, elements: string[], maxBytes: number, from = 0): AddResult | null {
    const a = this.arena;
    a.begin();
    const n = elements.length - from;
    const sl = this.#work(v, Math.min(n, HLL_REGISTERS));
    let total = 4 * n + 1;
    for (let i = from; i < elements.length; i++) total += 2 * elements[i].length;
    const base = total <= ELEMS_SIZE ? this.#elems : a.scratch(total).ptr;
    let data = base + 4 * n;
    const dv = a.dv;
    for (let i = 0; i < n; i++) {
      const e = elements[from + i];
      dv.setUint32(base + 4 * i, e.length, true);
      data += a.copyIn(data, e);
    }
    const updated = this.k.hllAddMany(sl.ptr, sl.len, base, n, maxBytes);
    if (updated < 0) {
      a.forget(sl);
      return null;
    }
    if (updated === 0) return { value: v, updated };
    a.u8[sl.ptr + 15] |= 0x80;
    return { value: a.read(sl, this.k.outLen.value), updated };
  }

  /** hllCount of one value (the cache is the caller's business); -1 when corrupt. */
  count(v: string): number {
    this.arena.begin();
    const sl = this.#work(v);
    return this.k.hllCount(sl.ptr, sl.len);
  }

  /** The value with its cached cardinality set (valid). */
  withCard(v: string, card: number): string {
    const a = this.arena;
    a.begin();
    const sl = this.#work(v);
    let c = card;
    for (let i = 8; i < 16; i++) {
      a.u8[sl.ptr + i] = c % 256;
      c = Math.floor(c / 256);
    }
    return a.read(sl);
  }

  /** PFCOUNT of several keys: the union's estimate; -1 when a value is corrupt. */
  union(values: string[]): number {
    const a = this.arena;
    a.begin();
    this.k.rawClear();
    for (const v of values) {
      const sl = a.place(v);
      if (!this.k.rawMerge(sl.ptr, sl.len)) return -1;
    }
    return this.k.rawCount();
  }

  /**
   * PFMERGE: `values` are the existing values among the keys (the destination's included); the
   * result replaces `dest` (the destination's value, or HLL_EMPTY). null when a value is corrupt.
   */
  merge(dest: string, values: string[], maxBytes: number): string | null {
    const a = this.arena;
    a.begin();
    this.k.rawClear();
    let dense = 0;
    for (const v of values) {
      if (v.charCodeAt(4) === HLL_DENSE) dense = 1;
      const sl = a.place(v);
      if (!this.k.rawMerge(sl.ptr, sl.len)) return null;
    }
    const sl = this.#work(dest, HLL_REGISTERS);
    const len = this.k.rawApply(sl.ptr, sl.len, dense, maxBytes);
    if (len < 0) {
      a.forget(sl);
      return null;
    }
    return a.read(sl, len);
  }

  /** The dense form of a value (itself when dense); null when corrupt. */
  toDense(v: string): string | null {
    if (v.charCodeAt(4) === HLL_DENSE) return v;
    const a = this.arena;
    a.begin();
    const sl = this.#work(v);
    const len = this.k.hllToDense(sl.ptr, sl.len);
    if (len < 0) {
      a.forget(sl);
      return null;
    }
    return a.read(sl, len);
  }

  /** The 16384 registers of a dense value. */
  registers(v: string): Uint8Array {
    this.arena.begin();
    const sl = this.#work(v);
    const out = new Uint8Array(HLL_REGISTERS);
    for (let i = 0; i < HLL_REGISTERS; i++) out[i] = this.k.denseRegister(sl.ptr, i);
    return out;
  }

  /**
   * PFSELFTEST: register round trips, then 10M elements into a dense and a sparse value with the
   * error bounds Redis checks. Returns null or Redis's TESTFAILED message.
   */
  selftest(maxBytes: number): string | null {
    const a = this.arena;
    const k = this.k;
    a.begin();
    const dense = a.scratch(HLL_WORK_CAPACITY);
    const dp = dense.ptr;
    a.u8.fill(0, dp, dp + HLL_WORK_CAPACITY);
    const bytes = new Uint8Array(HLL_REGISTERS);
    for (let j = 0; j < 1000; j++) {
      for (let i = 0; i < HLL_REGISTERS; i++) {
        const r = (Math.random() * 64) | 0;
        bytes[i] = r;
        k.setDenseRegister(dp, i, r);
      }
      for (let i = 0; i < HLL_REGISTERS; i++) {
        const val = k.denseRegister(dp, i);
        if (val !== bytes[i]) {
          return `TESTFAILED Register ${i} should be ${bytes[i]} but is ${val}`;
        }
      }
    }
    a.u8.fill(0, dp, dp + HLL_WORK_CAPACITY);
    const sparse = a.scratch(HLL_WORK_CAPACITY + maxBytes);
    const sp = sparse.ptr;
    a.u8.fill(0, sp, sp + HLL_EMPTY.length + 1);
    for (let i = 0; i < HLL_EMPTY.length; i++) a.u8[sp + i] = HLL_EMPTY.charCodeAt(i);
    let slen = HLL_EMPTY.length;
    const relerr = 1.04 / Math.sqrt(HLL_REGISTERS);
    let checkpoint = 1;
    const seedLo = (Math.random() * 0x100000000) >>> 0;
    const seedHi = (Math.random() * 0x100000000) >>> 0;
    for (let j = 1; j <= 10_000_000; j++) {
      const lo = (j ^ seedLo) >>> 0;
      k.hllAddU64(dp, HLL_DENSE_SIZE, lo, seedHi, maxBytes);
      k.hllAddU64(sp, slen, lo, seedHi, maxBytes);
      slen = k.outLen.value;
      if (j === checkpoint) {
        if (j < maxBytes / 2 && a.u8[sp + 4] !== 1) return "TESTFAILED sparse encoding not used";
        const c = k.hllCount(dp, HLL_DENSE_SIZE);
        if (c !== k.hllCount(sp, slen)) return "TESTFAILED dense/sparse disagree";
        let maxerr = Math.ceil(relerr * 6 * checkpoint);
        if (j === 10) maxerr = 1;
        const abserr = Math.abs(checkpoint - c);
        if (abserr > maxerr) {
          return `TESTFAILED Too big error. card:${checkpoint} abserr:${abserr}`;
        }
        checkpoint *= 10;
      }
    }
    return null;
  }
}

/** UTF-8 → Latin-1 in place in plain TypeScript (the reference's copy-in). */
function jsSqueeze(a: Arena, p: number, n: number): number {
  const u8 = a.u8;
  let w = p;
  const end = p + n;
  for (let r = p; r < end;) {
    const b = u8[r];
    if (b < 0x80) {
      u8[w++] = b;
      r++;
    } else {
      u8[w++] = ((b & 3) << 6) | (u8[r + 1] & 0x3f);
      r += 2;
    }
  }
  return w - p;
}

export { HLL_DENSE_SIZE, HLL_EMPTY, HLL_HDR_SIZE };

/** The engine over the TypeScript reference kernel (tests, benches). */
export function hllReference(): HllEngine {
  return new HllEngine(createHllReference());
}

/** The engine over a fresh instance of the WASM kernel. */
export async function hllWasm(): Promise<HllEngine> {
  const inst = await loadModule("hll");
  const ex = inst.exports as unknown as HllKernel & {
    utf8ToLatin1(p: number, n: number): number;
  };
  return new HllEngine(ex, ex.utf8ToLatin1);
}

/** The server's engine (WASM), loaded once. */
export const hll: HllEngine = await hllWasm();
