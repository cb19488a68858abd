/**
 * The Lua engine: one Lua state (wasmoon's Lua 5.4 build, driven through its raw C API exports)
 * shared by every script, as Redis keeps one interpreter.
 *
 * - **Binary-safe strings.** wasmoon's own wrappers decode strings as UTF-8; we use the raw
 *   exports instead (`_lua_tolstring` → pointer + length, `_lua_pushlstring` from a scratch
 *   buffer in the module heap), so Lua strings and our binary strings (one char per byte) round-
 *   trip every byte 0–255. The heap view is re-read after every call (memory may grow).
 * - **Host functions.** JS functions are registered with emscripten's addFunction as lua_CFunction
 *   values. They never raise a Lua error themselves (a longjmp through JS frames is not something
 *   we rely on): they return values plus a flag, and Lua wrappers (prelude.lua.ts) call error().
 * - **Scripts** are compiled once into functions kept in the registry table `__scripts`, keyed
 *   `f_<sha>` (EVAL) or by library name (FUNCTION); they run with a protected globals table.
 * - **Compatibility.** Redis embeds Lua 5.1; differences that remain with 5.4: integer/float
 *   subtypes (`..` on a float prints "5.0", while tostring prints "5" as 5.1 does),
 *   string.format("%d") of a non-integral float is an error, no setfenv/getfenv/module.
 */
import { LuaFactory } from "wasmoon";
import { PRELUDE } from "./prelude.lua.ts";
import { formatG } from "../protocol/reply.ts";

// deno-lint-ignore no-explicit-any
type Module = any;

export const LUA_TNIL = 0;
export const LUA_TBOOLEAN = 1;
export const LUA_TNUMBER = 3;
export const LUA_TSTRING = 4;
export const LUA_TTABLE = 5;
export const LUA_TFUNCTION = 6;
const LUA_REGISTRYINDEX = -1001000;
const LUA_MULTRET = -1;
const LUA_MASKLINE = 1 << 2;
const LUA_MASKCOUNT = 1 << 3;
export const LUA_YIELD = 1;

/** BigInts of small integers (table indexes, integer replies): i64 parameters take BigInts. */
const SMALL_BIG: bigint[] = Array.from({ length: 1024 }, (_, i) => BigInt(i));
function big(n: number): bigint {
  return n >= 0 && n < 1024 ? SMALL_BIG[n] : BigInt(n);
}

/** Raised by JS when Lua reports an error outside a script call (prelude, compile). */
export class LuaError extends Error {}

export type HostFn = (lua: Lua) => number;

export class Lua {
  readonly m: Module;
  /** The wasm instance's raw exports (`lua_gettop`, `malloc`...), called without wrappers. */
  readonly x: Module;
  /** The state the stack operations act on: the main state, or the thread a host call came from. */
  L: number;
  readonly main: number;
  #scratch = 0;
  #scratchLen = 0;
  #lenPtr: number;
  /** Interned C strings (field names). */
  #cstr = new Map<string, number>();
  #hook = 0;
  #strCache: (string | undefined)[] = new Array(512).fill(undefined);
  #strAddr = new Int32Array(512);

  constructor(m: Module) {
    this.m = m;
    this.x = m.rawExports;
    this.L = newStateSeed0(m, this.x);
    this.main = this.L;
    this.x.luaL_openlibs(this.L);
    this.#lenPtr = this.x.malloc(8);
    this.#grow(4096);
  }

  #grow(n: number): void {
    if (this.#scratch !== 0) this.x.free(this.#scratch);
    this.#scratchLen = Math.max(n, this.#scratchLen * 2);
    this.#scratch = this.x.malloc(this.#scratchLen);
  }

  cstr(s: string): number {
    let p = this.#cstr.get(s);
    if (p === undefined) {
      p = this.x.malloc(s.length + 1);
      const h: Uint8Array = this.m.HEAPU8;
      for (let i = 0; i < s.length; i++) h[p! + i] = s.charCodeAt(i);
      h[p! + s.length] = 0;
      this.#cstr.set(s, p!);
    }
    return p!;
  }

