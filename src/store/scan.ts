/**
 * Cursor iteration over a JS Map: SCAN over a database, and HSCAN/SSCAN/ZSCAN over the hash
 * tables of collections (each collection keeps its own ScanCursors).
 *
 * Why not Redis's design: a Redis cursor is a bucket index of the hash table, walked in
 * reverse-binary order so that no server state is needed and growth/shrink never skips a bucket.
 * A JS Map exposes no buckets. What V8 gives instead is an iterator that stays valid while the map
 * changes: it visits, in insertion order, every entry present when it starts and not deleted before
 * it gets there (rehashes included), plus entries added behind it. So here **a cursor is a handle
 * on a live Map iterator**, kept in a bounded table owned by the collection:
 *
 * - Cursor 0 starts a new iteration. Each reply carries a fresh non-zero cursor (a decimal below
 *   2^53; accepted input is any unsigned 64-bit value, parsed as Redis's strtoul) until the
 *   iteration is over, then 0.
 * - One call takes about COUNT entries from the iterator; filters (MATCH, TYPE, expired keys) run
 *   afterwards as in Redis, so a call can return no keys with a non-zero cursor. The iterator reads
 *   one entry ahead, so the call that returns the last entries already returns cursor 0 (a small
 *   collection comes back whole from one `SCAN 0`, as with Redis).
 * - Guarantee (Redis's): a full iteration returns every entry present from its start to its end;
 *   entries added or removed meanwhile may or may not be returned; an entry may be returned twice
 *   (deleted and re-added, or after a restart below).
 * - Termination: entries added during the iteration are queued behind the iterator, so under a
 *   constant insert/delete churn faster than the scan, the iterator alone would never end. While
 *   any iteration is live, the owner reports insertions and deletions (noteInsert/noteDelete) and
 *   a log maps each key added since the oldest live iteration began to its insertion number; an
 *   iteration ends at the first entry added after it began, since every entry that existed at its
 *   start comes before that one in the map's order. The log holds only keys present in the map
 *   (deletions remove them) and is dropped when no iteration is live.
 * - Retry: sending the previous cursor again (a client retrying after a lost reply) replays that
 *   step's entries (minus those deleted since) with the same next cursor, so a retry loses nothing.
 * - Restart: an unknown cursor (never issued, already finished, evicted from the table, or issued
 *   before FLUSHDB/SWAPDB replaced the map, or by another collection) starts a new iteration from
 *   the beginning: the guarantee still holds, at the price of repeated work and duplicates.
 * - Bounds: at most `limit` iterations per owner (least recently used evicted first), and an
 *   iteration unused for `maxIdleMs` (10 minutes) is dropped (pruneIdle, also run on every step):
 *   a parked iterator keeps the map's old backing store alive if the map rehashes meanwhile, and
 *   keeps the insert log alive.
 * Cursors are not bound to a client: as with Redis, any connection may continue an iteration.
 */

/** Process-wide source of cursor ids, from a random base so stale cursors rarely collide. */
let nextId = 1 + Math.floor(Math.random() * 0x7fffffff);

function freshId(): string {
  if (nextId >= Number.MAX_SAFE_INTEGER) nextId = 1;
  return String(nextId++);
}

interface Iteration<K> {
  map: Map<K, unknown>;
  iter: Iterator<K>;
  /** Read-ahead entry, when hasPending. */
  pending: K | undefined;
  hasPending: boolean;
  /** Insertion number when the iteration began: logged keys above it were added after. */
  startSeq: number;
  /** Date.now() of the last step. */
  used: number;
  /** The cursor that continues this iteration. */
  id: string;
  /** The cursor of the previous step and what it returned (for a retry). */
  prevId: string | null;
  prevKeys: K[];
}

export interface ScanStep<K> {
  /** "0" when the iteration is over. */
  cursor: string;
  keys: K[];
}

export class ScanCursors<K> {
  readonly limit: number;
  /** cursor id (current or previous step) → iteration. */
  #byId = new Map<string, Iteration<K>>();
  /** Iterations in least-recently-used order (Set keeps insertion order). */
  #lru = new Set<Iteration<K>>();

  readonly maxIdleMs: number;
  /** key → insertion number, for keys added since the oldest live iteration began. */
  #log: Map<K, number> | null = null;
  #seq = 0;

  constructor(limit = 1024, maxIdleMs = 10 * 60 * 1000) {
    this.limit = limit;
    this.maxIdleMs = maxIdleMs;
  }

  /** True while iterations are live: the owner must then call noteInsert/noteDelete. */
  get logging(): boolean {
    return this.#log !== null;
  }

