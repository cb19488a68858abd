/**
 * Loads the AssemblyScript modules of wasm/ (built on demand by src/wasm/build.ts) and manages the
 * host side of their linear memory. See docs/wasm.md for the pattern:
 *
 * - the host owns the layout: fixed scratch regions reserved once at load, then a bump area;
 * - bytes are copied in once, kernels take and return numbers, results are read through views
 *   that are rebuilt whenever the memory has grown (`Arena.refresh`);
 * - binary strings (Rexis's string values) stay resident between commands: `Arena.place` keeps a
 *   few recently used values in the module's memory, keyed by the string itself. JS strings are
 *   immutable, so a value that is still `===` the resident one has the same bytes; any write to the
 *   key stores a new string and the next lookup copies it in again. Mutable values (RawString,
 *   src/types/rawstring.ts) are keyed by the object and its change counter (`placeRaw`): their
 *   bytes go in by memcpy, without conversion.
 */
import { Buffer } from "node:buffer";
import { buildWasm, staleTargets } from "./build.ts";
import type { RawString } from "../types/rawstring.ts";

const BUILD_DIR = new URL("../../wasm/build/", import.meta.url);

/** Instantiate wasm/build/<name>.wasm, building it first when missing or stale. */
export async function loadModule(name: string): Promise<WebAssembly.Instance> {
  const file = new URL(`${name}.wasm`, BUILD_DIR);
  let bytes: Uint8Array;
  try {
    if (staleTargets().includes(name)) await buildWasm();
  } catch (e) {
    // Sources not present (a packaged build): use what is there.
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  try {
    bytes = Deno.readFileSync(file);
  } catch {
    await buildWasm(true);
    bytes = Deno.readFileSync(file);
  }
  const { instance } = await WebAssembly.instantiate(bytes as BufferSource, {
    env: {
      abort: (_m: number, _f: number, line: number, col: number) => {
        throw new Error(`wasm ${name}: abort at ${line}:${col}`);
      },
    },
  });
  return instance;
}

interface Latin1Buffer {
  latin1Slice(start: number, end: number): string;
}

/**
 * A resident copy of a value in module memory: a binary string, or the bytes of a RawString (a
 * mutable value, src/types/rawstring.ts) at version `ver`.
 */
export interface Slot {
  str: string | RawString | null;
  ver: number;
  ptr: number;
  cap: number;
  len: number;
  /** Operation stamp of the last use: slots used by the current operation are never evicted. */
  used: number;
}

const PAGE = 65536;
const te = new TextEncoder();

/**
 * The host's view of one module's memory: typed views (rebuilt after growth), a bump allocator
 * above the fixed regions, and a small cache of resident strings.
 */
export class Arena {
  readonly memory: WebAssembly.Memory;
  u8!: Uint8Array;
  dv!: DataView;
  #buf!: Latin1Buffer;
  #base: number;
  #top: number;
  #limit: number;
  #slots: Slot[] = [];
  #maxSlots: number;
  #op = 1;
  /** Squeezes UTF-8 written by encodeInto back to Latin-1 in place: (ptr, n) => length. */
  #squeeze: (p: number, n: number) => number;

  constructor(
    memory: WebAssembly.Memory,
    base: number,
    squeeze: (p: number, n: number) => number,
    opts: { slots?: number; limit?: number } = {},
  ) {
    this.memory = memory;
    this.#base = this.#top = (base + 15) & ~15;
    this.#squeeze = squeeze;
    this.#maxSlots = opts.slots ?? 8;
    this.#limit = opts.limit ?? 64 * 1024 * 1024;
    this.refresh();
  }

  /** Rebuild the views if the memory grew (its ArrayBuffer is replaced on growth). */
  refresh(): void {
    if (this.u8?.buffer === this.memory.buffer) return;
    this.u8 = new Uint8Array(this.memory.buffer);
    this.dv = new DataView(this.memory.buffer);
    this.#buf = Buffer.from(this.memory.buffer) as unknown as Latin1Buffer;
  }

  /** Reserve `n` bytes (16-aligned) for the life of the arena (fixed scratch regions). */
  reserve(n: number): number {
    if (this.#slots.length) throw new Error("reserve after slots were placed");
    const p = this.alloc(n);
    this.#base = this.#top;
    return p;
  }

  /** Bump allocation, growing the memory as needed. */
  alloc(n: number): number {
    const p = this.#top;
    const top = (p + n + 15) & ~15;
    const need = top - this.memory.buffer.byteLength;
    if (need > 0) this.memory.grow(Math.ceil(need / PAGE));
    this.#top = top;
    this.refresh();
    return p;
  }

  /**
   * Start an operation: slots placed from now on are pinned until the next begin(). When the bump
   * area has passed its limit, every slot is dropped and the area reused (memory never shrinks).
   */
  begin(): void {
    this.#op++;
    if (this.#top - this.#base > this.#limit) {
      this.#slots.length = 0;
      this.#top = this.#base;
    }
  }

  /**
   * The bytes of `s` in module memory, in a region of at least `cap` bytes (and len + 1, zeroed
   * past the string). Reuses the resident copy when `s` is still the string that was placed.
   */
  place(s: string, cap = 0): Slot {
    const n = s.length;
    const need = Math.max(cap, n + 1);
    const slots = this.#slots;
    for (let i = 0; i < slots.length; i++) {
      const sl = slots[i];
      if (sl.str === s && sl.cap >= need) {
        sl.used = this.#op;
        this.u8[sl.ptr + n] = 0;
        return sl;
      }
    }
    // encodeInto needs up to two bytes per char before the squeeze.
    const sl = this.#slotFor(n >= 64 ? Math.max(need, 2 * n + 1) : need);
    this.write(sl, s);
    return sl;
  }

  /**
   * The bytes of a large RawString in module memory (one memcpy, no conversion), like place():
   * reused while the resident copy is at the value's current version.
   */
  placeRaw(r: RawString, cap = 0): Slot {
    const n = r.len;
    const need = Math.max(cap, n + 1);
    const slots = this.#slots;
    for (let i = 0; i < slots.length; i++) {
      const sl = slots[i];
      if (sl.str === r && sl.cap >= need) {
        if (sl.ver !== r.ver) {
          this.u8.set(r.b!.subarray(0, n), sl.ptr);
          sl.ver = r.ver;
          sl.len = n;
        }
        sl.used = this.#op;
        this.u8[sl.ptr + n] = 0;
        return sl;
      }
    }
    const sl = this.#slotFor(need);
    this.u8.set(r.b!.subarray(0, n), sl.ptr);
    this.u8[sl.ptr + n] = 0;
    sl.str = r;
    sl.ver = r.ver;
    sl.len = n;
    sl.used = this.#op;
    return sl;
  }

  /** The slot holding `s`, if resident (no copy, no pinning). */
  find(s: string | RawString): Slot | null {
    for (const sl of this.#slots) if (sl.str === s) return sl;
    return null;
  }

  /** A slot with room for `cap` bytes and no resident string (an output). */
  scratch(cap: number): Slot {
    const sl = this.#slotFor(cap);
    sl.len = 0;
    return sl;
  }

  /** Copy a binary string into a slot (cap must hold 2 × length while converting). */
  write(sl: Slot, s: string): void {
    const n = this.copyIn(sl.ptr, s);
    this.u8[sl.ptr + n] = 0;
    sl.str = s;
    sl.len = n;
    sl.used = this.#op;
  }

  /**
   * Copy a binary string to `ptr` (room for 2 × its length is needed while converting: chars
   * 0x80–0xFF are written as UTF-8 by the native encoder, then squeezed). Returns the length.
   */
  copyIn(ptr: number, s: string): number {
    const n = s.length;
    const u8 = this.u8;
    if (n < 64) {
      for (let i = 0; i < n; i++) u8[ptr + i] = s.charCodeAt(i);
    } else {
      const { written } = te.encodeInto(s, u8.subarray(ptr, ptr + 2 * n));
      if (written !== n) this.#squeeze(ptr, written);
    }
    return n;
  }

  /** The slot's bytes as a binary string; the slot now holds that string. */
  read(sl: Slot, len = sl.len): string {
    const s = len === 0 ? "" : this.#buf.latin1Slice(sl.ptr, sl.ptr + len);
    sl.str = s;
    sl.len = len;
    return s;
  }

  /** Forget a slot's string (its bytes were changed without producing the string). */
  forget(sl: Slot): void {
    sl.str = null;
  }

  #slotFor(cap: number): Slot {
    const slots = this.#slots;
    cap = (cap + 15) & ~15;
    // A free slot big enough, else the least recently used one not pinned by this operation.
    let victim: Slot | null = null;
    for (const sl of slots) {
      if (sl.used === this.#op) continue;
      if (sl.cap >= cap && (victim === null || victim.cap < cap || sl.used < victim.used)) {
        victim = sl;
      }
    }
    if (victim === null || victim.cap < cap) {
      if (slots.length >= this.#maxSlots) {
        // Evict the LRU unpinned slot's entry and give it a new, bigger region.
        let lru: Slot | null = null;
        for (const sl of slots) if (sl.used !== this.#op && (!lru || sl.used < lru.used)) lru = sl;
        if (lru === null) {
          victim = { str: null, ver: 0, ptr: 0, cap: 0, len: 0, used: 0 };
          slots.push(victim);
        } else victim = lru;
      } else {
        victim = { str: null, ver: 0, ptr: 0, cap: 0, len: 0, used: 0 };
        slots.push(victim);
      }
      victim.ptr = this.alloc(cap);
      victim.cap = cap;
    }
    victim.str = null;
    victim.used = this.#op;
    return victim;
  }
}
