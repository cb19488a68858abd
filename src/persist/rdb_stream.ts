/**
 * Streams in RDB (rdb.c's OBJ_STREAM case of Redis 7.0): written as RDB_TYPE_STREAM_LISTPACKS_2
 * (19), read from 19 and from the legacy RDB_TYPE_STREAM_LISTPACKS (15, Redis 5 to 6.2).
 *
 *   len(nodes) { string(master ID, 16 bytes big endian) string(listpack) }*
 *   len(length) len(last ms) len(last seq)
 *   [19: len(first ms) len(first seq) len(max-deleted ms) len(max-deleted seq) len(entries-added)]
 *   len(groups) { string(name) len(last ms) len(last seq) [19: len(entries-read, -1 as 2^64-1)]
 *                 len(pel) { raw 16-byte ID, millis(delivery time), len(delivery count) }*
 *                 len(consumers) { string(name) millis(seen time) len(pel) { raw ID }* }* }*
 *
 * Each node of src/types/stream.ts becomes the listpack Redis would hold for it (t_stream.c's
 * layout): the master entry `count deleted num-fields field... 0`, then per entry
 * `flags ms-delta seq-delta [num-fields field value ...| value ...] lp-count` (flags: 1 deleted,
 * 2 same fields as the master). Our nodes split where Redis's do, so DUMP payloads of streams
 * built by the same commands are byte-identical. Groups and consumers are written in rax order
 * (bytewise by name), PELs in ID order.
 *
 * Loading rebuilds the nodes entry by entry (the last node stays open for appends, the others are
 * sealed), with the listpack's byte size as the node's size so later XADDs split as Redis would.
 * Legacy (15) streams get entries-added = length, max-deleted-entry-id 0-0, the first live ID as
 * first ID (UINT64_MAX-UINT64_MAX when empty, as streamGetEdgeID) and each group's entries-read
 * estimated (streamEstimateDistanceFromFirstEverEntry).
 */
import type { RObject } from "../store/db.ts";
import type { RdbReader, RdbTypeCodec, RdbWriter } from "./rdb.ts";
import { FormatError } from "./bytes.ts";
import { ListpackWriter, lpDecodeTyped, type LpValue } from "./listpack.ts";
import {
  Consumer,
  ConsumerGroup,
  type Nack,
  SCG_INVALID_ENTRIES_READ,
  sortedNames,
  StreamNode,
  StreamValue,
} from "../types/stream.ts";
import { ID_MAX, idFromWords, idWord, type StreamID } from "../types/streamid.ts";

const RDB_TYPE_STREAM_LISTPACKS = 15;
const RDB_TYPE_STREAM_LISTPACKS_2 = 19;

const FLAG_DELETED = 1;
const FLAG_SAMEFIELDS = 2;
const TWO32 = 4294967296;
const U64_MAX = 0xffffffffffffffffn;

// ---- writing -------------------------------------------------------------------------------------

/** rdbSaveLen of the u64 hi·2^32 + lo. */
function saveU64(w: RdbWriter, hi: number, lo: number): void {
  if (hi === 0) w.len(lo);
  else w.len64((BigInt(hi) << 32n) | BigInt(lo));
}

function saveIdHalves(w: RdbWriter, id: StreamID): void {
  saveU64(w, idWord(id, 0), idWord(id, 1));
  saveU64(w, idWord(id, 2), idWord(id, 3));
}

/** The int64 delta a - b of two u64s given as words (Redis subtracts in uint64 and casts). */
function delta(aHi: number, aLo: number, bHi: number, bLo: number): number | bigint {
  const d = (aHi - bHi) * TWO32 + (aLo - bLo);
  if (Number.isSafeInteger(d)) return d;
  const a = (BigInt(aHi) << 32n) | BigInt(aLo);
  const b = (BigInt(bHi) << 32n) | BigInt(bLo);
  const v = BigInt.asIntN(64, a - b);
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}

/** The listpack Redis holds for a node. */
export function streamNodeListpack(nd: StreamNode, lp: ListpackWriter): Uint8Array {
  lp.reset();
  const master = nd.master;
  const k = master.length;
  lp.appendInt(nd.live);
  lp.appendInt(nd.n - nd.live);
  lp.appendInt(k);
  for (let j = 0; j < k; j++) lp.append(master[j]);
  lp.appendInt(0);
  const mHi = nd.w(0, 0), mLo = nd.w(0, 1), sHi = nd.w(0, 2), sLo = nd.w(0, 3);
  for (let i = 0; i < nd.n; i++) {
    const same = nd.sameAt(i);
    lp.appendInt((nd.isDeleted(i) ? FLAG_DELETED : 0) | (same ? FLAG_SAMEFIELDS : 0));
    lp.appendInt(i === 0 ? 0 : delta(nd.w(i, 0), nd.w(i, 1), mHi, mLo));
    lp.appendInt(i === 0 ? 0 : delta(nd.w(i, 2), nd.w(i, 3), sHi, sLo));
    const f = nd.fieldsAt(i);
    const nf = f.length >> 1;
    if (same) {
      for (let j = 1; j < f.length; j += 2) lp.append(f[j]);
      lp.appendInt(nf + 3);
    } else {
      lp.appendInt(nf);
      for (let j = 0; j < f.length; j++) lp.append(f[j]);
      lp.appendInt(2 * nf + 4);
    }
  }
  return lp.finish();
}