  /** A key was added to the map (not an overwrite). */
  noteInsert(key: K): void {
    if (this.#log !== null) this.#log.set(key, ++this.#seq);
  }

  /** A key was removed from the map. */
  noteDelete(key: K): void {
    if (this.#log !== null) this.#log.delete(key);
  }

  /** Drop iterations unused for maxIdleMs (their cursors then restart). */
  pruneIdle(now = Date.now()): void {
    for (const it of this.#lru) {
      if (now - it.used <= this.maxIdleMs) break;
      this.#drop(it);
    }
  }

  /** Live iterations (for tests and INFO-style introspection). */
  get size(): number {
    return this.#lru.size;
  }

  /** Forget every iteration (the map was replaced or dropped). */
  clear(): void {
    this.#byId.clear();
    this.#lru.clear();
    this.#log = null;
  }

  /**
   * One step of an iteration over `map`, resuming `cursor` (0n starts a new one). Takes up to
   * `count` entries.
   */
  step(cursor: bigint, map: Map<K, unknown>, count: number): ScanStep<K> {
    const now = Date.now();
    this.pruneIdle(now);
    let it: Iteration<K> | undefined;
    const cur = cursor === 0n ? "" : String(cursor);
    if (cur !== "") {
      it = this.#byId.get(cur);
      if (it !== undefined && it.map !== map) {
        this.#drop(it);
        it = undefined;
      }
      if (it !== undefined && cur === it.prevId) {
        this.#touch(it);
        const keys: K[] = [];
        for (const k of it.prevKeys) if (map.has(k)) keys.push(k);
        return { cursor: it.id, keys };
      }
    }
    if (it === undefined) it = this.#start(map);
    else this.#byId.delete(cur);
    it.used = now;
    if (it.prevId !== null) this.#byId.delete(it.prevId);

    const keys: K[] = [];
    let done = false;
    while (keys.length < count) {
      let k: K;
      if (it.hasPending) {
        k = it.pending as K;
        it.hasPending = false;
        it.pending = undefined;
        if (!map.has(k)) continue; // deleted since it was read ahead
      } else {
        const r = it.iter.next();
        if (r.done) {
          done = true;
          break;
        }
        k = r.value;
      }
      if (this.#isNew(it, k)) {
        done = true;
        break;
      }
      keys.push(k);
    }
    if (!done && !it.hasPending) {
      const r = it.iter.next();
      if (r.done || this.#isNew(it, r.value)) done = true;
      else {
        it.pending = r.value;
        it.hasPending = true;
      }
    }
    if (done) {
      this.#lru.delete(it);
      if (this.#lru.size === 0) this.#log = null;
      return { cursor: "0", keys };
    }
    it.prevId = cur === "" ? null : cur;
    it.prevKeys = keys;
    if (it.prevId !== null) this.#byId.set(it.prevId, it);
    it.id = freshId();
    this.#byId.set(it.id, it);
    this.#touch(it);
    return { cursor: it.id, keys };
  }

  #start(map: Map<K, unknown>): Iteration<K> {
    while (this.#lru.size >= this.limit) {
      const oldest = this.#lru.values().next().value as Iteration<K>;
      this.#drop(oldest);
    }
    if (this.#log === null) this.#log = new Map();
    const it: Iteration<K> = {
      map,
      iter: map.keys(),
      pending: undefined,
      hasPending: false,
      startSeq: this.#seq,
      used: 0,
      id: "",
      prevId: null,
      prevKeys: [],
    };
    this.#lru.add(it);
    return it;
  }

  /** Was `key` added after the iteration began? */
  #isNew(it: Iteration<K>, key: K): boolean {
    const s = this.#log?.get(key);
    return s !== undefined && s > it.startSeq;
  }

  #touch(it: Iteration<K>): void {
    this.#lru.delete(it);
    this.#lru.add(it);
  }

  #drop(it: Iteration<K>): void {
    this.#lru.delete(it);
    if (this.#lru.size === 0) this.#log = null;
    if (this.#byId.get(it.id) === it) this.#byId.delete(it.id);
    if (it.prevId !== null && this.#byId.get(it.prevId) === it) this.#byId.delete(it.prevId);
  }
}

const U64_MAX = 18446744073709551615n;

/**
 * A SCAN cursor as Redis's parseScanCursorOrReply (strtoul, base 10): optional sign ('-' wraps
 * modulo 2^64), digits; no leading space, nothing after the digits (the string is read as a C
 * string, so it ends at a NUL byte); the empty string is 0. Null when invalid ("ERR invalid
 * cursor").
 */
export function parseScanCursor(s: string): bigint | null {
  const nul = s.indexOf("\0");
  if (nul >= 0) s = s.slice(0, nul);
  if (s.length === 0) return 0n;
  let i = 0;
  let neg = false;
  const c0 = s.charCodeAt(0);
  if (c0 === 43 || c0 === 45) {
    neg = c0 === 45;
    i = 1;
  }
  if (i === s.length) return null;
  for (let j = i; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c < 48 || c > 57) return null;
  }
  const v = BigInt(s.slice(i));
  if (v > U64_MAX) return null;
  return neg && v !== 0n ? (U64_MAX + 1n - v) : v;
}
