/**
 * The set type: a JS Set<string> of binary-string members, reporting Redis 7.0's two encodings.
 *
 * Encoding (OBJECT ENCODING), as Redis's t_set.c:
 * - "intset" while every member is an integer as string2ll accepts it (isSdsRepresentableAsLongLong:
 *   canonical decimal, int64 range) and the count is at most set-max-intset-entries (capped at
 *   2^30 as Redis does). A set created from an integer first member starts as an intset; one
 *   created from any other member starts as a hashtable.
 * - "hashtable" otherwise. The conversion is one-way: removing the offending members does not turn
 *   a hashtable back into an intset (a new set object may start as an intset again: the STORE
 *   variants, SPOP's "keep the remaining elements" path).
 *
 * Order: an intset iterates in ascending numeric order, as Redis's sorted intset array (SMEMBERS,
 * SSCAN and the set-algebra replies depend on it). Members stay strings; canonical integer strings
 * compare numerically by sign, then length, then characters, so no parsing is needed. The sorted
 * array is a cache, rebuilt after a mutation on the next ordered walk. A hashtable iterates in
 * insertion order (Redis's order is its hash order: both are unspecified to clients).
 *
 * Random members (SPOP, SRANDMEMBER): a Set has no random access, so the first random pick builds
 * a pool array of the members; later additions are appended to it, removals are dropped lazily
 * when a pick meets a member that is gone (swap with the last slot and pop). A member removed and
 * re-added while the pool exists sits in the pool twice until the pool is rebuilt (when it grows
 * past twice the set size), which skews its odds slightly meanwhile.
 *
 * SSCAN over a hashtable uses per-set ScanCursors (src/store/scan.ts), created on first use; the
 * set reports insertions and deletions to it while an iteration is live.
 */
import type { RObject } from "../store/db.ts";
import { parseI64 } from "../commands/args.ts";
import { ScanCursors } from "../store/scan.ts";

/** Redis caps set-max-intset-entries at 1G entries (intset internals). */
const INTSET_HARD_MAX = 1 << 30;

/** isSdsRepresentableAsLongLong: a canonical int64 decimal string. */
export function isIntMember(s: string): boolean {
  return s.length <= 20 && parseI64(s) !== null;
}

/** Numeric comparison of two canonical integer strings (no parsing). */
export function compareIntStrings(a: string, b: string): number {
  const na = a.charCodeAt(0) === 45;
  const nb = b.charCodeAt(0) === 45;
  if (na !== nb) return na ? -1 : 1;
  let r: number;
  if (a.length !== b.length) r = a.length < b.length ? -1 : 1;
  else r = a < b ? -1 : a > b ? 1 : 0;
  return na ? -r : r;
}

export class SetObject implements RObject {
  readonly type = "set";
  /** The members. Mutate only through the methods (they keep the caches and cursors right). */
  readonly members: Set<string>;
  #intset: boolean;
  /** Ascending members while an intset (cache; null when stale). */
  #sorted: string[] | null = null;
  /** Random-pick pool of a hashtable (see the notes at the top); null until the first pick. */
  #pool: string[] | null = null;
  #cursors: ScanCursors<string> | null = null;

  constructor(intset: boolean, members?: Set<string>) {
    this.#intset = intset;
    this.members = members ?? new Set();
  }

  get size(): number {
    return this.members.size;
  }

  get isIntset(): boolean {
    return this.#intset;
  }

  encoding(): string {
    return this.#intset ? "intset" : "hashtable";
  }

  dup(): SetObject {
    return new SetObject(this.#intset, new Set(this.members));
  }

  has(member: string): boolean {
    return this.members.has(member);
  }

  /**
   * setTypeAdd: add a member, converting to a hashtable when the member is not an integer or the
   * intset grows past `maxIntsetEntries`. True when the member was new.
   */
  add(member: string, maxIntsetEntries: number): boolean {
    const m = this.members;
    const n = m.size;
    m.add(member);
    if (m.size === n) return false;
    if (this.#intset) {
      const limit = maxIntsetEntries >= INTSET_HARD_MAX ? INTSET_HARD_MAX : maxIntsetEntries;
      if (!isIntMember(member) || m.size > limit) this.convertToHashtable();
      else this.#sorted = null;
    }
    if (this.#pool !== null) {
      if (this.#pool.length > 2 * m.size + 16) this.#pool = null;
      else this.#pool.push(member);
    }
    if (this.#cursors !== null && this.#cursors.logging) this.#cursors.noteInsert(member);
    return true;
  }

  /** setTypeRemove: true when the member was there. */
  remove(member: string): boolean {
    if (!this.members.delete(member)) return false;
    if (this.#intset) this.#sorted = null;
    if (this.#cursors !== null && this.#cursors.logging) this.#cursors.noteDelete(member);
    if (this.members.size === 0) this.#pool = null;
    return true;
  }

  /** One-way conversion (setTypeConvert to OBJ_ENCODING_HT). */
  convertToHashtable(): void {
    this.#intset = false;
    this.#sorted = null;
  }

  /** Members in Redis's order for this encoding (ascending for an intset). */
  values(): Iterable<string> {
    return this.#intset ? this.sorted() : this.members;
  }

  /** The ascending member array of an intset (shared cache: do not mutate). */
  sorted(): string[] {
    if (this.#sorted === null) this.#sorted = [...this.members].sort(compareIntStrings);
    return this.#sorted;
  }

  /** A uniformly chosen member (setTypeRandomElement); undefined when empty. */
  random(): string | undefined {
    const m = this.members;
    if (m.size === 0) return undefined;
    let pool = this.#pool;
    if (pool === null) pool = this.#pool = [...m];
    for (;;) {
      const i = Math.floor(Math.random() * pool.length);
      const v = pool[i];
      if (m.has(v)) return v;
      pool[i] = pool[pool.length - 1];
      pool.pop();
    }
  }

  /** SSCAN cursors of this set (hashtable encoding). */
  scanCursors(): ScanCursors<string> {
    if (this.#cursors === null) this.#cursors = new ScanCursors<string>(64);
    return this.#cursors;
  }
}

// ---- public API for other families (ZUNIONSTORE with set sources, SORT, persistence) ------------

/** A new empty set; it starts as an intset when `first` (the first member to add) is an integer. */
export function setCreate(first?: string): SetObject {
  return new SetObject(first === undefined || isIntMember(first));
}

export function isSet(v: unknown): v is SetObject {
  return v instanceof SetObject;
}

export function setHas(s: SetObject, member: string): boolean {
  return s.members.has(member);
}

/** Add a member; pass the server's set-max-intset-entries. True when it was new. */
export function setAdd(s: SetObject, member: string, maxIntsetEntries: number): boolean {
  return s.add(member, maxIntsetEntries);
}

export function setRemove(s: SetObject, member: string): boolean {
  return s.remove(member);
}

/** Members in Redis's iteration order (ascending for intsets). Do not mutate while iterating. */
export function setIterate(s: SetObject): Iterable<string> {
  return s.values();
}

export function setSize(s: SetObject): number {
  return s.members.size;
}
