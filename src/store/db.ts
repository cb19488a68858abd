/**
 * One numbered database: the key → value dictionary, the expires dictionary and the access clock.
 *
 * Representation (chosen once, here):
 * - keys are binary strings (one char per byte, 0–255);
 * - a string value is a binary string; every other type is an object with a `type` field
 *   (src/types/*), so `typeof v === "string"` is the string-type test on the hot path;
 * - expiry times (ms since the epoch) live in a second map holding only the keys that have one,
 *   as in Redis, so keys without a TTL pay nothing;
 * - the LRU clock of a key (seconds, for OBJECT IDLETIME and eviction) lives in a third map; under
 *   an LFU maxmemory-policy the same map holds the LFU field (src/store/lfu.ts), as Redis's 24-bit
 *   `lru` field does;
 * - `bytes` is the estimated heap cost of the db's keys and values, kept by the write methods while
 *   maxmemory is set (src/store/accounting.ts; recounted when it gets set): maxmemory reads it.
 *
 * Expired keys are never visible: every lookup checks the expire first (lazy expiry) and the
 * server's active cycle samples keys with a TTL (see activeExpireCycle in src/store/expire.ts).
 * A key is expired once the clock is strictly past its time (`now > when`, as Redis's
 * keyIsExpired). Expire times are JS numbers: exact up to 2^53 ms (year 287396); larger times
 * (PEXPIREAT near INT64_MAX) are kept rounded to a double.
 *
 * Write through the methods (set/replace/delete/removeKey), never `dict` directly: they report
 * insertions and deletions to the SCAN cursors, whose termination guarantee relies on it
 * (src/store/scan.ts).
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
  /** A key of this db with blocked clients became ready (src/server/blocking.ts). */
  keyReady?(db: Db): void;
}

/** LRU clock wrap (24 bits of seconds, as Redis's LRU_CLOCK_MAX). */
const LRU_CLOCK_MAX = 0xffffff;

