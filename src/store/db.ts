/**
 * One numbered database: the key → value dictionary, the expires dictionary and the access clock.
 *
 * Representation (chosen once, here):
 * - keys are binary strings (one char per byte, 0–255);
 * - a string value is a binary string; every other type is an object with a `type` field
 *   (src/types/*), so `typeof v === "string"` is the string-type test on the hot path;
 * - expiry times (ms since the epoch) live in a second map holding only the keys that have one,
 *   as in Redis, so keys without a TTL pay nothing;
 * - the LRU clock of a key (seconds, for OBJECT IDLETIME and eviction) lives in a third map.
 *
 * Expired keys are never visible: every lookup checks the expire first (lazy expiry) and the
 * server's active cycle samples keys with a TTL (see activeExpireCycle in src/store/expire.ts).
 */

/** Base of every non-string value. */
export interface RObject {
  type: string;
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
}

export class Db {
  readonly id: number;
  dict = new Map<string, RValue>();
  expires = new Map<string, number>();
  lru = new Map<string, number>();
  /** Sum and count of TTLs seen by the active cycle, for INFO keyspace avg_ttl. */
  avgTtl = 0;
  /** Cursor state for the active expire cycle. */
  expireIter: IterableIterator<[string, number]> | null = null;
  hooks: DbHooks;

  constructor(id: number, hooks: DbHooks) {
    this.id = id;
    this.hooks = hooks;
  }

  get size(): number {
    return this.dict.size;
  }

  /** Remove the key if its time has come; returns true when it was expired (and removed). */
  expireIfNeeded(key: string): boolean {
    const when = this.expires.get(key);
    if (when === undefined || when > this.hooks.now()) return false;
    this.removeKey(key);
    this.hooks.expired(this, key);
    return true;
  }

  /** Value for a read; undefined when missing or expired. Updates the access clock. */
  lookupRead(key: string): RValue | undefined {
    if (this.expires.size !== 0 && this.expireIfNeeded(key)) return undefined;
    const v = this.dict.get(key);
    if (v !== undefined) this.lru.set(key, this.hooks.lruClock());
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

  /** Insert or overwrite; clears any TTL unless keepTtl. */
  set(key: string, v: RValue, keepTtl = false): void {
    this.dict.set(key, v);
    this.lru.set(key, this.hooks.lruClock());
    if (!keepTtl && this.expires.size !== 0) this.expires.delete(key);
  }

  /** Overwrite the value of an existing key in place, keeping its TTL. */
  replace(key: string, v: RValue): void {
    this.dict.set(key, v);
  }

  /** Delete (after the expiry check); returns whether a live key was removed. */
  delete(key: string): boolean {
    if (this.expires.size !== 0 && this.expireIfNeeded(key)) return false;
    return this.removeKey(key);
  }

  /** Remove unconditionally (no expiry check). */
  removeKey(key: string): boolean {
    if (!this.dict.delete(key)) return false;
    this.lru.delete(key);
    if (this.expires.size !== 0) this.expires.delete(key);
    return true;
  }

  setExpire(key: string, when: number): void {
    this.expires.set(key, when);
  }

  getExpire(key: string): number | undefined {
    return this.expires.get(key);
  }

  persist(key: string): boolean {
    return this.expires.delete(key);
  }

  /** Seconds since the last access (OBJECT IDLETIME). */
  idleSeconds(key: string): number {
    const t = this.lru.get(key);
    return t === undefined ? 0 : Math.max(0, this.hooks.lruClock() - t);
  }

  clear(): number {
    const n = this.dict.size;
    this.dict = new Map();
    this.expires = new Map();
    this.lru = new Map();
    this.expireIter = null;
    this.avgTtl = 0;
    return n;
  }

  /** Swap contents with another db (SWAPDB). */
  swapWith(o: Db): void {
    [this.dict, o.dict] = [o.dict, this.dict];
    [this.expires, o.expires] = [o.expires, this.expires];
    [this.lru, o.lru] = [o.lru, this.lru];
    [this.avgTtl, o.avgTtl] = [o.avgTtl, this.avgTtl];
    this.expireIter = null;
    o.expireIter = null;
  }
}
