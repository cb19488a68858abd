/**
 * The stream type (Redis's stream.h / t_stream.c data layer), without any client code.
 *
 * Entries live in nodes, as Redis's listpacks in a rax:
 * - a node holds up to `stream-node-max-entries` entries (deleted ones included) and about
 *   `stream-node-max-bytes` bytes, estimated with listpack encoding sizes so that nodes split where
 *   Redis's would (what `XADD/XTRIM ~` and `LIMIT` remove depends on it);
 * - the IDs of a node are unboxed in a Uint32Array, four words per entry (ms high/low, seq
 *   high/low): a seek compares words, never allocates;
 * - the fields of the node's first entry are its "master fields"; an entry with the same field
 *   names stores only its values. The tail node keeps the strings as XADD gave them (appending
 *   copies nothing; reading the newest entries decodes nothing); a node that is full is sealed:
 *   each entry is encoded (a flags char, 1 = same fields, then for other entries a varint field
 *   count, then varint-length-prefixed strings) and the node holds one string plus an offsets
 *   array, so a million entries cost a few thousand JS objects, not millions;
 * - deleted entries (XDEL, exact trims inside a node) are flagged, as in Redis, and a node whose
 *   last live entry is XDELed is dropped.
 *
 * The nodes form an array sorted by first ID: seek is a binary search over nodes, then over the
 * node's IDs (O(log N)); append is O(1) amortised; trimming drops whole nodes from the front
 * (one splice per trim). A B+tree over nodes would make removing a node in the middle (XDEL of its
 * last entry) O(log N) instead of a memmove of N/100 pointers; the memmove is cheap at the sizes
 * we measured (10M entries = 100k nodes).
 *
 * Consumer groups keep their PEL and each consumer's PEL in an `IdIndex` (Map + sorted ID array,
 * deletions at the front O(1)). Groups and consumers are Maps; replies sort their names bytewise
 * as Redis's rax iterates them.
 */
import type { RObject } from "../store/db.ts";
import {
  formatWords,
  ID_MAX,
  ID_MIN,
  idFromWords,
  idToWords,
  idWord,
  type StreamID,
} from "./streamid.ts";

export const SCG_INVALID_ENTRIES_READ = -1;

// ---- entry encoding ---------------------------------------------------------------------------

function putVarint(n: number): string {
  let s = "";
  while (n >= 128) {
    s += String.fromCharCode((n & 127) | 128);
    n = Math.floor(n / 128);
  }
  return s + String.fromCharCode(n);
}

/** Varint at p of s, for lengths of 128 and more (the first byte has its high bit set). */
function readLongLen(s: string, p: number): [number, number] {
  let n = 0, mul = 1;
  for (;;) {
    const c = s.charCodeAt(p++);
    n += (c & 127) * mul;
    if (c < 128) return [n, p];
    mul *= 128;
  }
}

/** Decode an entry string into a flat [field, value, ...] array. */
function decodeEntry(s: string, from: number, master: string[]): string[] {
  let p = from;
  if (s.charCodeAt(p++) === 1) {
    const k = master.length;
    const out = new Array<string>(2 * k);
    for (let i = 0; i < k; i++) {
      let l = s.charCodeAt(p++);
      if (l >= 128) [l, p] = readLongLen(s, p - 1);
      out[2 * i] = master[i];
      out[2 * i + 1] = s.slice(p, p + l);
      p += l;
    }
    return out;
  }
  let k = s.charCodeAt(p++);
  if (k >= 128) [k, p] = readLongLen(s, p - 1);
  const out = new Array<string>(2 * k);
  for (let i = 0; i < 2 * k; i++) {
    let l = s.charCodeAt(p++);
    if (l >= 128) [l, p] = readLongLen(s, p - 1);
    out[i] = s.slice(p, p + l);
    p += l;
  }
  return out;
}

// ---- listpack size estimates (node splitting as Redis does) ------------------------------------

function lpIntSize(v: number): number {
  if (v >= 0 && v <= 127) return 2;
  if (v >= -4096 && v <= 4095) return 3;
  if (v >= -32768 && v <= 32767) return 4;
  if (v >= -8388608 && v <= 8388607) return 5;
  if (v >= -2147483648 && v <= 2147483647) return 6;
  return 10;
}