export class Db {
  readonly id: number;
  dict = new Map<string, RValue>();
  expires = new Map<string, number>();
  lru = new Map<string, number>();
  /** Estimated heap bytes of the keys and values (src/store/accounting.ts). */
  bytes = 0;
  /** Sum and count of TTLs seen by the active cycle, for INFO keyspace avg_ttl. */
  avgTtl = 0;
  /** Cursor state for the active expire cycle. */
  expireIter: IterableIterator<[string, number]> | null = null;
  /** SCAN cursors of this db (reset when the dict is dropped). */
  readonly scanCursors = new ScanCursors<string>(1024);
  /** Rotating position for randomKey() on large dbs. */
  #randIter: Iterator<string> | null = null;
  #randMap: Map<string, RValue> | null = null;
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
    return this.dict.size;
  }

  /**
   * Remove the key if its time has come; returns true when it is expired (then it is removed, unless
   * expiry is paused: it stays, invisible).
   */
  expireIfNeeded(key: string): boolean {
    const when = this.expires.get(key);
    if (when === undefined || when >= this.hooks.now()) return false;
    if (this.hooks.expirePaused?.()) return true;
    this.removeKey(key);
    this.hooks.expired(this, key);
    return true;
  }

  /** Is the key logically expired? Never deletes (KEYS, as Redis's keyIsExpired). */
  keyIsExpired(key: string): boolean {
    const when = this.expires.get(key);
    return when !== undefined && when < this.hooks.now();
  }

  /** Value for a read; undefined when missing or expired. Updates the access clock. */
  lookupRead(key: string): RValue | undefined {
    if (this.expires.size !== 0 && this.expireIfNeeded(key)) return undefined;
    const v = this.dict.get(key);
    if (v !== undefined) {
      if (memPolicy.lfu) this.lfuAccess(key);
      else {
        // A get is cheaper than a set: write only when the (one-second) clock moved.
        const clock = this.hooks.lruClock();
        if (this.lru.get(key) !== clock) this.lru.set(key, clock);
      }
    }
    return v;
  }

  /** Value for a write (same as read, Redis also expires first). */
  lookupWrite(key: string): RValue | undefined {
    return this.lookupRead(key);
  }

  /** Read without touching the access clock (OBJECT, TYPE with no-touch, SCAN filters). */
  peek(key: string): RValue | undefined {
    if (this.expires.size !== 0 && this.expireIfNeeded(key)) return undefined;
    return this.dict.get(key);
  }

  exists(key: string): boolean {
    if (this.expires.size !== 0 && this.expireIfNeeded(key)) return false;
    return this.dict.has(key);
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
    const f = this.lru.get(key);
    const now = this.hooks.now();
    this.lru.set(
      key,
      f === undefined
        ? lfuInit(now)
        : lfuTouch(f, memPolicy.lfuLogFactor, memPolicy.lfuDecayTime, now),
    );
  }

  /** Insert or overwrite; clears any TTL unless keepTtl. */
  set(key: string, v: RValue, keepTtl = false): void {
    if (this.blockingKeys.size !== 0) this.signalKeyAsReady(key);
    if (memPolicy.accounting) {
      const old = this.dict.get(key);
      this.dict.set(key, v);
      if (old === undefined) {
        this.bytes += KEY_OVERHEAD + strBytes(key) + valueCost(v);
        if (this.scanCursors.logging) this.scanCursors.noteInsert(key);
      } else if (old !== v) this.bytes += valueCost(v) - valueCost(old);
    } else {
      const n = this.dict.size;
      this.dict.set(key, v);
      if (this.dict.size !== n && this.scanCursors.logging) this.scanCursors.noteInsert(key);
    }
    if (memPolicy.lfu) this.lfuAccess(key);
    else {
      const clock = this.hooks.lruClock();
      if (this.lru.get(key) !== clock) this.lru.set(key, clock);
    }
    if (!keepTtl && this.expires.size !== 0 && this.expires.delete(key) && memPolicy.accounting) {
      this.bytes -= EXPIRE_COST;
    }
  }

  /** Overwrite the value of an existing key in place, keeping its TTL. */
  replace(key: string, v: RValue): void {
    if (!memPolicy.accounting) {
      this.dict.set(key, v);
      return;
    }
    const old = this.dict.get(key);
    this.dict.set(key, v);
    if (old === undefined) this.bytes += KEY_OVERHEAD + strBytes(key) + valueCost(v);
    else if (old !== v) this.bytes += valueCost(v) - valueCost(old);
  }

  /** Delete (after the expiry check); returns whether a live key was removed. */
  delete(key: string): boolean {
    if (this.expires.size !== 0 && this.expireIfNeeded(key)) return false;
    return this.removeKey(key);
  }

  /** Remove unconditionally (no expiry check). */
  removeKey(key: string): boolean {
    // A deleted stream wakes the XREADGROUP clients blocked on it (with an error).
    if (
      this.blockingKeys.size !== 0 && (this.dict.get(key) as RObject | undefined)?.type === "stream"
    ) {
      this.signalKeyAsReady(key);
    }
    if (memPolicy.accounting) {
      const v = this.dict.get(key);
      if (v === undefined) return false;
      this.dict.delete(key);
      this.bytes -= KEY_OVERHEAD + strBytes(key) + valueCost(v);
      if (this.expires.size !== 0 && this.expires.delete(key)) this.bytes -= EXPIRE_COST;
    } else {
      if (!this.dict.delete(key)) return false;
      if (this.expires.size !== 0) this.expires.delete(key);
    }
    this.lru.delete(key);
    if (this.scanCursors.logging) this.scanCursors.noteDelete(key);
    return true;
  }

  setExpire(key: string, when: number): void {
    const n = this.expires.size;
    this.expires.set(key, when);
    if (this.expires.size !== n && memPolicy.accounting) this.bytes += EXPIRE_COST;
  }

  getExpire(key: string): number | undefined {
    return this.expires.get(key);
  }

  persist(key: string): boolean {
    if (!this.expires.delete(key)) return false;
    if (memPolicy.accounting) this.bytes -= EXPIRE_COST;
    return true;
  }

  /** Seconds since the last access (OBJECT IDLETIME; the 24-bit clock wraps as in Redis). */
  idleSeconds(key: string): number {
    const t = this.lru.get(key);
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
    const allVolatile = this.dict.size === this.expires.size;
    let tries = 100;
    for (;;) {
      const key = this.randomEntry();
      if (key === undefined) return undefined;
      if (this.expires.size !== 0 && this.expires.has(key) && this.expireIfNeeded(key)) {
        // Still there: expiry is paused. Redis 7.0 would spin here forever if every key is
        // expired; bound the tries (as Redis 7.2 does) and report no key.
        if (allVolatile && this.dict.has(key) && --tries === 0) return undefined;
        continue;
      }
      return key;
    }
  }

  /**
   * A random key of `dict`, expired or not (eviction sampling uses this too). Up to 64 keys: uniform
   * (walk to a random index). Larger: a rotating iterator advanced by a random 0–31 entries, so a
   * pick costs O(1) amortized and every key comes up in turn; consecutive picks are less
   * independent than Redis's dictGetFairRandomKey (a Map has no random access).
   */
  randomEntry(): string | undefined {
    const d = this.dict;
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

  /** Drop every key (FLUSHDB/FLUSHALL); returns how many there were. */
  clear(): number {
    const n = this.dict.size;
    this.dict = new Map();
    this.expires = new Map();
    this.lru = new Map();
    this.bytes = 0;
    this.expireIter = null;
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
    [this.dict, o.dict] = [o.dict, this.dict];
    [this.expires, o.expires] = [o.expires, this.expires];
    [this.lru, o.lru] = [o.lru, this.lru];
    [this.avgTtl, o.avgTtl] = [o.avgTtl, this.avgTtl];
    [this.bytes, o.bytes] = [o.bytes, this.bytes];
    this.scanCursors.clear();
    o.scanCursors.clear();
    this.expireIter = null;
    o.expireIter = null;
  }
}
