/**
 * The plain TypeScript reference of wasm/bitops: the same exports over a growable byte array, a
 * byte at a time, following Redis's redisPopcount / redisBitpos / bitopCommand definitions.
 */
import type { BitopsKernel } from "./bitops.ts";
import { ArrayMemory } from "../types/hll.ts";

const POPCOUNT = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT[i] = (i & 1) + POPCOUNT[i >> 1];

export function createBitopsReference(): BitopsKernel {
  const memory = new ArrayMemory(1);
  let m = new Uint8Array(memory.buffer);
  const view = () => {
    if (m.buffer !== memory.buffer) m = new Uint8Array(memory.buffer);
    return m;
  };
  return {
    memory,
    heapBase: () => 1024,
    popcount(p, n) {
      view();
      let c = 0;
      for (let i = 0; i < n; i++) c += POPCOUNT[m[p + i]];
      return c;
    },
    bitpos(p, n, bit) {
      view();
      for (let i = 0; i < n; i++) {
        const b = m[p + i];
        for (let j = 0; j < 8; j++) {
          if (((b >> (7 - j)) & 1) === bit) return i * 8 + j;
        }
      }
      return bit ? -1 : n * 8;
    },
    bitop(op, dst, table, n, maxlen) {
      view();
      const dv = new DataView(memory.buffer);
      const src: number[] = [], len: number[] = [];
      for (let k = 0; k < n; k++) {
        src.push(dv.getUint32(table + 8 * k, true));
        len.push(dv.getUint32(table + 8 * k + 4, true));
      }
      for (let j = 0; j < maxlen; j++) {
        let out = len[0] <= j ? 0 : m[src[0] + j];
        if (op === 3) out = ~out & 0xff;
        for (let k = 1; k < n; k++) {
          const b = len[k] <= j ? 0 : m[src[k] + j];
          if (op === 0) out &= b;
          else if (op === 1) out |= b;
          else if (op === 2) out ^= b;
        }
        m[dst + j] = out;
      }
    },
    utf8ToLatin1(p, n) {
      view();
      let w = p;
      for (let r = p; r < p + n;) {
        const b = m[r];
        if (b < 0x80) {
          m[w++] = b;
          r++;
        } else {
          m[w++] = ((b & 3) << 6) | (m[r + 1] & 0x3f);
          r += 2;
        }
      }
      return w - p;
    },
  };
}

// ---- string-level fallbacks -------------------------------------------------------------------
// Used by the engine when module memory cannot grow for a value (hundreds of MB near the 4 GB
// limit of a 32-bit memory): the same results straight from the binary strings, slowly.

/** Set bits in bytes [start, end] of s. */
export function countString(s: string, start: number, end: number): number {
  let c = 0;
  for (let i = start; i <= end; i++) c += POPCOUNT[s.charCodeAt(i)];
  return c;
}

/** redisBitpos over bytes [start, start + n) of s. */
export function posString(s: string, start: number, n: number, bit: number): number {
  const skip = bit ? 0 : 255;
  for (let i = 0; i < n; i++) {
    const b = s.charCodeAt(start + i);
    if (b === skip) continue;
    for (let j = 0; j < 8; j++) if (((b >> (7 - j)) & 1) === bit) return i * 8 + j;
  }
  return bit ? -1 : n * 8;
}

/** BITOP over binary strings (0 AND, 1 OR, 2 XOR, 3 NOT). */
export function opStrings(op: number, srcs: string[]): string {
  let maxlen = 0;
  for (const s of srcs) if (s.length > maxlen) maxlen = s.length;
  const parts: string[] = [];
  const chunk: number[] = [];
  for (let j = 0; j < maxlen; j++) {
    let out = j < srcs[0].length ? srcs[0].charCodeAt(j) : 0;
    if (op === 3) out = ~out & 0xff;
    for (let k = 1; k < srcs.length; k++) {
      const b = j < srcs[k].length ? srcs[k].charCodeAt(j) : 0;
      if (op === 0) out &= b;
      else if (op === 1) out |= b;
      else out ^= b;
    }
    chunk.push(out);
    if (chunk.length === 8192) {
      parts.push(String.fromCharCode(...chunk));
      chunk.length = 0;
    }
  }
  parts.push(String.fromCharCode(...chunk));
  return parts.join("");
}