function lpStrSize(s: string): number {
  const n = s.length;
  // Strings that are canonical int64s are stored as integers.
  if (n > 0 && n <= 18) {
    let i = s.charCodeAt(0) === 45 && n > 1 ? 1 : 0;
    const c0 = s.charCodeAt(i);
    if (c0 === 48 ? n === 1 : c0 >= 49 && c0 <= 57) {
      let v = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i) - 48;
        if (c < 0 || c > 9) break;
        v = v * 10 + c;
      }
      if (i === n) return lpIntSize(s.charCodeAt(0) === 45 ? -v : v);
    }
  }
  const enc = n < 64 ? 1 + n : n < 4096 ? 2 + n : 5 + n;
  return enc + (enc < 128 ? 1 : enc < 16384 ? 2 : enc < 2097152 ? 3 : enc < 268435456 ? 4 : 5);
}

// ---- nodes --------------------------------------------------------------------------------------

const EMPTY_IDS = new Uint32Array(0);

export class StreamNode {
  /** Four u32 words per entry (empty once the node is sealed compact). */
  ids: Uint32Array;
  /**
   * Sealed compact form, when every entry's ms is within 2^32 of the first's and every seq is
   * below 2^32: two words per entry (ms minus the first ms, seq), the first ms in msHi0/msLo0.
   */
  cids: Uint32Array | null = null;
  msHi0 = 0;
  msLo0 = 0;
  /** Entries including deleted ones. */
  n = 0;
  live = 0;
  /** Deleted flags, allocated on the first deletion. */
  del: Uint8Array | null = null;
  master: string[];
  /**
   * Tail node: the entries' strings as given (values only for same-field entries, else fields and
   * values), entry i starting at raw[pos[i] >> 1], pos[i] & 1 = same fields. Encoded when sealed.
   */
  raw: string[] | null = [];
  pos: number[] | null = [];
  /** Sealed node: all entries in one string, entry i at offs[i]..offs[i+1]. */
  blob = "";
  offs: Uint32Array | Uint16Array | null = null;
  /** Estimated listpack bytes (stream-node-max-bytes). */
  bytes = 0;

  constructor(master: string[], cap: number) {
    this.master = master;
    this.ids = new Uint32Array(Math.max(4, cap) * 4);
  }

  /** Word k (0..3: ms high, ms low, seq high, seq low) of entry i. */
  w(i: number, k: number): number {
    const c = this.cids;
    if (c === null) return this.ids[i * 4 + k];
    if (k === 2) return 0;
    if (k === 3) return c[2 * i + 1];
    const lo = this.msLo0 + c[2 * i];
    if (k === 1) return lo >>> 0;
    return this.msHi0 + (lo > 0xffffffff ? 1 : 0);
  }

  isDeleted(i: number): boolean {
    return this.del !== null && this.del[i] === 1;
  }

  idAt(i: number): StreamID {
    return idFromWords(this.w(i, 0), this.w(i, 1), this.w(i, 2), this.w(i, 3));
  }

  formatIdAt(i: number): string {
    return formatWords(this.w(i, 0), this.w(i, 1), this.w(i, 2), this.w(i, 3));
  }

  fieldsAt(i: number): string[] {
    const raw = this.raw;
    if (raw === null) return decodeEntry(this.blob, this.offs![i], this.master);
    const p = this.pos![i];
    const start = p >> 1;
    const end = i + 1 < this.n ? this.pos![i + 1] >> 1 : raw.length;
    if ((p & 1) === 0) return raw.slice(start, end);
    const m = this.master, k = m.length;
    const out = new Array<string>(2 * k);
    for (let j = 0; j < k; j++) {
      out[2 * j] = m[j];
      out[2 * j + 1] = raw[start + j];
    }
    return out;
  }

  /** Entry i has the master's field names (Redis's STREAM_ITEM_FLAG_SAMEFIELDS). */
  sameAt(i: number): boolean {
    return this.raw === null ? this.blob.charCodeAt(this.offs![i]) === 1 : (this.pos![i] & 1) === 1;
  }

