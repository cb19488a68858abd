/**
 * The host side of the bitmap kernels (wasm/bitops): BITCOUNT's population count, BITPOS's scan
 * and BITOP over binary strings, driving either the WASM module or the TypeScript reference
 * (src/wasm/bitops_ref.ts) through the same code.
 *
 * Values stay resident in module memory between commands (Arena.place/placeRaw): BITCOUNT of a
 * 1 MB value that has not changed since the last bitmap command copies nothing. A RawString's
 * bytes are copied in as they are (a memcpy, no string conversion), and SETBIT patches the
 * resident copy (`patch`).
 */
import { Arena, loadModule, type Slot } from "./loader.ts";
import { countString, createBitopsReference, opStrings, posString } from "./bitops_ref.ts";
import type { KernelMemory } from "../types/hll.ts";
import { RawString, SMALL, stringOf } from "../types/rawstring.ts";

export const BITOP_AND = 0;
export const BITOP_OR = 1;
export const BITOP_XOR = 2;
export const BITOP_NOT = 3;

/** The exports of wasm/bitops. */
export interface BitopsKernel {
  memory: KernelMemory;
  heapBase(): number;
  popcount(p: number, n: number): number;
  bitpos(p: number, n: number, bit: number): number;
  bitop(op: number, dst: number, table: number, n: number, maxlen: number): void;
  utf8ToLatin1(p: number, n: number): number;
}

/** A bitmap value: an ordinary string or a RawString (src/types/rawstring.ts). */
export type BitValue = string | RawString;

export class BitopsEngine {
  readonly k: BitopsKernel;
  readonly arena: Arena;

  constructor(k: BitopsKernel) {
    this.k = k;
    this.arena = new Arena(k.memory, k.heapBase(), k.utf8ToLatin1, { slots: 8 });
  }

  /** Set bits in bytes [start, end] of v (0 <= start <= end < v.length). */
  count(v: BitValue, start: number, end: number): number {
    this.arena.begin();
    const sl = this.#place(v);
    if (sl === null) return countString(stringOf(v), start, end);
    return this.k.popcount(sl.ptr + start, end - start + 1);
  }

  /** redisBitpos over bytes [start, start + n) of v. */
  pos(v: BitValue, start: number, n: number, bit: number): number {
    this.arena.begin();
    const sl = this.#place(v);
    if (sl === null) return posString(stringOf(v), start, n, bit);
    return this.k.bitpos(sl.ptr + start, n, bit);
  }

  /**
   * The value's bytes in module memory: a string is copied in (converted), a large RawString's
   * bytes are copied as they are; either stays resident while unchanged. Null when the memory
   * cannot grow that far (the caller falls back to JS).
   */
  #place(v: BitValue): Slot | null {
    try {
      if (typeof v === "string") return this.arena.place(v);
      if (v.b === null) return this.arena.place(v.s!);
      return this.arena.placeRaw(v);
    } catch (e) {
      if (e instanceof RangeError) return null;
      throw e;
    }
  }

  /**
   * A large RawString changed at byte i only (SETBIT), from version `ver` and length `oldLen`
   * (zero bytes appended since). If its copy is resident at that version, patch it so that it
   * stays current: BITCOUNT after SETBIT on a 1 MB bitmap copies nothing.
   */
  patch(r: RawString, ver: number, oldLen: number, i: number): void {
    const sl = this.arena.find(r);
    if (sl === null || sl.ver !== ver) return;
    if (r.len + 1 > sl.cap) {
      this.arena.forget(sl);
      return;
    }
    const u8 = this.arena.u8;
    if (r.len > oldLen) u8.fill(0, sl.ptr + oldLen, sl.ptr + r.len + 1);
    u8[sl.ptr + i] = r.b![i];
    sl.ver = r.ver;
    sl.len = r.len;
  }

  /**
   * BITOP: the result (length of the longest source; null when all are empty), a RawString as
   * Redis stores it (a new raw sds). The result stays resident.
   */
  op(op: number, srcs: BitValue[]): RawString | null {
    const a = this.arena;
    a.begin();
    let maxlen = 0;
    for (const s of srcs) if (s.length > maxlen) maxlen = s.length;
    if (maxlen === 0) return null;
    const table = a.scratch(8 * srcs.length);
    const ptrs: number[] = [];
    let dst: Slot;
    try {
      for (const s of srcs) {
        const sl = this.#place(s);
        if (sl === null) throw new RangeError("no room");
        ptrs.push(sl.ptr);
      }
      dst = a.scratch(maxlen + 1);
    } catch (e) {
      if (e instanceof RangeError) return RawString.from(opStrings(op, srcs.map(stringOf)));
      throw e;
    }
    const dv = a.dv;
    for (let i = 0; i < srcs.length; i++) {
      dv.setUint32(table.ptr + 8 * i, ptrs[i], true);
      dv.setUint32(table.ptr + 8 * i + 4, srcs[i].length, true);
    }
    this.k.bitop(op, dst.ptr, table.ptr, srcs.length, maxlen);
    if (maxlen <= SMALL) return new RawString(a.read(dst, maxlen));
    const b = new Uint8Array(maxlen + (maxlen >> 3));
    b.set(a.u8.subarray(dst.ptr, dst.ptr + maxlen));
    const r = RawString.ofBytes(b, maxlen);
    dst.str = r;
    dst.ver = r.ver;
    dst.len = maxlen;
    return r;
  }
}

export function bitopsReference(): BitopsEngine {
  return new BitopsEngine(createBitopsReference());
}

export async function bitopsWasm(): Promise<BitopsEngine> {
  const inst = await loadModule("bitops");
  return new BitopsEngine(inst.exports as unknown as BitopsKernel);
}

/** The server's engine (WASM), loaded once. */
export const bitops: BitopsEngine = await bitopsWasm();
