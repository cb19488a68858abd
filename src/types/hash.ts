/**
 * The hash type: field → value, both binary strings, in one JS Map.
 *
 * Encoding. Redis keeps a small hash in a listpack (fields in insertion order, an update keeps the
 * field's place) and converts it for good to a hash table once it holds more than
 * `hash-max-listpack-entries` fields or is given a field or value longer than
 * `hash-max-listpack-value` bytes. A Map keeps insertion order and updates in place, so both
 * encodings are the same Map here; `listpack` only records which one Redis would report (OBJECT
 * ENCODING) and how HSCAN behaves (a listpack hash comes back whole with cursor 0). The callers pass
 * the two limits (read from the config at the time of the write), and the conversion is one-way,
 * as in Redis: deleting fields never turns a hash table back into a listpack.
 *
 * Memory: one Map entry per field (key, value and chain slots) plus the two strings; no per-field
 * objects. Random access (HRANDFIELD) uses an array of the fields built on demand and dropped on
 * the next insertion or deletion (value updates keep it); see randomField for large hashes.
 *
 * Scans: a hash-table hash owns ScanCursors (src/store/scan.ts), created on the first HSCAN; while
 * an iteration is live, insertions and deletions are reported to it.
 */
import type { RObject } from "../store/db.ts";
import { ScanCursors, type ScanStep } from "../store/scan.ts";

/** Cursor iterations kept per hash (least recently used dropped first). */
const HASH_SCAN_LIMIT = 16;
/** Up to this many fields, a random pick builds (and caches) the array of fields. */
const RANDOM_ARRAY_MAX = 4096;

export class HashObject implements RObject {
  readonly type = "hash";
  readonly map: Map<string, string>;
  /** True while Redis would keep this hash as a listpack. */
  listpack: boolean;
  #cursors: ScanCursors<string> | null = null;
  #fields: string[] | null = null;
  #randIter: Iterator<string> | null = null;

  constructor(map = new Map<string, string>(), listpack = true) {
    this.map = map;
    this.listpack = listpack;
  }

  get size(): number {
    return this.map.size;
  }

  encoding(): string {
    return this.listpack ? "listpack" : "hashtable";
  }

  dup(): HashObject {
    return new HashObject(new Map(this.map), this.listpack);
  }

  get(field: string): string | undefined {
    return this.map.get(field);
  }

  has(field: string): boolean {
    return this.map.has(field);
  }

  /**
   * hashTypeSet: set a field; true when it was an update, false when the field is new. A long
   * field or value converts a listpack before the insertion, too many fields after it.
   */
  set(field: string, value: string, maxEntries: number, maxValue: number): boolean {
    if (this.listpack && (field.length > maxValue || value.length > maxValue)) {
      this.listpack = false;
    }
    const m = this.map;
    const n = m.size;
    m.set(field, value);
    if (m.size === n) return true;
    this.#fields = null;
    if (this.#cursors !== null && this.#cursors.logging) this.#cursors.noteInsert(field);
    if (this.listpack && m.size > maxEntries) this.listpack = false;
    return false;
  }

  /** Delete a field; true when it existed. */
  delete(field: string): boolean {
    if (!this.map.delete(field)) return false;
    this.#fields = null;
    if (this.#cursors !== null && this.#cursors.logging) this.#cursors.noteDelete(field);
    return true;
  }

  /** hashTypeTryConversion: convert when any of argv[start..end] is longer than maxValue. */
  tryConversion(argv: string[], start: number, end: number, maxValue: number): void {
    if (!this.listpack) return;
    for (let i = start; i <= end; i++) {
      if (argv[i].length > maxValue) {
        this.listpack = false;
        return;
      }
    }
  }

  /** The fields in map order, as an array (cached until the next insertion or deletion). */
  fieldArray(): string[] {
    if (this.#fields === null) this.#fields = [...this.map.keys()];
    return this.#fields;
  }

  /**
   * A random field (the hash must not be empty): uniform from the field array when it is cached or
   * the hash is small; for a large hash whose array was invalidated by a write, a rotating
   * iterator advanced by a random 0–31 entries (O(1) amortized, as Db.randomEntry), so that
   * alternating writes and HRANDFIELD never rebuild a large array each time.
   */
  randomField(): string {
    let f = this.#fields;
    if (f === null && this.map.size <= RANDOM_ARRAY_MAX) f = this.fieldArray();
    if (f !== null) return f[Math.floor(Math.random() * f.length)];
    if (this.#randIter === null) this.#randIter = this.map.keys();
    let skip = Math.floor(Math.random() * 32);
    for (;;) {
      const r = this.#randIter.next();
      if (r.done) {
        this.#randIter = this.map.keys();
        continue;
      }
      if (skip-- === 0) return r.value;
    }
  }

  /** One cursor step over the fields (HSCAN of a hash table). */
  scanStep(cursor: bigint, count: number): ScanStep<string> {
    if (this.#cursors === null) this.#cursors = new ScanCursors<string>(HASH_SCAN_LIMIT);
    return this.#cursors.step(cursor, this.map, count);
  }
}
