/**
 * One numbered database: its keyspace (one Map entry per key), the keys with a TTL, and the
 * per-key access clock.
 *
 * Representation (chosen once, here):
 * - keys are binary strings (one char per byte, 0–255);
 * - a string value is a binary string; every other type is an object with a `type` field
 *   (src/types/*), so `typeof v === "string"` is the string-type test on the hot path;
 * - each key maps (one Map probe) to a slot number of its `Keyspace`; per slot the keyspace keeps
 *   the value (`vals`), the 24-bit `lru` field (the LRU clock in seconds for OBJECT IDLETIME and
 *   eviction, or under an LFU maxmemory-policy 16 bits of minutes and an 8-bit logarithmic counter,
 *   src/store/lfu.ts, as Redis's robj `lru` field) and `ei`, the key's index in the volatile
 *   arrays (-1 without a TTL), in plain and typed arrays: no object per key, and overwriting a key
 *   writes its slot without touching the Map. Freed slots are reused;
 * - the keys with a TTL are also kept in three parallel arrays (`volKeys`, `volSlot`, `volExp`:
 *   key, slot, expire time in ms as unboxed doubles), Redis's `expires` dict: random sampling
 *   (eviction) is O(1), the active cycle walks them with a cursor, removal moves the last one in;
 * - the Map and the arrays form a `Keyspace`, which FLUSHDB replaces and SWAPDB swaps, so whoever
 *   captured one (a BGSAVE) keeps a point-in-time view of what nobody writes any more;
 * - `bytes` is the estimated heap cost of the db's keys and values, kept by the write methods while
 *   maxmemory is set (src/store/accounting.ts; recounted when it gets set): maxmemory reads it.
 *
 * Expired keys are never visible: every lookup checks the expire first (lazy expiry) and the
 * server's active cycle samples keys with a TTL (see activeExpireCycle in src/store/expire.ts).
 * A key is expired once the clock is strictly past its time (`now > when`, as Redis's
 * keyIsExpired). Expire times are JS numbers: exact up to 2^53 ms (year 287396); larger times
 * (PEXPIREAT near INT64_MAX) are kept rounded to a double.
 *
 * Write through the methods (set/replace/delete/removeKey/setExpire/persist), never the Keyspace
 * directly: they report insertions and deletions to the SCAN cursors, whose termination guarantee
 * relies on it (src/store/scan.ts), and they call the keyspace's copy-on-write hook (`cow`, set
 * while a BGSAVE walks it) before a key's value, expire or existence changes — and before any
 * lookup hands out a value a command may then change in place.
 */
import { ScanCursors } from "./scan.ts";
import { EXPIRE_COST, KEY_OVERHEAD, memPolicy, strBytes, valueCost } from "./accounting.ts";
import { lfuInit, lfuTouch } from "./lfu.ts";
import type { Client } from "../server/client.ts";

/**
 * Base of every non-string value (list, hash, set, zset, stream, module types). The contract every
 * type implements:
 * - `type`: the name TYPE reports ("list", "hash", "set", "zset", "stream", ...);
 * - `dup()`: a deep copy sharing nothing mutable with the original (COPY; RENAME and MOVE move the
 *   object itself). Per-object iteration state (e.g. its own ScanCursors) is not copied;
 * - `encoding()`: the name OBJECT ENCODING reports ("listpack", "quicklist", "hashtable",
 *   "intset", "skiplist", "stream"), following Redis's conversion thresholds.
 */
export interface RObject {
  type: string;
  dup(): RObject;
  encoding(): string;
}

export type RValue = string | RObject;

export function typeName(v: RValue): string {
  return typeof v === "string" ? "string" : v.type;
}

/** Hooks the server installs: what happens when a key expires or is changed. */
export interface DbHooks {
  /** A key was found expired and removed (propagate DEL, notify "expired"). */
  expired(db: Db, key: string): void;
  /** Current time in ms as commands should see it (fixed during one command). */
  now(): number;
  /** The LRU clock in seconds (OBJECT IDLETIME). */
  lruClock(): number;
  /**
   * True while expired keys must be reported missing but kept (CLIENT PAUSE, as Redis's
   * checkClientPauseTimeoutAndReturnIfPaused): lookups and the active cycle delete nothing.
   */
  expirePaused?(): boolean;
  /**
   * True while the dataset loads (AOF/RDB at start-up, DEBUG LOADAOF): nothing expires, keys past
   * their time stay visible (Redis's keyIsExpired returns 0 while loading).
   */
  loading?(): boolean;
  /** A key of this db with blocked clients became ready (src/server/blocking.ts). */
  keyReady?(db: Db): void;
}