  /** Compare entry i with the words of an ID: <0, 0, >0. */
  cmp(i: number, t: Uint32Array | number[]): number {
    const c = this.cids;
    if (c !== null) {
      const lo = this.msLo0 + c[2 * i];
      const hi = this.msHi0 + (lo > 0xffffffff ? 1 : 0);
      return (hi - t[0]) || ((lo >>> 0) - t[1]) || -t[2] || (c[2 * i + 1] - t[3]);
    }
    const a = this.ids, o = i * 4;
    for (let k = 0; k < 4; k++) {
      const d = a[o + k] - t[k];
      if (d !== 0) return d;
    }
    return 0;
  }

  /** First index whose ID is >= t (n when none). */
  lowerBound(t: Uint32Array | number[]): number {
    let lo = 0, hi = this.n;
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if (this.cmp(m, t) < 0) lo = m + 1;
      else hi = m;
    }
    return lo;
  }

  /** Add an entry (argv[from..from+2k)), `same` when its fields are the master fields. */
  append(words: number[], argv: string[], from: number, k: number, same: boolean): void {
    if ((this.n + 1) * 4 > this.ids.length) {
      const a = new Uint32Array(this.ids.length * 2);
      a.set(this.ids);
      this.ids = a;
    }
    const o = this.n * 4;
    this.ids[o] = words[0];
    this.ids[o + 1] = words[1];
    this.ids[o + 2] = words[2];
    this.ids[o + 3] = words[3];
    const raw = this.raw!;
    this.pos!.push(raw.length * 2 + (same ? 1 : 0));
    if (same) { for (let i = 0; i < k; i++) raw.push(argv[from + 2 * i + 1]); }
    else for (let i = 0; i < 2 * k; i++) raw.push(argv[from + i]);
    this.n++;
    this.live++;
  }

  /** Back to raw strings (a sealed tail node that gets more entries). */
  unseal(): void {
    if (this.raw !== null) return;
    if (this.cids !== null) {
      const ids = new Uint32Array(this.n * 4);
      for (let i = 0; i < this.n; i++) for (let k = 0; k < 4; k++) ids[i * 4 + k] = this.w(i, k);
      this.ids = ids;
      this.cids = null;
    }
    const raw: string[] = [], pos: number[] = [];
    for (let i = 0; i < this.n; i++) {
      const same = this.blob.charCodeAt(this.offs![i]) === 1;
      const f = decodeEntry(this.blob, this.offs![i], this.master);
      pos.push(raw.length * 2 + (same ? 1 : 0));
      if (same) { for (let j = 1; j < f.length; j += 2) raw.push(f[j]); }
      else raw.push(...f);
    }
    this.raw = raw;
    this.pos = pos;
    this.blob = "";
    this.offs = null;
  }

  /** Freeze a full node: its entries encoded into one string, IDs array cut to size. */
  seal(): void {
    const raw = this.raw, pos = this.pos;
    if (raw === null || pos === null) return;
    const offs = new Uint32Array(this.n + 1);
    const out: string[] = [];
    let o = 0;
    for (let i = 0; i < this.n; i++) {
      offs[i] = o;
      const start = pos[i] >> 1;
      const end = i + 1 < this.n ? pos[i + 1] >> 1 : raw.length;
      let e = (pos[i] & 1) === 1 ? "\x01" : "\x00" + putVarint((end - start) / 2);
      for (let j = start; j < end; j++) e += putVarint(raw[j].length) + raw[j];
      out.push(e);
      o += e.length;
    }
    offs[this.n] = o;
    this.blob = out.join("");
    this.offs = o <= 0xffff ? Uint16Array.from(offs) : offs;
    this.raw = null;
    this.pos = null;
    this.compactIds();
  }

  /** IDs to two words per entry when they fit (see `cids`), else cut to size. */
  compactIds(): void {
    const a = this.ids, n = this.n;
    const hi0 = a[0], lo0 = a[1];
    let ok = true;
    for (let i = 0; ok && i < n; i++) {
      const o = i * 4;
      const d = (a[o] - hi0) * 4294967296 + (a[o + 1] - lo0);
      ok = a[o + 2] === 0 && d >= 0 && d <= 0xffffffff;
    }
    if (!ok) {
      if (a.length !== n * 4) this.ids = a.slice(0, n * 4);
      return;
    }
    const c = new Uint32Array(2 * n);
    for (let i = 0; i < n; i++) {
      const o = i * 4;
      c[2 * i] = (a[o] - hi0) * 4294967296 + (a[o + 1] - lo0);
      c[2 * i + 1] = a[o + 3];
    }
    this.cids = c;
    this.msHi0 = hi0;
    this.msLo0 = lo0;
    this.ids = EMPTY_IDS;
  }

  markDeleted(i: number): void {
    const cap = Math.max(this.n, this.ids.length / 4);
    if (this.del === null) this.del = new Uint8Array(cap);
    else if (this.del.length < cap) {
      const d = new Uint8Array(cap);
      d.set(this.del);
      this.del = d;
    }
    this.del[i] = 1;
    this.live--;
  }

  /** The last live index, -1 when none. */
  lastLive(): number {
    for (let i = this.n - 1; i >= 0; i--) if (!this.isDeleted(i)) return i;
    return -1;
  }

  firstLive(): number {
    for (let i = 0; i < this.n; i++) if (!this.isDeleted(i)) return i;
    return -1;
  }

  dup(): StreamNode {
    const d = new StreamNode(this.master, 1);
    d.ids = this.ids.slice();
    d.cids = this.cids === null ? null : this.cids.slice();
    d.msHi0 = this.msHi0;
    d.msLo0 = this.msLo0;
    d.n = this.n;
    d.live = this.live;
    d.del = this.del === null ? null : this.del.slice();
    d.raw = this.raw === null ? null : this.raw.slice();
    d.pos = this.pos === null ? null : this.pos.slice();
    d.blob = this.blob;
    d.offs = this.offs;
    d.bytes = this.bytes;
    return d;
  }

  /** Approximate heap bytes (MEMORY USAGE). */
  memory(): number {
    let m = 120 + this.ids.byteLength + (this.cids?.byteLength ?? 0) + (this.del?.byteLength ?? 0) +
      16 * this.master.length;
    for (const f of this.master) m += f.length;
    if (this.raw !== null) {
      m += 8 * (this.raw.length + this.n);
      for (const p of this.raw) m += 16 + ((p.length + 7) & ~7);
    } else m += this.blob.length + 16 + this.offs!.byteLength;
    return m;
  }
}