function savePel(w: RdbWriter, ids: Iterable<StreamID>, nacks: Map<StreamID, Nack> | null): void {
  for (const id of ids) {
    w.str(id);
    if (nacks !== null) {
      const n = nacks.get(id)!;
      w.millis(n.time);
      w.len(n.count);
    }
  }
}

function saveStream(w: RdbWriter, v: RObject): void {
  const s = v as StreamValue;
  w.len(s.nodes.length);
  const lp = new ListpackWriter(4096);
  for (const nd of s.nodes) {
    w.string(nd.idAt(0));
    w.blob(streamNodeListpack(nd, lp));
  }
  w.len(s.length);
  saveIdHalves(w, s.lastId);
  saveIdHalves(w, s.firstId);
  saveIdHalves(w, s.maxDeletedId);
  w.len(s.entriesAdded);
  const groups = s.groups;
  if (groups === null) {
    w.len(0);
    return;
  }
  w.len(groups.size);
  for (const name of sortedNames(groups)) {
    const g = groups.get(name)!;
    w.string(name);
    saveIdHalves(w, g.lastId);
    w.len64(BigInt.asUintN(64, BigInt(g.entriesRead)));
    w.len(g.pel.size);
    savePel(w, g.pel.iter(idFromWords(0, 0, 0, 0)), g.pel.map);
    w.len(g.consumers.size);
    for (const cname of sortedNames(g.consumers)) {
      const c = g.consumers.get(cname)!;
      w.string(cname);
      w.millis(c.seenTime);
      w.len(c.pel.size);
      savePel(w, c.pel.iter(idFromWords(0, 0, 0, 0)), null);
    }
  }
}

// ---- reading -------------------------------------------------------------------------------------

/** rdbLoadLen of a u64 as two u32 words. */
function loadU64(r: RdbReader): [number, number] {
  const v = r.len64();
  if (v < 0x100000000n) return [0, Number(v)];
  return [Number(v >> 32n), Number(v & 0xffffffffn)];
}

function loadId(r: RdbReader): StreamID {
  const [mh, ml] = loadU64(r);
  const [sh, sl] = loadU64(r);
  return idFromWords(mh, ml, sh, sl);
}

function loadMillis(r: RdbReader): number {
  return r.i64();
}

function asInt(v: LpValue | undefined): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  throw new FormatError("Stream listpack integrity check failed.");
}

function asStr(v: LpValue | undefined): string {
  if (typeof v === "string") return v;
  if (v === undefined) throw new FormatError("Stream listpack integrity check failed.");
  return String(v);
}

/** (hi·2^32 + lo + d) mod 2^64 as words into out[at], out[at+1]. */
function addDelta(hi: number, lo: number, d: LpValue, out: number[], at: number): void {
  if (typeof d === "number") {
    const base = hi * TWO32 + lo;
    const r = base + d;
    if (Number.isSafeInteger(base) && Number.isSafeInteger(r) && r >= 0) {
      out[at] = Math.floor(r / TWO32);
      out[at + 1] = r >>> 0;
      return;
    }
  } else if (typeof d !== "bigint") {
    throw new FormatError("Stream listpack integrity check failed.");
  }
  const v = BigInt.asUintN(64, ((BigInt(hi) << 32n) | BigInt(lo)) + BigInt(d));
  out[at] = Number(v >> 32n);
  out[at + 1] = Number(v & 0xffffffffn);
}