/** LRU clock wrap (24 bits of seconds, as Redis's LRU_CLOCK_MAX). */
const LRU_CLOCK_MAX = 0xffffff;

const INITIAL_SLOTS = 64;

/**
 * The data of one db (see the top of the file): key → slot number in a Map, and per slot the
 * value (`vals`), the 24-bit LRU/LFU field (`lru`) and the index in the volatile arrays (`ei`, -1
 * without a TTL). Freed slots are reused. Keys with a TTL are also in `volKeys`/`volSlot`/`volExp`.
 */
export class Keyspace {
  readonly map = new Map<string, number>();
  readonly vals: (RValue | undefined)[] = [];
  lru = new Int32Array(INITIAL_SLOTS);
  ei = new Int32Array(INITIAL_SLOTS);
  readonly free: number[] = [];
  readonly volKeys: string[] = [];
  readonly volSlot: number[] = [];
  readonly volExp: number[] = [];
  /** Where the active expire cycle resumes in the volatile arrays. */
  expCursor = 0;
  /**
   * Copy-on-write hook (a BGSAVE in progress, src/persist/snapshot.ts): called with a key before
   * it is changed, created, deleted or handed out by a lookup; null otherwise.
   */
  cow: ((key: string) => void) | null = null;

  /** Keys with a TTL. */
  get volatileSize(): number {
    return this.volKeys.length;
  }

  /** A new slot holding `v`. */
  alloc(v: RValue, lru: number): number {
    let i: number;
    if (this.free.length !== 0) {
      i = this.free.pop()!;
      this.vals[i] = v;
    } else {
      i = this.vals.length;
      this.vals.push(v);
      if (i >= this.lru.length) {
        const n = this.lru.length * 2;
        const l = new Int32Array(n);
        l.set(this.lru);
        this.lru = l;
        const e = new Int32Array(n);
        e.set(this.ei);
        this.ei = e;
      }
    }
    this.lru[i] = lru;
    this.ei[i] = -1;
    return i;
  }

  release(i: number): void {
    this.vals[i] = undefined;
    this.free.push(i);
  }

  /** The expire time of a slot, undefined without one. */
  expireOf(slot: number): number | undefined {
    const e = this.ei[slot];
    return e < 0 ? undefined : this.volExp[e];
  }

  /** Set or change the expire of `slot` (key `key`); returns true when it had none. */
  addVolatile(key: string, slot: number, when: number): boolean {
    const e = this.ei[slot];
    if (e >= 0) {
      this.volExp[e] = when;
      return false;
    }
    this.ei[slot] = this.volKeys.length;
    this.volKeys.push(key);
    this.volSlot.push(slot);
    this.volExp.push(when);
    return true;
  }

  /** Drop the expire of `slot` (which has one): the last entry moves into its place. */
  removeVolatile(slot: number): void {
    const i = this.ei[slot];
    const keys = this.volKeys;
    const last = keys.length - 1;
    if (i !== last) {
      const moved = this.volSlot[last];
      keys[i] = keys[last];
      this.volSlot[i] = moved;
      this.volExp[i] = this.volExp[last];
      this.ei[moved] = i;
    }
    keys.pop();
    this.volSlot.pop();
    this.volExp.pop();
    this.ei[slot] = -1;
  }
}

export class Db {
  readonly id: number;
  /** The keys, values, clocks and expires; replaced by clear(), exchanged by swapWith(). */
  ks = new Keyspace();
  /** Estimated heap bytes of the keys and values (src/store/accounting.ts). */
  bytes = 0;
  /** Sum and count of TTLs seen by the active cycle, for INFO keyspace avg_ttl. */
  avgTtl = 0;
  /** SCAN cursors of this db (reset when the keyspace is dropped). */
  readonly scanCursors = new ScanCursors<string>(1024);
  /** Rotating position for randomKey() on large dbs. */
  #randIter: Iterator<string> | null = null;
  #randMap: Map<string, number> | null = null;
  hooks: DbHooks;
  /**
   * Blocking commands (src/server/blocking.ts): key → the clients blocked on it, in the order they
   * blocked; and the keys that received data since blocked clients were last served.
   */
  readonly blockingKeys = new Map<string, Set<Client>>();
  readonly readyKeys = new Set<string>();

  constructor(id: number, hooks: DbHooks) {
    this.id = id;
    this.hooks = hooks;
  }