// ---- consumer groups ----------------------------------------------------------------------------

/**
 * A sorted map keyed by stream ID: a Map for lookups and a sorted array of IDs for ranges.
 * Deliveries append (IDs grow); a deletion only removes the Map entry and leaves a tombstone in
 * the array, dropped at once from either end and by a compaction when tombstones are more than
 * half the array: so XACK in any order is O(1) amortised. Inserting below the last ID (a group
 * moved back by XGROUP SETID, XCLAIM FORCE of an old entry) revives a tombstone or splices.
 */
export class IdIndex<V> {
  readonly map = new Map<StreamID, V>();
  #keys: StreamID[] = [];
  #head = 0;
  /** Tombstones in #keys[#head..]. */
  #dead = 0;

  get size(): number {
    return this.map.size;
  }

  get(id: StreamID): V | undefined {
    return this.map.get(id);
  }

  has(id: StreamID): boolean {
    return this.map.has(id);
  }

  /** Insert or replace. */
  set(id: StreamID, v: V): void {
    if (this.map.has(id)) {
      this.map.set(id, v);
      return;
    }
    this.map.set(id, v);
    const k = this.#keys;
    if (k.length === this.#head || k[k.length - 1] < id) {
      k.push(id);
      return;
    }
    const i = this.#lowerBound(id);
    if (i < k.length && k[i] === id) this.#dead--; // a tombstone comes back to life
    else k.splice(i, 0, id);
  }

  delete(id: StreamID): boolean {
    if (!this.map.delete(id)) return false;
    this.#dead++;
    const k = this.#keys, m = this.map;
    while (this.#head < k.length && !m.has(k[this.#head])) {
      this.#head++;
      this.#dead--;
    }
    while (k.length > this.#head && !m.has(k[k.length - 1])) {
      k.pop();
      this.#dead--;
    }
    if (this.#head === k.length) {
      this.#keys = [];
      this.#head = 0;
      this.#dead = 0;
    } else if (this.#head + this.#dead > 1024 && (this.#head + this.#dead) * 2 > k.length) {
      this.#keys = k.slice(this.#head).filter((x) => m.has(x));
      this.#head = 0;
      this.#dead = 0;
    }
    return true;
  }

