/**
 * The host side of the bitmap kernels (wasm/bitops): BITCOUNT's population count, BITPOS's scan
 * and BITOP over binary strings, driving either the WASM module or the TypeScript reference
 * (src/wasm/bitops_ref.ts) through the same code.
 *
 * Strings stay resident in module memory between commands (Arena.place): BITCOUNT of a 1 MB value
 * that has not changed since the last bitmap command copies nothing.
 */
import { Arena, loadModule, type Slot } from "./loader.ts";
import { countString, createBitopsReference, opStrings, posString } from "./bitops_ref.ts";
import type { KernelMemory } from "../types/hll.ts";

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

export class BitopsEngine {
  readonly k: BitopsKernel;
  readonly arena: Arena;

  constructor(k: BitopsKernel) {
    this.k = k;
    this.arena = new Arena(k.memory, k.heapBase(), k.utf8ToLatin1, { slots: 8 });
  }

  /** Set bits in bytes [start, end] of s (0 <= start <= end < s.length). */
  count(s: string, start: number, end: number): number {
    this.arena.begin();
    const sl = this.#place(s);
    if (sl === null) return countString(s, start, end);
    return this.k.popcount(sl.ptr + start, end - start + 1);
  }

  /** redisBitpos over bytes [start, start + n) of s. */
  pos(s: string, start: number, n: number, bit: number): number {
    this.arena.begin();
    const sl = this.#place(s);
    if (sl === null) return posString(s, start, n, bit);
    return this.k.bitpos(sl.ptr + start, n, bit);
  }

  /** Arena.place, or null when the memory cannot grow that far (the caller falls back to JS). */
  #place(s: string): Slot | null {
    try {
      return this.arena.place(s);
    } catch (e) {
      if (e instanceof RangeError) return null;
      throw e;
    }
  }

  /**
   * A bitmap was written (SETBIT): `old` became `neu`, equal but for byte `i` = b (and zero bytes
   * appended). If `old` is resident, patch its copy so that the new string is resident too.
   */
  patch(old: string, neu: string, i: number, b: number): void {
    const sl = this.arena.find(old);
    if (sl === null) return;
    if (neu.length + 1 > sl.cap) {
      this.arena.forget(sl);
      return;
    }
    const u8 = this.arena.u8;
    if (neu.length > old.length) u8.fill(0, sl.ptr + old.length, sl.ptr + neu.length + 1);
    u8[sl.ptr + i] = b;
    sl.str = neu;
    sl.len = neu.length;
  }

  /** BITOP: the result string (length of the longest source; "" when all are empty). */
  op(op: number, srcs: string[]): string {
    const a = this.arena;
    a.begin();
    let maxlen = 0;
    for (const s of srcs) if (s.length > maxlen) maxlen = s.length;
    if (maxlen === 0) return "";
    const table = a.scratch(8 * srcs.length);
    const ptrs: number[] = [];
    let dst: Slot;
    try {
      for (const s of srcs) ptrs.push(a.place(s).ptr);
      dst = a.scratch(maxlen + 1);
    } catch (e) {
      if (e instanceof RangeError) return opStrings(op, srcs);
      throw e;
    }
    const dv = a.dv;
    for (let i = 0; i < srcs.length; i++) {
      dv.setUint32(table.ptr + 8 * i, ptrs[i], true);
      dv.setUint32(table.ptr + 8 * i + 4, srcs[i].length, true);
    }
    this.k.bitop(op, dst.ptr, table.ptr, srcs.length, maxlen);
    return a.read(dst, maxlen);
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