  get size(): number {
    return this.ks.map.size;
  }

  /** Keys with a TTL (INFO keyspace expires=, RDB RESIZEDB). */
  get volatileSize(): number {
    return this.ks.volKeys.length;
  }

  /** Does the key exist, expired or not (no expiry check, no clock update)? */
  has(key: string): boolean {
    return this.ks.map.has(key);
  }

  /** The value, expired or not (no expiry check, no clock update, no copy-on-write). */
  getRaw(key: string): RValue | undefined {
    const i = this.ks.map.get(key);
    return i === undefined ? undefined : this.ks.vals[i];
  }

  /** Every key, expired or not, in insertion order. */
  keys(): IterableIterator<string> {
    return this.ks.map.keys();
  }

  /**
   * The slot if the key exists and is not expired (-1 otherwise); an expired key is removed on the
   * way (unless expiry is paused). Calls the copy-on-write hook for a live key.
   */
  #live(key: string): number {
    const ks = this.ks;
    const i = ks.map.get(key);
    if (i === undefined) return -1;
    const e = ks.ei[i];
    if (e >= 0 && ks.volExp[e] < this.hooks.now() && !this.hooks.loading?.()) {
      if (this.hooks.expirePaused?.()) return -1;
      this.removeKey(key);
      this.hooks.expired(this, key);
      return -1;
    }
    if (ks.cow !== null) ks.cow(key);
    return i;
  }

  /**
   * Remove the key if its time has come; returns true when it is expired (then it is removed, unless
   * expiry is paused: it stays, invisible).
   */
  expireIfNeeded(key: string): boolean {
    const ks = this.ks;
    if (ks.volKeys.length === 0) return false;
    const i = ks.map.get(key);
    if (i === undefined) return false;
    const e = ks.ei[i];
    if (e < 0 || ks.volExp[e] >= this.hooks.now() || this.hooks.loading?.()) return false;
    if (this.hooks.expirePaused?.()) return true;
    this.removeKey(key);
    this.hooks.expired(this, key);
    return true;
  }

  /** Is the key logically expired? Never deletes (KEYS, as Redis's keyIsExpired). */
  keyIsExpired(key: string): boolean {
    const ks = this.ks;
    const i = ks.map.get(key);
    if (i === undefined) return false;
    const e = ks.ei[i];
    return e >= 0 && ks.volExp[e] < this.hooks.now() && !this.hooks.loading?.();
  }

  /** Value for a read; undefined when missing or expired. Updates the access clock. */
  lookupRead(key: string): RValue | undefined {
    const i = this.#live(key);
    if (i < 0) return undefined;
    const ks = this.ks;
    if (memPolicy.lfu) this.#lfuTouch(ks, i);
    else ks.lru[i] = this.hooks.lruClock();
    return ks.vals[i];
  }

  /** Value for a write (same as read, Redis also expires first). */
  lookupWrite(key: string): RValue | undefined {
    return this.lookupRead(key);
  }

  /** Read without touching the access clock (OBJECT, TYPE with no-touch, SCAN filters). */
  peek(key: string): RValue | undefined {
    const i = this.#live(key);
    return i < 0 ? undefined : this.ks.vals[i];
  }

  exists(key: string): boolean {
    const ks = this.ks;
    const i = ks.map.get(key);
    if (i === undefined) return false;
    return ks.ei[i] < 0 || !this.expireIfNeeded(key);
  }

  /**
   * signalKeyAsReady: a key that clients are blocked on may have data for them now. One size check
   * when nobody is blocked in this db.
   */
  signalKeyAsReady(key: string): void {
    if (this.blockingKeys.size === 0 || !this.blockingKeys.has(key) || this.readyKeys.has(key)) {
      return;
    }
    this.readyKeys.add(key);
    this.hooks.keyReady?.(this);
  }

  /** LFU access: decay and log-increment the key's counter (Redis's updateLFU). */
  lfuAccess(key: string): void {
    const i = this.ks.map.get(key);
    if (i !== undefined) this.#lfuTouch(this.ks, i);
  }

  #lfuTouch(ks: Keyspace, i: number): void {
    ks.lru[i] = lfuTouch(
      ks.lru[i],
      memPolicy.lfuLogFactor,
      memPolicy.lfuDecayTime,
      this.hooks.now(),
    );
  }

  /** The raw 24-bit LRU/LFU field of a key (RDB IDLE/FREQ, OBJECT FREQ), undefined if missing. */
  getLru(key: string): number | undefined {
    const i = this.ks.map.get(key);
    return i === undefined ? undefined : this.ks.lru[i];
  }

  /** Set the LRU/LFU field of an existing key (RESTORE IDLETIME/FREQ, RDB load, DEBUG). */
  setLru(key: string, field: number): void {
    const i = this.ks.map.get(key);
    if (i !== undefined) this.ks.lru[i] = field;
  }

  /** Insert or overwrite; clears any TTL unless keepTtl. */
  set(key: string, v: RValue, keepTtl = false): void {
    if (this.blockingKeys.size !== 0) this.signalKeyAsReady(key);
    const ks = this.ks;
    if (ks.cow !== null) ks.cow(key);
    const i = ks.map.get(key);
    if (i === undefined) {
      ks.map.set(
        key,
        ks.alloc(v, memPolicy.lfu ? lfuInit(this.hooks.now()) : this.hooks.lruClock()),
      );
      if (memPolicy.accounting) this.bytes += KEY_OVERHEAD + strBytes(key) + valueCost(v);
      if (this.scanCursors.logging) this.scanCursors.noteInsert(key);
      return;
    }
    const old = ks.vals[i]!;
    ks.vals[i] = v;
    if (memPolicy.accounting && old !== v) this.bytes += valueCost(v) - valueCost(old);
    if (memPolicy.lfu) this.#lfuTouch(ks, i);
    else ks.lru[i] = this.hooks.lruClock();
    if (!keepTtl && ks.ei[i] >= 0) {
      ks.removeVolatile(i);
      if (memPolicy.accounting) this.bytes -= EXPIRE_COST;
    }
  }

  /**
   * RDB load (src/persist/rdb_file.ts): add a key that must be new, with its expire (-1: none) and
   * its LRU/LFU field (-1: the current clock). No notification, copy-on-write or cursor report
   * (none applies while loading). Returns false, changing nothing, when the key already exists.
   */
  loadSet(key: string, v: RValue, expire: number, lru: number): boolean {
    const ks = this.ks;
    const map = ks.map;
    const n = map.size;
    const i = ks.alloc(
      v,
      lru >= 0 ? lru : memPolicy.lfu ? lfuInit(this.hooks.now()) : this.hooks.lruClock(),
    );
    map.set(key, i); // one lookup: a duplicate shows as a size that did not grow
    if (map.size === n) {
      // Put the key back on its slot: the one allocated slot no key points to (a refused file
      // only, so a scan is fine).
      const used = new Uint8Array(ks.vals.length);
      for (const j of map.values()) used[j] = 1;
      for (const j of ks.free) used[j] = 1;
      let old = 0;
      while (used[old] === 1) old++;
      map.set(key, old);
      ks.release(i);
      return false;
    }
    if (memPolicy.accounting) this.bytes += KEY_OVERHEAD + strBytes(key) + valueCost(v);
    if (expire !== -1) {
      ks.addVolatile(key, i, expire);
      if (memPolicy.accounting) this.bytes += EXPIRE_COST;
    }
    return true;
  }

  /** Overwrite the value of an existing key in place, keeping its TTL. */
  replace(key: string, v: RValue): void {
    const ks = this.ks;
    if (ks.cow !== null) ks.cow(key);
    const i = ks.map.get(key);
    if (i === undefined) {
      // Not expected (callers replace keys they just looked up); behave as an insertion.
      this.set(key, v, true);
      return;
    }
    const old = ks.vals[i]!;
    ks.vals[i] = v;
    if (memPolicy.accounting && old !== v) this.bytes += valueCost(v) - valueCost(old);
  }

  /** Delete (after the expiry check); returns whether a live key was removed. */
  delete(key: string): boolean {
    if (this.expireIfNeeded(key)) return false;
    return this.removeKey(key);
  }

  /** Remove unconditionally (no expiry check). */
  removeKey(key: string): boolean {
    const ks = this.ks;
    const i = ks.map.get(key);
    if (i === undefined) return false;
    if (ks.cow !== null) ks.cow(key);
    const v = ks.vals[i]!;
    // A deleted stream wakes the XREADGROUP clients blocked on it (with an error).
    if (this.blockingKeys.size !== 0 && typeof v !== "string" && v.type === "stream") {
      this.signalKeyAsReady(key);
    }
    ks.map.delete(key);
    if (memPolicy.accounting) this.bytes -= KEY_OVERHEAD + strBytes(key) + valueCost(v);
    if (ks.ei[i] >= 0) {
      ks.removeVolatile(i);
      if (memPolicy.accounting) this.bytes -= EXPIRE_COST;
    }
    ks.release(i);
    if (this.scanCursors.logging) this.scanCursors.noteDelete(key);
    return true;
  }

  /** Set the expire time (ms) of an existing key; a missing key is left alone. */
  setExpire(key: string, when: number): void {
    const ks = this.ks;
    const i = ks.map.get(key);
    if (i === undefined) return;
    if (ks.cow !== null) ks.cow(key);
    if (ks.addVolatile(key, i, when) && memPolicy.accounting) this.bytes += EXPIRE_COST;
  }

  getExpire(key: string): number | undefined {
    const i = this.ks.map.get(key);
    return i === undefined ? undefined : this.ks.expireOf(i);
  }

  persist(key: string): boolean {
    const ks = this.ks;
    const i = ks.map.get(key);
    if (i === undefined || ks.ei[i] < 0) return false;
    if (ks.cow !== null) ks.cow(key);
    ks.removeVolatile(i);
    if (memPolicy.accounting) this.bytes -= EXPIRE_COST;
    return true;
  }

  /** Seconds since the last access (OBJECT IDLETIME; the 24-bit clock wraps as in Redis). */
  idleSeconds(key: string): number {
    const t = this.getLru(key);
    if (t === undefined) return 0;
    const now = this.hooks.lruClock();
    return now >= t ? now - t : now + (LRU_CLOCK_MAX - t);
  }

  /**
   * A random live key (RANDOMKEY), or undefined when the db is empty. Expired keys met on the way
   * are deleted, as Redis does; while expiry is paused they cannot be, so after 100 expired picks
   * in an all-volatile db it gives up (undefined) rather than loop or show an expired key.
   */
  randomKey(): string | undefined {
    const allVolatile = this.size === this.volatileSize;
    let tries = 100;
    for (;;) {
      const key = this.randomEntry();
      if (key === undefined) return undefined;
      if (this.expireIfNeeded(key)) {
        // Still there: expiry is paused. Redis 7.0 would spin here forever if every key is
        // expired; bound the tries (as Redis 7.2 does) and report no key.
        if (allVolatile && this.has(key) && --tries === 0) return undefined;
        continue;
      }
      return key;
    }
  }

  /**
   * A random key, expired or not (eviction sampling uses this too). Up to 64 keys: uniform (walk to
   * a random index). Larger: a rotating iterator advanced by a random 0–31 entries, so a pick costs
   * O(1) amortized and every key comes up in turn; consecutive picks are less independent than
   * Redis's dictGetFairRandomKey (a Map has no random access).
   */
  randomEntry(): string | undefined {
    const d = this.ks.map;
    const n = d.size;
    if (n === 0) return undefined;
    if (n <= 64) {
      let i = Math.floor(Math.random() * n);
      for (const k of d.keys()) if (i-- === 0) return k;
      return undefined;
    }
    if (this.#randMap !== d || this.#randIter === null) {
      this.#randMap = d;
      this.#randIter = d.keys();
    }
    let skip = Math.floor(Math.random() * 32);
    for (let wraps = 0;;) {
      const r = this.#randIter.next();
      if (r.done) {
        this.#randIter = d.keys();
        if (++wraps > 1) return undefined;
        continue;
      }
      if (skip-- === 0) return r.value;
    }
  }

  /** A uniformly random key with a TTL, expired or not (volatile-* eviction), O(1). */
  randomVolatileKey(): string | undefined {
    const keys = this.ks.volKeys;
    return keys.length === 0 ? undefined : keys[Math.floor(Math.random() * keys.length)];
  }

  /** Drop every key (FLUSHDB/FLUSHALL); returns how many there were. */
  clear(): number {
    const n = this.size;
    this.ks = new Keyspace();
    this.bytes = 0;
    this.avgTtl = 0;
    this.scanCursors.clear();
    this.#randIter = null;
    this.#randMap = null;
    return n;
  }

  /**
   * Swap contents with another db (SWAPDB). Clients stay on their db index; SCAN cursors issued
   * before the swap restart on the new contents.
   */
  swapWith(o: Db): void {
    [this.ks, o.ks] = [o.ks, this.ks];
    [this.avgTtl, o.avgTtl] = [o.avgTtl, this.avgTtl];
    [this.bytes, o.bytes] = [o.bytes, this.bytes];
    this.scanCursors.clear();
    o.scanCursors.clear();
  }
}