/** A node from its master ID and Redis listpack (values checked as streamValidateListpack). */
export function streamNodeFromListpack(key: StreamID, blob: Uint8Array): StreamNode {
  const e = lpDecodeTyped(blob);
  if (e.length === 0) throw new FormatError("Empty listpack inside stream");
  const bad = () => new FormatError("Stream listpack integrity check failed.");
  const count = asInt(e[0]);
  const deleted = asInt(e[1]);
  const k = asInt(e[2]);
  if (k < 0 || 3 + k >= e.length) throw bad();
  const master: string[] = new Array(k);
  for (let j = 0; j < k; j++) master[j] = asStr(e[3 + j]);
  if (e[3 + k] !== 0) throw bad();
  const nd = new StreamNode(master, count + deleted);
  const m = [idWord(key, 0), idWord(key, 1), idWord(key, 2), idWord(key, 3)];
  const words = [0, 0, 0, 0];
  let p = 4 + k;
  let argv: string[] = [];
  let dels = 0;
  while (p < e.length) {
    const flags = asInt(e[p]);
    addDelta(m[0], m[1], e[p + 1], words, 0);
    addDelta(m[2], m[3], e[p + 2], words, 2);
    p += 3;
    const same = (flags & FLAG_SAMEFIELDS) !== 0;
    let nf: number;
    if (same) {
      nf = k;
      if (argv.length !== 2 * k) argv = new Array(2 * k);
      for (let j = 0; j < k; j++) {
        argv[2 * j] = master[j];
        argv[2 * j + 1] = asStr(e[p++]);
      }
    } else {
      nf = asInt(e[p++]);
      if (nf < 0 || p + 2 * nf > e.length) throw bad();
      if (argv.length !== 2 * nf) argv = new Array(2 * nf);
      for (let j = 0; j < 2 * nf; j++) argv[j] = asStr(e[p++]);
    }
    const lpCount = asInt(e[p++]);
    if (lpCount !== (same ? nf + 3 : 2 * nf + 4)) throw bad();
    if (nd.n > 0 && nd.cmp(nd.n - 1, words) >= 0) throw bad();
    nd.append(words, argv, 0, nf, same);
    if (flags & FLAG_DELETED) {
      nd.markDeleted(nd.n - 1);
      dels++;
    }
  }
  if (nd.n === 0 || nd.cmp(0, m) !== 0) throw bad();
  if (dels !== deleted || nd.live !== count) throw bad();
  nd.bytes = blob.length;
  return nd;
}

function loadPelIds(r: RdbReader): StreamID {
  r.need(16);
  const id = String.fromCharCode.apply(
    null,
    r.b.subarray(r.pos, r.pos + 16) as unknown as number[],
  );
  r.pos += 16;
  return id;
}

function loadStream(r: RdbReader, t: number): RObject {
  const s = new StreamValue();
  const nodes = r.len();
  for (let i = 0; i < nodes; i++) {
    const key = r.string();
    if (key.length !== 16) {
      throw new FormatError("Stream node key entry is not the size of a stream ID");
    }
    const nd = streamNodeFromListpack(key, r.stringBytes());
    const prev = s.nodes[s.nodes.length - 1];
    if (prev !== undefined) {
      if (prev.idAt(prev.n - 1) >= key) {
        throw new FormatError("Listpack re-added with existing key");
      }
      prev.seal();
    }
    s.nodes.push(nd);
  }
  s.length = r.len();
  s.lastId = loadId(r);
  if (t === RDB_TYPE_STREAM_LISTPACKS_2) {
    s.firstId = loadId(r);
    s.maxDeletedId = loadId(r);
    s.entriesAdded = r.len();
  } else {
    s.entriesAdded = s.length;
    s.firstId = s.length === 0 ? ID_MAX : s.firstLiveId();
  }
  if (s.length && s.nodes.length === 0) {
    throw new FormatError("Stream length inconsistent with rax entries");
  }
  const ngroups = r.len();
  for (let gi = 0; gi < ngroups; gi++) {
    const name = r.string();
    const lastId = loadId(r);
    let entriesRead: number;
    if (t === RDB_TYPE_STREAM_LISTPACKS_2) {
      const v = r.len64();
      entriesRead = v === U64_MAX ? SCG_INVALID_ENTRIES_READ : Number(v);
    } else entriesRead = s.estimateDistance(lastId);
    if (s.groups === null) s.groups = new Map();
    if (s.groups.has(name)) throw new FormatError(`Duplicated consumer group name ${name}`);
    const g = new ConsumerGroup(lastId, entriesRead);
    s.groups.set(name, g);
    const pel = r.len();
    for (let i = 0; i < pel; i++) {
      const id = loadPelIds(r);
      const time = loadMillis(r);
      const count = r.len();
      if (g.pel.has(id)) {
        throw new FormatError("Duplicated global PEL entry loading stream consumer group");
      }
      g.pel.set(id, { time, count, consumer: null });
    }
    const nc = r.len();
    for (let ci = 0; ci < nc; ci++) {
      const cname = r.string();
      if (g.consumers.has(cname)) throw new FormatError("Duplicate stream consumer detected.");
      const c = new Consumer(cname, loadMillis(r));
      g.consumers.set(cname, c);
      const cp = r.len();
      for (let i = 0; i < cp; i++) {
        const id = loadPelIds(r);
        const nack = g.pel.get(id);
        if (nack === undefined) {
          throw new FormatError("Consumer entry not found in group global PEL");
        }
        if (c.pel.has(id)) {
          throw new FormatError("Duplicated consumer PEL entry  loading a stream consumer group");
        }
        nack.consumer = c;
        c.pel.set(id, nack);
      }
    }
  }
  return s;
}

export const streamRdbCodec: RdbTypeCodec = {
  type: "stream",
  rdbType: () => RDB_TYPE_STREAM_LISTPACKS_2,
  save: saveStream,
  loads: [RDB_TYPE_STREAM_LISTPACKS, RDB_TYPE_STREAM_LISTPACKS_2],
  load: loadStream,
};