  #lowerBound(id: StreamID): number {
    const k = this.#keys;
    let lo = this.#head, hi = k.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (k[mid] < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Live IDs from `from` to `to` (inclusive), in order, lazily. */
  *iter(from: StreamID, to: StreamID = ID_MAX): Generator<StreamID> {
    const k = this.#keys;
    for (let i = this.#lowerBound(from); i < k.length; i++) {
      const id = k[i];
      if (id > to) return;
      if (this.map.has(id)) yield id;
    }
  }

  /** IDs >= from (and <= to), in order, at most `count` (0 = all). A snapshot. */
  range(from: StreamID, to: StreamID = ID_MAX, count = 0): StreamID[] {
    const out: StreamID[] = [];
    for (const id of this.iter(from, to)) {
      out.push(id);
      if (count !== 0 && out.length === count) break;
    }
    return out;
  }

  /** The first live ID >= from, undefined when none. */
  seek(from: StreamID): StreamID | undefined {
    const k = this.#keys;
    for (let i = this.#lowerBound(from); i < k.length; i++) if (this.map.has(k[i])) return k[i];
    return undefined;
  }

  first(): StreamID | undefined {
    return this.size === 0 ? undefined : this.#keys[this.#head];
  }

  last(): StreamID | undefined {
    return this.size === 0 ? undefined : this.#keys[this.#keys.length - 1];
  }

  *entries(): Generator<[StreamID, V]> {
    for (const id of this.iter(ID_MIN)) yield [id, this.map.get(id)!];
  }
}

/** A pending entry (streamNACK). */
export interface Nack {
  time: number;
  count: number;
  consumer: Consumer | null;
}

export class Consumer {
  name: string;
  seenTime: number;
  pel = new IdIndex<Nack>();
  constructor(name: string, seenTime: number) {
    this.name = name;
    this.seenTime = seenTime;
  }
}

export class ConsumerGroup {
  lastId: StreamID;
  entriesRead: number;
  pel = new IdIndex<Nack>();
  consumers = new Map<string, Consumer>();
  constructor(lastId: StreamID, entriesRead: number) {
    this.lastId = lastId;
    this.entriesRead = entriesRead;
  }

  /** streamDelConsumer: its pending entries leave the group PEL too. */
  deleteConsumer(cons: Consumer): void {
    for (const id of cons.pel.map.keys()) this.pel.delete(id);
    this.consumers.delete(cons.name);
  }