  // ---- stack primitives ----------------------------------------------------------------------
  top(): number {
    return this.x.lua_gettop(this.L);
  }
  setTop(n: number): void {
    this.x.lua_settop(this.L, n);
  }
  pop(n = 1): void {
    this.x.lua_settop(this.L, -n - 1);
  }
  type(i: number): number {
    return this.x.lua_type(this.L, i);
  }
  pushStr(s: string): void {
    const n = s.length;
    if (n > this.#scratchLen) this.#grow(n);
    const h: Uint8Array = this.m.HEAPU8;
    const p = this.#scratch;
    for (let i = 0; i < n; i++) h[p + i] = s.charCodeAt(i);
    this.x.lua_pushlstring(this.L, p, n);
  }
  pushBytes(b: Uint8Array, from: number, to: number): void {
    const n = to - from;
    if (n > this.#scratchLen) this.#grow(n);
    (this.m.HEAPU8 as Uint8Array).set(b.subarray(from, to), this.#scratch);
    this.x.lua_pushlstring(this.L, this.#scratch, n);
  }
  pushNum(n: number): void {
    this.x.lua_pushnumber(this.L, n);
  }
  pushInt(n: number): void {
    this.x.lua_pushinteger(this.L, big(n));
  }
  pushBool(b: boolean): void {
    this.x.lua_pushboolean(this.L, b ? 1 : 0);
  }
  pushNil(): void {
    this.x.lua_pushnil(this.L);
  }
  newTable(narr = 0, nrec = 0): void {
    this.x.lua_createtable(this.L, narr, nrec);
  }
  /** t[k] = top (pops the value); `t` is an absolute or negative index counted before the push. */
  setField(t: number, k: string): void {
    this.x.lua_setfield(this.L, t, this.cstr(k));
  }
  getField(t: number, k: string): number {
    return this.x.lua_getfield(this.L, t, this.cstr(k));
  }
  /** Push t[k] without metamethods (lua_rawget); `t` must be an absolute index. */
  rawGetField(t: number, k: string): number {
    this.pushStr(k);
    return this.x.lua_rawget(this.L, t);
  }
  absIndex(i: number): number {
    return this.x.lua_absindex(this.L, i);
  }
  rawGetI(t: number, i: number): number {
    return this.x.lua_rawgeti(this.L, t, big(i));
  }
  rawSetI(t: number, i: number): void {
    this.x.lua_rawseti(this.L, t, big(i));
  }
  getGlobal(k: string): number {
    return this.x.lua_getglobal(this.L, this.cstr(k));
  }
  setGlobal(k: string): void {
    this.x.lua_setglobal(this.L, this.cstr(k));
  }
  next(t: number): boolean {
    return this.x.lua_next(this.L, t) !== 0;
  }
  pushValue(i: number): void {
    this.x.lua_pushvalue(this.L, i);
  }
  toNum(i: number): number {
    return this.x.lua_tonumberx(this.L, i, 0);
  }
  toBool(i: number): boolean {
    return this.x.lua_toboolean(this.L, i) !== 0;
  }
  /** The string at `i` (numbers are converted in place, as lua_tolstring does); null otherwise. */
  toStr(i: number): string | null {
    const p = this.x.lua_tolstring(this.L, i, this.#lenPtr);
    if (p === 0) return null;
    const h: Uint8Array = this.m.HEAPU8;
    const n = (this.m.HEAPU32 as Uint32Array)[this.#lenPtr >> 2];
    if (n <= 32) {
      // Short strings (command names, fields, keys) repeat: a direct-mapped cache by address,
      // checked byte by byte, returns the same JS string (no allocation; a Map already hashed it).
      const slot = (p >>> 3) & 511;
      const cached = this.#strCache[slot];
      if (cached !== undefined && this.#strAddr[slot] === p && cached.length === n) {
        let j = 0;
        while (j < n && cached.charCodeAt(j) === h[p + j]) j++;
        if (j === n) return cached;
      }
      let s = "";
      for (let j = 0; j < n; j++) s += String.fromCharCode(h[p + j]);
      this.#strCache[slot] = s;
      this.#strAddr[slot] = p;
      return s;
    }
    let s = "";
    for (let j = 0; j < n; j += 8192) {
      s += String.fromCharCode.apply(
        null,
        h.subarray(p + j, p + Math.min(n, j + 8192)) as unknown as number[],
      );
    }
    return s;
  }
  isInteger(i: number): boolean {
    return this.x.lua_isinteger(this.L, i) !== 0;
  }

  /** Register a host function as global `name`. */
  defineFunction(name: string, fn: HostFn): void {
    const fp = this.m.addFunction((L: number) => {
      const prev = this.L;
      this.L = L;
      try {
        return fn(this);
      } finally {
        this.L = prev;
      }
    }, "ii");
    this.x.lua_pushcclosure(this.L, fp, 0);
    this.setGlobal(name);
  }

  /** Load and run a chunk of trusted code; throws LuaError with Lua's message. */
  run(code: string, name = "=redis"): void {
    const L = this.L;
    this.pushStr(code);
    const len = code.length;
    // luaL_loadbufferx needs the bytes: copy them to a fresh buffer (the scratch is in use).
    const buf = this.x.malloc(len + 1);
    const h: Uint8Array = this.m.HEAPU8;
    for (let i = 0; i < len; i++) h[buf + i] = code.charCodeAt(i);
    this.pop();
    const st = this.x.luaL_loadbufferx(L, buf, len, this.cstr(name), 0);
    this.x.free(buf);
    if (st !== 0 || this.x.lua_pcallk(L, 0, 0, 0, 0, 0) !== 0) {
      const msg = this.toStr(-1) ?? "error";
      this.pop();
      throw new LuaError(msg);
    }
  }

  /** lua_pcall with the error handler at `errfunc`; returns the status (0 = ok). */
  pcall(nargs: number, nresults: number, errfunc: number): number {
    return this.x.lua_pcallk(this.L, nargs, nresults, errfunc, 0, 0);
  }

  /**
   * Install (fn !== null) or remove the hook of thread `T`: every `count` instructions, or every
   * line when `lines` (the hook may yield, or raise with lua_error).
   */
  setHook(T: number, fn: (() => void) | null, count: number, lines = false): void {
    if (fn === null) {
      this.#hookCb.delete(T);
      this.x.lua_sethook(T, 0, 0, 0);
      return;
    }
    if (this.#hook === 0) {
      this.#hook = this.m.addFunction((L: number) => {
        const prev = this.L;
        this.L = L;
        try {
          this.#hookCb.get(L)?.();
        } finally {
          this.L = prev;
        }
      }, "vii");
    }
    this.#hookCb.set(T, fn);
    this.x.lua_sethook(T, this.#hook, lines ? LUA_MASKLINE | LUA_MASKCOUNT : LUA_MASKCOUNT, count);
  }
  /** The hook callback of each thread (the C hook is one trampoline). */
  #hookCb = new Map<number, () => void>();

  /** A new thread (coroutine) kept alive as global `name`. */
  newThread(name: string): number {
    const T = this.x.lua_newthread(this.L);
    this.setGlobal(name);
    return T;
  }

  /** lua_resume of thread T with `nargs` arguments on its stack; returns the status. */
  resume(T: number, nargs: number): number {
    return this.x.lua_resume(T, this.main, nargs, this.#lenPtr);
  }

  /** The string hash seed is 0 (newStateSeed0 managed it): tables order keys as Lua 5.1's. */
  seedIsZero(): boolean {
    this.x.lua_pushlstring(this.L, this.#lenPtr, 0);
    const p = this.x.lua_tolstring(this.L, -1, this.#lenPtr);
    const seed = (this.m.HEAPU32 as Uint32Array)[(p - 8) >> 2];
    this.pop();
    return seed === 0;
  }

  /** Memory the Lua heap uses, in bytes (lua_gc LUA_GCCOUNT/COUNTB). */
  memory(): number {
    // lua_gc is variadic in 5.4 and not exported; the wasm heap size bounds it.
    return (this.m.HEAPU8 as Uint8Array).length;
  }

  registryIndex(): number {
    return LUA_REGISTRYINDEX;
  }
  multRet(): number {
    return LUA_MULTRET;
  }
}

/** Redis's %.17g for numbers passed to redis.call. */
export function luaNumberArg(n: number): string {
  // Integers below 1e17 print their digits under %.17g: skip the general formatter (hot path).
  if (Number.isInteger(n) && n < 1e17 && n > -1e17 && !Object.is(n, -0)) return String(n);
  return formatG(n, 17);
}

let modulePromise: Promise<Module> | null = null;
/** While not null, the Lua module's clock reads this many ms (state creation: newStateSeed0). */
let frozenClock: number | null = null;
/** The module's stack pointer when the frozen clock was read (inside luai_makeseed). */
let stackAtClock = 0;

/** Lua 5.4's luaS_hash (Lua 5.1's string hash when seed is 0 and the string under 32 bytes). */
function luaHash(b: Uint8Array, seed: number): number {
  let h = (seed ^ b.length) >>> 0;
  for (let l = b.length; l > 0; l--) h = (h ^ (((h << 5) >>> 0) + (h >>> 2) + b[l - 1])) >>> 0;
  return h;
}

/** Every h with h ^ ((h << 5) + (h >> 2) + c) === y (mod 2^32): one step of luaHash undone. */
function unhashStep(y: number, c: number): number[] {
  const out: number[] = [];
  // Bits 0..k of the result depend on bits 0..k+2 of h: choose h's bits from the lowest up.
  const dfs = (h: number, j: number): void => {
    if (j === 32) {
      if ((((h ^ (((h << 5) >>> 0) + (h >>> 2) + c)) >>> 0) === y)) out.push(h >>> 0);
      return;
    }
    for (const bit of [0, 1]) {
      const hh = (h | (bit << j)) >>> 0;
      if (j >= 2) {
        const mask = j - 1 >= 32 ? 0xffffffff : (2 ** (j - 1)) - 1;
        const lowH = hh % 2 ** (j + 1);
        const sum = ((lowH << 5) >>> 0) + (lowH >>> 2) + c;
        if ((((hh ^ sum) >>> 0) % (mask + 1)) !== (y % (mask + 1))) continue;
      }
      dfs(hh, j + 1);
    }
  };
  dfs(0, 0);
  return out;
}

/** A seed value T with luaHash(buff, T) === 0, or null (also after 4096 undone steps). */
function seedForZero(buff: Uint8Array): number | null {
  let budget = 4096;
  const back = (y: number, i: number): number | null => {
    // Steps ran over buff[n-1] .. buff[0]; undo them from the last (buff[0]).
    if (i === buff.length) return (y ^ buff.length) >>> 0;
    if (--budget < 0) return null;
    for (const h of unhashStep(y, buff[i])) {
      const r = back(h, i + 1);
      if (r !== null) return r;
    }
    return null;
  };
  return back(0, 0);
}

/**
 * luaL_newstate with the string hash seed at 0 when it can be arranged, so that short strings
 * hash as in Lua 5.1 and tables lay out their string keys (pairs() order) as Redis's Lua does.
 * Lua 5.4 seeds from luaS_hash over {L, &h, &lua_newstate} with h = time(NULL): a probe state
 * (clock at 0) shows the seed (the hash of "" is the seed), the stack slot of h is found among
 * the addresses near the stack pointer the clock was read with, and the clock value that makes
 * the seed 0 is solved for; the state is then created again at the same address. Whatever fails,
 * the seed is still the same in every run (the clock reads 0).
 */
function newStateSeed0(m: Module, x: Module): number {
  const make = (clock: number): number => {
    frozenClock = clock;
    try {
      return x.luaL_newstate();
    } finally {
      frozenClock = null;
    }
  };
  const seedOf = (L: number): number => {
    const tmp = x.malloc(8);
    x.lua_pushlstring(L, tmp, 0);
    const p = x.lua_tolstring(L, -1, tmp);
    x.free(tmp);
    const h = (m.HEAPU32 as Uint32Array)[(p - 8) >> 2] >>> 0;
    x.lua_settop(L, -2);
    return h;
  };
  const table = x.__indirect_function_table as WebAssembly.Table;
  let fp = -1;
  for (let i = 0; i < table.length && fp < 0; i++) if (table.get(i) === x.lua_newstate) fp = i;
  // Not every address gives a seed of 0 for some clock value: probes that did not are kept
  // open meanwhile, so that the next one gets another address.
  const kept: number[] = [];
  try {
    for (let attempt = 0; fp >= 0 && attempt < 64; attempt++) {
      const probe = make(0);
      const seed0 = seedOf(probe);
      const sp = stackAtClock;
      const buff = new Uint8Array(12);
      const dv = new DataView(buff.buffer);
      dv.setUint32(0, probe, true);
      dv.setUint32(8, fp, true);
      let t: number | null = null;
      for (let k = -512; k <= 512; k += 4) {
        dv.setUint32(4, sp + k, true);
        if (luaHash(buff, 0) !== seed0) continue;
        t = seedForZero(buff);
        break;
      }
      if (t === null) {
        kept.push(probe);
        continue;
      }
      // Created again where the probe was (its block is the first free one of that size).
      x.lua_close(probe);
      const L = make(t * 1000);
      if (L === probe && seedOf(L) === 0) return L;
      kept.push(L);
    }
  } finally {
    for (const K of kept) x.lua_close(K);
  }
  // The seed is still the same in every run: the clock reads 0.
  return make(0);
}
let loadedModule: Module | null = null;

/**
 * Load the wasm module once per process (top-level await in the importer). wasmoon's module wraps
 * every export (`_lua_gettop`...) in an assertion closure that builds a message string on each
 * call, a quarter of a short script's run time: the instance's raw exports are captured while the
 * module instantiates (`rawExports`) and called directly.
 */
export async function loadLuaModule(): Promise<Module> {
  if (loadedModule !== null) return loadedModule;
  if (modulePromise === null) {
    const wa = WebAssembly as unknown as { instantiate: (...a: unknown[]) => Promise<unknown> };
    const orig = wa.instantiate;
    let exports: unknown = null;
    wa.instantiate = async (...a: unknown[]) => {
      // Lua seeds its string hashes from time(NULL) (emscripten_date_now) and addresses: while a
      // state is created the clock reads 0, so the seed, and with it pairs() order, is the same
      // in every run of the server.
      const env = (a[1] as { env?: Record<string, unknown> } | undefined)?.env;
      if (env && typeof env.emscripten_date_now === "function") {
        const now = env.emscripten_date_now as () => number;
        env.emscripten_date_now = () => {
          if (frozenClock === null) return now();
          if (exports !== null) stackAtClock = (exports as Module).emscripten_stack_get_current();
          return frozenClock;
        };
      }
      const r = await orig.apply(WebAssembly, a) as {
        instance?: WebAssembly.Instance;
        exports?: unknown;
      };
      // Other modules may instantiate meanwhile: keep the one that is Lua.
      const ex = (r.instance?.exports ?? r.exports) as Module | undefined;
      if (ex && typeof ex.lua_gettop === "function") exports = ex;
      return r;
    };
    modulePromise = new LuaFactory().getLuaModule().then((lw: { module: Module }) => {
      if (exports === null || typeof (exports as Module).lua_gettop !== "function") {
        throw new Error("wasmoon: could not capture the Lua module's exports");
      }
      lw.module.rawExports = exports;
      return lw.module;
    }).finally(() => {
      wa.instantiate = orig;
    });
  }
  loadedModule = await modulePromise;
  return loadedModule;
}

/** A new state with the Redis environment (host functions must be defined by the caller first). */
export function newLua(m: Module, defineHost: (lua: Lua) => void): Lua {
  const lua = new Lua(m);
  defineHost(lua);
  lua.pushBool(lua.seedIsZero());
  lua.setGlobal("__seed0");
  lua.run(PRELUDE, "=redis");
  return lua;
}
