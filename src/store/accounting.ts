/**
 * Dataset accounting: what the keyspace costs in the V8 heap, kept incrementally so that the
 * maxmemory check is arithmetic, never a heap query (`Deno.memoryUsage()` costs ~9 µs,
 * `v8.getHeapStatistics()` ~0.6 µs: both more than a whole GET).
 *
 * While maxmemory is set (`memPolicy.accounting`), every db keeps `bytes`, the estimated heap
 * bytes of its keys and values, updated by the Db write methods (set/replace/removeKey/setExpire/
 * persist); without a limit they skip it (no extra lookup on SET/DEL), and setting one recounts
 * every db once (`countDb`). The estimates use V8's layouts on x86-64
 * (Deno ships without pointer compression), checked against the heap after a full GC
 * (200,000 keys, see docs/architecture.md):
 * - a one-byte string of n bytes: 16 bytes of header + n rounded up to 8;
 * - a key: its keyspace Map entry (~37 bytes: 3 slots per entry plus the bucket array at an
 *   average load), its slot (value pointer + lru + ei) and the key string; with a TTL, one element
 *   in each of the three volatile arrays (src/store/db.ts);
 * - a string value: the string; a RawString (a string changed in place) its `heapBytes()`,
 *   re-estimated like a collection's;
 * - a collection: a header plus per-element costs, sampled over the first elements (as MEMORY
 *   USAGE does) and multiplied by the element count.
 *
 * Strings are immutable, so a string value costs what its length says whenever it is added or
 * removed. A collection is mutated in place by its family, out of sight of the Db: its estimate is
 * remembered per object (a WeakMap), subtracted exactly when the key goes, and refreshed after each
 * write command that names its key while maxmemory is set (`refreshObjects`, called from
 * src/server/evict.ts). Turning maxmemory on re-estimates every collection once.
 */
import type { Db, RObject, RValue } from "./db.ts";
import { ListValue } from "../types/list.ts";
import { HashObject } from "../types/hash.ts";
import { SetObject } from "../types/set.ts";
import { ZSet } from "../types/zset.ts";
import { StreamValue } from "../types/stream.ts";
import { RawString } from "../types/rawstring.ts";

/** One Map entry: 3 slots plus its share of the bucket array, at an average load factor. */
export const MAP_ENTRY = 37;
/** One Set entry: 2 slots plus buckets. */
const SET_ENTRY = 29;
/** A key's slot (src/store/db.ts): value pointer + lru + ei (8 + 4 + 4), ~1.5× for growth. */
const SLOT = 24;
/** A key: its Map entry and its slot (the value is counted separately). */
export const KEY_OVERHEAD = MAP_ENTRY + SLOT;
/** A TTL: one slot in each of the three volatile arrays (8 bytes, ~1.5× for growth slack). */
export const EXPIRE_COST = 36;
/** Header of a collection object (the JS object, its inner Map/array header). */
const OBJECT = 88;
/** How many elements a collection estimate samples (MEMORY USAGE's default). */
const SAMPLES = 5;

/**
 * Policy-dependent state the Db hot paths read (set by src/server/evict.ts from the config):
 * whether the `lru` field holds LFU data, and the LFU parameters.
 */
export const memPolicy = {
  /** Keep `Db.bytes` (maxmemory is set). */
  accounting: false,
  lfu: false,
  lfuLogFactor: 10,
  lfuDecayTime: 1,
};

export function strBytes(s: string): number {
  return 16 + ((s.length + 7) & ~7);
}

/** Estimated heap bytes of a collection, sampling its first SAMPLES elements. */
export function estimateObject(v: RObject): number {
  if (v instanceof ListValue) {
    const n = v.length;
    if (n === 0) return OBJECT;
    const k = Math.min(n, SAMPLES);
    let sum = 0;
    for (let i = 0; i < k; i++) sum += strBytes(v.get(i));
    // Ring buffer slots: capacity is the next power of two (average 1.5 slots per element).
    return OBJECT + Math.round((sum / k + 12) * n);
  }
  if (v instanceof HashObject) return OBJECT + sampleMap(v.map, MAP_ENTRY);
  if (v instanceof SetObject) return OBJECT + sampleSet(v.members);
  if (v instanceof ZSet) {
    // member → score entry (the score often a heap number), and the tree's two leaf slots.
    const n = v.size;
    if (n === 0) return OBJECT;
    let k = 0;
    let sum = 0;
    for (const m of v.dict.keys()) {
      sum += strBytes(m);
      if (++k === SAMPLES) break;
    }
    return OBJECT + Math.round((sum / k + MAP_ENTRY + 16 + 16) * n);
  }
  if (v instanceof StreamValue) return v.memory(SAMPLES);
  if (v instanceof RawString) return v.heapBytes();
  return OBJECT;
}

function sampleMap(m: Map<string, string>, entry: number): number {
  const n = m.size;
  if (n === 0) return 0;
  let k = 0;
  let sum = 0;
  for (const [f, v] of m) {
    sum += strBytes(f) + strBytes(v);
    if (++k === SAMPLES) break;
  }
  return Math.round((sum / k + entry) * n);
}

function sampleSet(s: Set<string>): number {
  const n = s.size;
  if (n === 0) return 0;
  let k = 0;
  let sum = 0;
  for (const m of s) {
    sum += strBytes(m);
    if (++k === SAMPLES) break;
  }
  return Math.round((sum / k + SET_ENTRY) * n);
}

/** What each collection was last counted as (subtracted exactly when it goes). */
const counted = new WeakMap<RObject, number>();

/** Bytes a value is counted as; a collection seen for the first time is estimated now. */
export function valueCost(v: RValue): number {
  if (typeof v === "string") return strBytes(v);
  let b = counted.get(v);
  if (b === undefined) {
    b = estimateObject(v);
    counted.set(v, b);
  }
  return b;
}

/** The accounted bytes of a whole keyspace (collections re-estimated now). */
export function countDb(db: Db): number {
  let n = db.volatileSize * EXPIRE_COST;
  const vals = db.ks.vals;
  for (const [k, slot] of db.ks.map) {
    const v = vals[slot]!;
    if (typeof v !== "string") {
      refreshObject(v);
      n += KEY_OVERHEAD + strBytes(k) + (counted.get(v) ?? 0);
    } else n += KEY_OVERHEAD + strBytes(k) + strBytes(v);
  }
  return n;
}

/** Re-estimate a collection; returns the change to add to its db's `bytes`. */
export function refreshObject(v: RObject): number {
  const old = counted.get(v);
  const now = estimateObject(v);
  counted.set(v, now);
  return old === undefined ? 0 : now - old;
}