  dup(): ConsumerGroup {
    const g = new ConsumerGroup(this.lastId, this.entriesRead);
    const map = new Map<Consumer, Consumer>();
    for (const [name, c] of this.consumers) {
      const nc = new Consumer(name, c.seenTime);
      map.set(c, nc);
      g.consumers.set(name, nc);
    }
    for (const [id, n] of this.pel.entries()) {
      const nn: Nack = {
        time: n.time,
        count: n.count,
        consumer: n.consumer ? map.get(n.consumer)! : null,
      };
      g.pel.set(id, nn);
      nn.consumer?.pel.set(id, nn);
    }
    return g;
  }
}

/** Names in Redis's rax order (bytewise). */
export function sortedNames<V>(m: Map<string, V>): string[] {
  return [...m.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

// ---- the stream ---------------------------------------------------------------------------------

export interface NodeLimits {
  maxEntries: number;
  maxBytes: number;
}

export interface TrimArgs {
  strategy: "maxlen" | "minid";
  maxlen: number;
  minid: StreamID;
  approx: boolean;
  /** 0 = no limit. */
  limit: number;
}

const LISTPACK_MAX = 1 << 30;

/** A cursor over the entries of a range, forward or backward, skipping deleted entries. */
export class StreamIterator {
  #s: StreamValue;
  #rev: boolean;
  #start: number[];
  #end: number[];
  #ni: number;
  #i = 0;
  #done = false;
  node!: StreamNode;
  index = 0;

  constructor(s: StreamValue, start: StreamID, end: StreamID, rev: boolean) {
    this.#s = s;
    this.#rev = rev;
    this.#start = [0, 0, 0, 0];
    this.#end = [0, 0, 0, 0];
    idToWords(start, this.#start, 0);
    idToWords(end, this.#end, 0);
    const nodes = s.nodes;
    if (!rev) {
      this.#ni = Math.max(0, s.nodeFor(this.#start));
      this.#i = this.#ni < nodes.length ? nodes[this.#ni].lowerBound(this.#start) : 0;
    } else {
      this.#ni = s.nodeFor(this.#end);
      if (this.#ni < 0) this.#done = true;
      else {
        const nd = nodes[this.#ni];
        let i = nd.lowerBound(this.#end);
        if (i === nd.n || nd.cmp(i, this.#end) > 0) i--;
        this.#i = i;
      }
    }
  }

  /** Advance to the next live entry in range; false at the end. */
  next(): boolean {
    if (this.#done) return false;
    const nodes = this.#s.nodes;
    if (!this.#rev) {
      for (;;) {
        if (this.#ni >= nodes.length) break;
        const nd = nodes[this.#ni];
        if (this.#i >= nd.n) {
          this.#ni++;
          this.#i = 0;
          continue;
        }
        const i = this.#i++;
        if (nd.cmp(i, this.#end) > 0) break;
        if (nd.isDeleted(i)) continue;
        this.node = nd;
        this.index = i;
        return true;
      }
    } else {
      for (;;) {
        if (this.#ni < 0) break;
        const nd = nodes[this.#ni];
        if (this.#i < 0) {
          this.#ni--;
          if (this.#ni >= 0) this.#i = nodes[this.#ni].n - 1;
          continue;
        }
        const i = this.#i--;
        if (nd.cmp(i, this.#start) < 0) break;
        if (nd.isDeleted(i)) continue;
        this.node = nd;
        this.index = i;
        return true;
      }
    }
    this.#done = true;
    return false;
  }

  id(): StreamID {
    return this.node.idAt(this.index);
  }

  formatId(): string {
    return this.node.formatIdAt(this.index);
  }

  fields(): string[] {
    return this.node.fieldsAt(this.index);
  }
}

export class StreamValue implements RObject {
  readonly type = "stream";
  nodes: StreamNode[] = [];
  length = 0;
  lastId: StreamID = ID_MIN;
  firstId: StreamID = ID_MIN;
  maxDeletedId: StreamID = ID_MIN;
  entriesAdded = 0;
  groups: Map<string, ConsumerGroup> | null = null;

  encoding(): string {
    return "stream";
  }

  dup(): StreamValue {
    const s = new StreamValue();
    s.nodes = this.nodes.map((n) => n.dup());
    s.length = this.length;
    s.lastId = this.lastId;
    s.firstId = this.firstId;
    s.maxDeletedId = this.maxDeletedId;
    s.entriesAdded = this.entriesAdded;
    if (this.groups !== null) {
      s.groups = new Map();
      for (const [name, g] of this.groups) s.groups.set(name, g.dup());
    }
    return s;
  }

  /** Index of the last node whose first ID <= t; -1 when t precedes every node. */
  nodeFor(t: Uint32Array | number[]): number {
    const nodes = this.nodes;
    let lo = 0, hi = nodes.length - 1, ans = -1;
    while (lo <= hi) {
      const m = (lo + hi) >>> 1;
      if (nodes[m].cmp(0, t) <= 0) {
        ans = m;
        lo = m + 1;
      } else hi = m - 1;
    }
    return ans;
  }

  /**
   * streamAppendItem with the ID already chosen and checked (> lastId): the fields/values are
   * argv[from..from+2k). Returns false when the entry is too large (listpack limit).
   */
  append(id: StreamID, argv: string[], from: number, k: number, lim: NodeLimits): boolean {
    let tot = 0;
    for (let i = 0; i < 2 * k; i++) tot += argv[from + i].length;
    if (tot > LISTPACK_MAX) return false;
    const words = [idWord(id, 0), idWord(id, 1), idWord(id, 2), idWord(id, 3)];
    let nd: StreamNode | undefined = this.nodes[this.nodes.length - 1];
    if (nd !== undefined) {
      const maxBytes = lim.maxBytes === 0 || lim.maxBytes > LISTPACK_MAX
        ? LISTPACK_MAX
        : lim.maxBytes;
      if (
        nd.bytes + tot >= maxBytes || (lim.maxEntries !== 0 && nd.n >= lim.maxEntries)
      ) {
        nd.seal();
        nd = undefined;
      }
    }
    if (nd === undefined) {
      const master: string[] = [];
      for (let i = 0; i < k; i++) master.push(argv[from + 2 * i]);
      const cap = lim.maxEntries > 0 ? Math.min(lim.maxEntries, 16) : 16;
      nd = new StreamNode(master, cap);
      let b = 7 + 2 + 2 + lpIntSize(k) + 2;
      for (const f of master) b += lpStrSize(f);
      nd.bytes = b;
      this.nodes.push(nd);
    }
    nd.unseal();
    let same = k === nd.master.length;
    for (let i = 0; same && i < k; i++) same = argv[from + 2 * i] === nd.master[i];
    // Listpack size of the entry: flags, ms and seq deltas, [count, fields], values, lp-count.
    const o = 0;
    const msDelta = (words[0] - nd.ids[o]) * 4294967296 + (words[1] - nd.ids[o + 1]);
    const seqDelta = (words[2] - nd.ids[o + 2]) * 4294967296 + (words[3] - nd.ids[o + 3]);
    let b = 2 + (nd.n === 0 ? 2 : lpIntSize(msDelta)) + (nd.n === 0 ? 2 : lpIntSize(seqDelta));
    if (!same) b += lpIntSize(k);
    for (let i = 0; i < k; i++) {
      if (!same) b += lpStrSize(argv[from + 2 * i]);
      b += lpStrSize(argv[from + 2 * i + 1]);
    }
    b += lpIntSize(same ? k + 3 : 2 * k + 4);
    nd.bytes += b;
    nd.append(words, argv, from, k, same);
    this.length++;
    this.entriesAdded++;
    this.lastId = id;
    if (this.length === 1) this.firstId = id;
    return true;
  }

  /** Position of a live entry with this ID, or null. */
  find(id: StreamID): { node: number; index: number } | null {
    const t = [idWord(id, 0), idWord(id, 1), idWord(id, 2), idWord(id, 3)];
    const ni = this.nodeFor(t);
    if (ni < 0) return null;
    const nd = this.nodes[ni];
    const i = nd.lowerBound(t);
    if (i === nd.n || nd.cmp(i, t) !== 0 || nd.isDeleted(i)) return null;
    return { node: ni, index: i };
  }

  exists(id: StreamID): boolean {
    return this.find(id) !== null;
  }

  /** Fields of a live entry, or null. */
  get(id: StreamID): string[] | null {
    const p = this.find(id);
    return p === null ? null : this.nodes[p.node].fieldsAt(p.index);
  }

  /** streamDeleteItem (without first-ID/max-deleted bookkeeping): true when it existed. */
  deleteEntry(id: StreamID): boolean {
    const p = this.find(id);
    if (p === null) return false;
    const nd = this.nodes[p.node];
    if (nd.live === 1) this.nodes.splice(p.node, 1);
    else nd.markDeleted(p.index);
    this.length--;
    return true;
  }

  /** XDEL of one ID with Redis's first-ID and max-deleted-entry-id updates. */
  xdel(ids: StreamID[]): number {
    let deleted = 0, firstEntry = false;
    for (const id of ids) {
      if (!this.deleteEntry(id)) continue;
      if (id === this.firstId) firstEntry = true;
      if (id > this.maxDeletedId) this.maxDeletedId = id;
      deleted++;
    }
    if (deleted) {
      if (this.length === 0) this.firstId = ID_MIN;
      else if (firstEntry) this.firstId = this.firstLiveId();
    }
    return deleted;
  }

  firstLiveId(): StreamID {
    for (const nd of this.nodes) {
      const i = nd.firstLive();
      if (i >= 0) return nd.idAt(i);
    }
    return ID_MIN;
  }

  /** streamLastValidID: the last live entry's ID (lastId when the stream is empty). */
  lastLiveId(): StreamID {
    for (let k = this.nodes.length - 1; k >= 0; k--) {
      const i = this.nodes[k].lastLive();
      if (i >= 0) return this.nodes[k].idAt(i);
    }
    return this.lastId;
  }

  /** streamTrim: returns the number of entries removed. */
  trim(a: TrimArgs): number {
    let deleted = 0;
    const minW = [0, 0, 0, 0];
    idToWords(a.minid, minW, 0);
    let drop = 0;
    const nodes = this.nodes;
    while (drop < nodes.length) {
      if (a.strategy === "maxlen" && this.length <= a.maxlen) break;
      const nd = nodes[drop];
      const entries = nd.live;
      if (a.limit && deleted + entries > a.limit) break;
      const remove = a.strategy === "maxlen"
        ? this.length - entries >= a.maxlen
        : nd.cmp(nd.n - 1, minW) < 0;
      if (remove) {
        drop++;
        this.length -= entries;
        deleted += entries;
        continue;
      }
      if (a.approx) break;
      for (let i = 0; i < nd.n; i++) {
        const stop = a.strategy === "maxlen" ? this.length <= a.maxlen : nd.cmp(i, minW) >= 0;
        if (stop) break;
        if (!nd.isDeleted(i)) {
          nd.markDeleted(i);
          this.length--;
          deleted++;
        }
      }
      break;
    }
    if (drop) nodes.splice(0, drop);
    if (this.length === 0) this.firstId = ID_MIN;
    else if (deleted) this.firstId = this.firstLiveId();
    return deleted;
  }

  iterator(start: StreamID, end: StreamID, rev = false): StreamIterator {
    return new StreamIterator(this, start, end, rev);
  }

  /** Does [start, end] contain the max deleted ID (streamRangeHasTombstones)? */
  rangeHasTombstones(start: StreamID, end: StreamID = ID_MAX): boolean {
    if (this.length === 0 || this.maxDeletedId === ID_MIN) return false;
    if (this.firstId > this.maxDeletedId) return false;
    return start <= this.maxDeletedId && this.maxDeletedId <= end;
  }

  /** streamEstimateDistanceFromFirstEverEntry; SCG_INVALID_ENTRIES_READ when unknown. */
  estimateDistance(id: StreamID): number {
    if (!this.entriesAdded) return 0;
    if (!this.length && id <= this.lastId) return this.entriesAdded;
    if (id === this.lastId) return this.entriesAdded;
    if (id > this.lastId) return SCG_INVALID_ENTRIES_READ;
    if (this.maxDeletedId === ID_MIN || this.maxDeletedId < this.firstId) {
      if (id < this.firstId) return this.entriesAdded - this.length;
      if (id === this.firstId) return this.entriesAdded - this.length + 1;
    }
    return SCG_INVALID_ENTRIES_READ;
  }

  /** A group's lag (streamReplyWithCGLag); null when it cannot be known. */
  groupLag(g: ConsumerGroup): number | null {
    if (!this.entriesAdded) return 0;
    if (g.entriesRead !== SCG_INVALID_ENTRIES_READ && !this.rangeHasTombstones(g.lastId)) {
      return this.entriesAdded - g.entriesRead;
    }
    const er = this.estimateDistance(g.lastId);
    return er !== SCG_INVALID_ENTRIES_READ ? this.entriesAdded - er : null;
  }

  /** The group read `id` (streamReplyWithRange's group bookkeeping). */
  groupAdvance(g: ConsumerGroup, id: StreamID): void {
    if (id <= g.lastId) return;
    if (g.entriesRead !== SCG_INVALID_ENTRIES_READ && !this.rangeHasTombstones(id)) {
      g.entriesRead++;
    } else if (this.entriesAdded) {
      g.entriesRead = this.estimateDistance(id);
    }
    g.lastId = id;
  }

  /** Approximate heap bytes (MEMORY USAGE; samples nodes like Redis). */
  memory(samples: number): number {
    let m = 200;
    const n = this.nodes.length;
    if (n) {
      const k = samples === 0 ? n : Math.min(n, samples);
      let sum = 0;
      for (let i = 0; i < k; i++) sum += this.nodes[i].memory();
      m += (sum / k) * n + 8 * n;
    }
    if (this.groups !== null) {
      for (const [name, g] of this.groups) {
        m += 200 + name.length + g.pel.size * 120;
        for (const c of g.consumers.values()) m += 150 + c.name.length + c.pel.size * 40;
      }
    }
    return Math.round(m);
  }
}
