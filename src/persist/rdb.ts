/**
 * The RDB object encoding of Redis 7.0 (rdb.c, RDB version 10), shared by DUMP/RESTORE and the
 * RDB file writer/reader (src/persist/rdb_file.ts).
 *
 * Writing picks what Redis 7.0.15 picks for the same value:
 * - strings: an integer encoding (INT8/16/32) for canonical decimals of at most 11 chars that fit
 *   in int32; LZF (rdbcompression) for longer than 20 bytes when it saves at least 4 bytes; raw
 *   otherwise;
 * - lists: RDB_TYPE_LIST_QUICKLIST_2, listpack nodes split as pushes to the tail split them
 *   (list-max-listpack-size);
 * - hashes: listpack while the hash is "listpack" (HashObject.listpack), else a field/value table;
 * - sets: intset while the set is an intset, else the member table;
 * - zsets: listpack while small, else RDB_TYPE_ZSET_2 (binary doubles, highest score first).
 * Reading accepts every type Redis 7.0 loads: the above plus ziplist/zipmap encodings, quicklist
 * 1, linked lists, RDB_TYPE_ZSET (string scores), and the registered extra types (streams, module
 * types) through `registerRdbType`/`registerModuleType`.
 *
 * Loaded objects get the encoding Redis would give them under the current thresholds (a listpack
 * hash over hash-max-listpack-entries becomes a hashtable, a small ZSET_2 a listpack, ...).
 */
import { RawString } from "../types/rawstring.ts";
import type { RObject, RValue } from "../store/db.ts";
import { ListValue } from "../types/list.ts";
import { HashObject } from "../types/hash.ts";
import { isIntMember, SetObject } from "../types/set.ts";
import { ZSet } from "../types/zset.ts";
import { parseI64 } from "../commands/args.ts";
import { formatG } from "../protocol/reply.ts";
import { bytesToStr, ByteWriter, FormatError, strToBytes } from "./bytes.ts";
import { lzfCompress, lzfDecompress, lzfDecompressInto } from "./lzf.ts";
import { ListpackWriter, lpDecode } from "./listpack.ts";
import { intsetDecode, intsetEncode } from "./intset.ts";
import { ziplistDecode, zipmapDecode } from "./ziplist.ts";
import { crc64Bytes, crc64Init, crc64Update } from "./crc64.ts";
import { streamRdbCodec } from "./rdb_stream.ts";

export const RDB_VERSION = 10;

export const RDB_TYPE_STRING = 0;
export const RDB_TYPE_LIST = 1;
export const RDB_TYPE_SET = 2;
export const RDB_TYPE_ZSET = 3;
export const RDB_TYPE_HASH = 4;
export const RDB_TYPE_ZSET_2 = 5;
export const RDB_TYPE_MODULE = 6;
export const RDB_TYPE_MODULE_2 = 7;
export const RDB_TYPE_HASH_ZIPMAP = 9;
export const RDB_TYPE_LIST_ZIPLIST = 10;
export const RDB_TYPE_SET_INTSET = 11;
export const RDB_TYPE_ZSET_ZIPLIST = 12;
export const RDB_TYPE_HASH_ZIPLIST = 13;
export const RDB_TYPE_LIST_QUICKLIST = 14;
export const RDB_TYPE_STREAM_LISTPACKS = 15;
export const RDB_TYPE_HASH_LISTPACK = 16;
export const RDB_TYPE_ZSET_LISTPACK = 17;
export const RDB_TYPE_LIST_QUICKLIST_2 = 18;
export const RDB_TYPE_STREAM_LISTPACKS_2 = 19;

export const RDB_OPCODE_FUNCTION2 = 245;
export const RDB_OPCODE_FUNCTION = 246;
export const RDB_OPCODE_MODULE_AUX = 247;
export const RDB_OPCODE_IDLE = 248;
export const RDB_OPCODE_FREQ = 249;
export const RDB_OPCODE_AUX = 250;
export const RDB_OPCODE_RESIZEDB = 251;
export const RDB_OPCODE_EXPIRETIME_MS = 252;
export const RDB_OPCODE_EXPIRETIME = 253;
export const RDB_OPCODE_SELECTDB = 254;
export const RDB_OPCODE_EOF = 255;

const RDB_ENC_INT8 = 0;
const RDB_ENC_INT16 = 1;
const RDB_ENC_INT32 = 2;
const RDB_ENC_LZF = 3;

const QUICKLIST_NODE_CONTAINER_PLAIN = 1;
const QUICKLIST_NODE_CONTAINER_PACKED = 2;

/** The quicklist size classes of list-max-listpack-size -1 .. -5 (bytes per node). */
const OPTIMIZATION_LEVEL = [4096, 8192, 16384, 32768, 65536];
const SIZE_SAFETY_LIMIT = 8192;
const SIZE_ESTIMATE_OVERHEAD = 8;
/** Elements at least this large get a PLAIN quicklist node (packed_threshold). */
const PACKED_THRESHOLD = 1 << 30;

/** Encoding thresholds in force (from the config), for writing lists and loading objects. */
export interface ObjLimits {
  listFill: number;
  hashMaxEntries: number;
  hashMaxValue: number;
  setMaxIntset: number;
  zsetMaxEntries: number;
  zsetMaxValue: number;
}

export const DEFAULT_LIMITS: ObjLimits = {
  listFill: -2,
  hashMaxEntries: 512,
  hashMaxValue: 64,
  setMaxIntset: 512,
  zsetMaxEntries: 128,
  zsetMaxValue: 64,
};

export interface SaveOptions {
  compress: boolean;
  limits: ObjLimits;
}

// ---- extension points: streams and module types ------------------------------------------------

/**
 * An extra value type (streams, later types): how to write it and which RDB types it reads.
 * `save` writes the type byte's payload and returns nothing; `rdbType` is the type byte to write.
 */
export interface RdbTypeCodec {
  /** The RObject `type` this codec saves ("stream"). */
  type: string;
  /** The RDB type byte written for a value (may depend on it). */
  rdbType(v: RObject): number;
  save(w: RdbWriter, v: RObject): void;
  /** RDB type bytes this codec loads. */
  loads: number[];
  load(r: RdbReader, rdbType: number): RObject;
}

const codecsByType = new Map<string, RdbTypeCodec>();
const codecsByRdbType = new Map<number, RdbTypeCodec>();

/** Register a value type with the RDB codec (streams: RDB types 15 and 19, rdb_stream.ts). */
export function registerRdbType(c: RdbTypeCodec): void {
  codecsByType.set(c.type, c);
  for (const t of c.loads) codecsByRdbType.set(t, c);
}

registerRdbType(streamRdbCodec);

/**
 * A module data type (RDB_TYPE_MODULE_2): a 9-character name from Redis's charset and an
 * encoding version (0-1023) make the 64-bit module id. `save` writes module opcodes through the
 * writer helpers (saveModuleUnsigned, ...); `load` reads them back.
 */
export interface ModuleType {
  name: string;
  encver: number;
  /** The RObject `type` of values of this module type. */
  type: string;
  save(w: RdbWriter, v: RObject): void;
  load(r: RdbReader, encver: number): RObject;
}

const MODULE_CHARSET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const modulesByName = new Map<string, ModuleType>();
const modulesByType = new Map<string, ModuleType>();

export function registerModuleType(m: ModuleType): void {
  if (m.name.length !== 9 || [...m.name].some((ch) => !MODULE_CHARSET.includes(ch))) {
    throw new Error(`bad module type name ${m.name}`);
  }
  modulesByName.set(m.name, m);
  modulesByType.set(m.type, m);
}

/** moduleTypeEncodeId: 54 bits of name (6 per char, first char highest) and 10 bits of version. */
export function moduleTypeId(name: string, encver: number): bigint {
  let id = 0n;
  for (let i = 0; i < 9; i++) id = (id << 6n) | BigInt(MODULE_CHARSET.indexOf(name[i]));
  return (id << 10n) | BigInt(encver & 1023);
}

export function moduleTypeName(id: bigint): string {
  let name = "";
  let v = id >> 10n;
  for (let i = 0; i < 9; i++) {
    name = MODULE_CHARSET[Number(v & 63n)] + name;
    v >>= 6n;
  }
  return name;
}

export const RDB_MODULE_OPCODE_EOF = 0;
export const RDB_MODULE_OPCODE_SINT = 1;
export const RDB_MODULE_OPCODE_UINT = 2;
export const RDB_MODULE_OPCODE_FLOAT = 3;
export const RDB_MODULE_OPCODE_DOUBLE = 4;
export const RDB_MODULE_OPCODE_STRING = 5;

// ---- writing -----------------------------------------------------------------------------------

/** Bytes of the string being compressed (reused). */
let strScratch = new Uint8Array(1024);

/** Writes RDB primitives and objects into a growable buffer. */
export class RdbWriter extends ByteWriter {
  opts: SaveOptions;

  constructor(opts: SaveOptions, cap = 256) {
    super(cap);
    this.opts = opts;
  }

  /** rdbSaveLen: 6-bit, 14-bit, 32-bit or 64-bit big-endian length. */
  len(n: number): void {
    if (n < 64) this.u8(n);
    else if (n < 16384) {
      this.u8(0x40 | (n >> 8));
      this.u8(n & 0xff);
    } else if (n <= 0xffffffff) {
      this.u8(0x80);
      this.u32be(n);
    } else {
      this.u8(0x81);
      this.u64be(n);
    }
  }

  /** rdbSaveLen of a full 64-bit value (module type ids). */
  len64(n: bigint): void {
    if (n <= 0xffffffffn) this.len(Number(n));
    else {
      this.u8(0x81);
      this.u64be(n);
    }
  }

  /** rdbSaveRawString of a binary string (integer encoding, LZF or raw). */
  string(s: string): void {
    const n = s.length;
    if (n <= 11 && n > 0) {
      const v = parseI64(s);
      if (v !== null && typeof v === "number" && v >= -2147483648 && v <= 2147483647) {
        if (v >= -128 && v <= 127) {
          this.u8(0xc0 | RDB_ENC_INT8);
          this.u8(v & 0xff);
        } else if (v >= -32768 && v <= 32767) {
          this.u8(0xc0 | RDB_ENC_INT16);
          this.u16le(v & 0xffff);
        } else {
          this.u8(0xc0 | RDB_ENC_INT32);
          this.u32le(v >>> 0);
        }
        return;
      }
    }
    if (this.opts.compress && n > 20) {
      if (strScratch.length < n) strScratch = new Uint8Array(Math.max(n, strScratch.length * 2));
      const b = strScratch;
      for (let i = 0; i < n; i++) b[i] = s.charCodeAt(i);
      this.#lzfOrRaw(b.subarray(0, n));
      return;
    }
    this.len(n);
    this.str(s);
  }

  /** rdbSaveRawString of bytes (listpack/intset blobs): LZF when it helps, else raw. */
  blob(b: Uint8Array): void {
    if (this.opts.compress && b.length > 20) this.#lzfOrRaw(b);
    else {
      this.len(b.length);
      this.bytes(b);
    }
  }

  #lzfOrRaw(b: Uint8Array): void {
    const c = b.length <= 4 ? null : lzfCompress(b, b.length - 4);
    if (c === null) {
      this.len(b.length);
      this.bytes(b);
      return;
    }
    this.u8(0xc0 | RDB_ENC_LZF);
    this.len(c.length);
    this.len(b.length);
    this.bytes(c);
  }

  /** rdbSaveMillisecondTime / 8-byte little-endian integer. */
  millis(ms: number): void {
    this.i64le(BigInt(Math.trunc(ms)));
  }

  moduleUnsigned(v: number | bigint): void {
    this.len(RDB_MODULE_OPCODE_UINT);
    this.len(Number(v));
  }

  moduleString(s: string): void {
    this.len(RDB_MODULE_OPCODE_STRING);
    this.string(s);
  }

  moduleDouble(d: number): void {
    this.len(RDB_MODULE_OPCODE_DOUBLE);
    this.f64le(d);
  }
}

/** rdbSaveObjectType: the type byte of a value. */
export function rdbObjectType(v: RValue): number {
  if (typeof v === "string" || v instanceof RawString) return RDB_TYPE_STRING;
  if (v instanceof ListValue) return RDB_TYPE_LIST_QUICKLIST_2;
  if (v instanceof HashObject) return v.listpack ? RDB_TYPE_HASH_LISTPACK : RDB_TYPE_HASH;
  if (v instanceof SetObject) return v.isIntset ? RDB_TYPE_SET_INTSET : RDB_TYPE_SET;
  if (v instanceof ZSet) return v.listpack ? RDB_TYPE_ZSET_LISTPACK : RDB_TYPE_ZSET_2;
  const codec = codecsByType.get(v.type);
  if (codec) return codec.rdbType(v);
  if (modulesByType.has(v.type)) return RDB_TYPE_MODULE_2;
  throw new Error(`no RDB encoding for type ${v.type}`);
}

/** zzlInsertAt's score text: integers (within ±2^62) as integers, else d2string (%.17g). */
function zsetScoreText(d: number): string {
  if (Number.isInteger(d) && Math.abs(d) <= 4611686018427387903) {
    return Object.is(d, -0) ? "0" : BigInt(d).toString();
  }
  if (d === Infinity) return "inf";
  if (d === -Infinity) return "-inf";
  if (Number.isNaN(d)) return "nan";
  return formatG(d, 17);
}

/** rdbSaveObjectType + rdbSaveObject. */
export function rdbSaveTypedObject(w: RdbWriter, v: RValue): void {
  const t = rdbObjectType(v);
  w.u8(t);
  rdbSaveObject(w, v, t);
}

export function rdbSaveObject(w: RdbWriter, v: RValue, t: number): void {
  if (typeof v === "string") {
    w.string(v);
    return;
  }
  if (v instanceof RawString) {
    // A string changed in place: its bytes as they are (no JS string made or cached) past the
    // length where the integer encodings apply.
    if (v.b !== null && v.len > 11) w.blob(v.b.subarray(0, v.len));
    else w.string(v.toString());
    return;
  }
  switch (t) {
    case RDB_TYPE_LIST_QUICKLIST_2:
      saveList(w, v as ListValue);
      return;
    case RDB_TYPE_HASH_LISTPACK: {
      const lp = new ListpackWriter();
      for (const [f, val] of (v as HashObject).map) {
        lp.append(f);
        lp.append(val);
      }
      w.blob(lp.finish());
      return;
    }
    case RDB_TYPE_HASH: {
      const h = v as HashObject;
      w.len(h.map.size);
      for (const [f, val] of h.map) {
        w.string(f);
        w.string(val);
      }
      return;
    }
    case RDB_TYPE_SET_INTSET:
      w.blob(intsetEncode((v as SetObject).sorted()));
      return;
    case RDB_TYPE_SET: {
      const s = v as SetObject;
      w.len(s.size);
      for (const m of s.members) w.string(m);
      return;
    }
    case RDB_TYPE_ZSET_LISTPACK: {
      const lp = new ListpackWriter();
      (v as ZSet).forEach((m, sc) => {
        lp.append(m);
        lp.append(zsetScoreText(sc));
      });
      w.blob(lp.finish());
      return;
    }
    case RDB_TYPE_ZSET_2: {
      const z = v as ZSet;
      w.len(z.size);
      z.walk(z.size - 1, true, (m, sc) => {
        w.string(m);
        w.f64le(sc);
        return true;
      });
      return;
    }
    case RDB_TYPE_MODULE_2: {
      const m = modulesByType.get(v.type)!;
      w.len64(moduleTypeId(m.name, m.encver));
      m.save(w, v);
      w.len(RDB_MODULE_OPCODE_EOF);
      return;
    }
    default: {
      const codec = codecsByType.get(v.type);
      if (!codec) throw new Error(`no RDB encoding for type ${v.type}`);
      codec.save(w, v);
    }
  }
}

/** Does a node of `bytes` bytes and `count` entries take one more element of `sz` bytes? */
function nodeAllowInsert(bytes: number, count: number, fill: number, sz: number): boolean {
  if (sz >= PACKED_THRESHOLD) return false;
  const newSz = bytes + sz + SIZE_ESTIMATE_OVERHEAD;
  if (fill < 0) {
    const off = -fill - 1;
    if (off < OPTIMIZATION_LEVEL.length && newSz <= OPTIMIZATION_LEVEL[off]) return true;
  }
  if (newSz > SIZE_SAFETY_LIMIT) return false;
  return count < fill;
}

/** A list as quicklist 2: listpack nodes filled as RPUSH fills them. */
function saveList(w: RdbWriter, l: ListValue): void {
  const fill = w.opts.limits.listFill;
  const nodes: (Uint8Array | string)[] = [];
  let lp: ListpackWriter | null = null;
  const n = l.length;
  for (let i = 0; i < n; i++) {
    const s = l.get(i);
    if (s.length >= PACKED_THRESHOLD) {
      if (lp !== null) nodes.push(lp.finish());
      lp = null;
      nodes.push(s);
      continue;
    }
    if (lp === null || !nodeAllowInsert(lp.bytes, lp.count, fill, s.length)) {
      if (lp !== null) nodes.push(lp.finish());
      lp = new ListpackWriter();
    }
    lp.append(s);
  }
  if (lp !== null) nodes.push(lp.finish());
  w.len(nodes.length);
  for (const node of nodes) {
    if (typeof node === "string") {
      w.len(QUICKLIST_NODE_CONTAINER_PLAIN);
      w.string(node);
    } else {
      w.len(QUICKLIST_NODE_CONTAINER_PACKED);
      w.blob(node);
    }
  }
}

// ---- reading -----------------------------------------------------------------------------------

/** Where LZF strings are decompressed before becoming binary strings (reused). */
let lzfScratch = new Uint8Array(4096);

/** Reads RDB primitives and objects from a byte array; throws FormatError on malformed input. */
export class RdbReader {
  readonly b: Uint8Array;
  pos: number;
  readonly end: number;
  readonly dv: DataView;
  limits: ObjLimits;

  constructor(b: Uint8Array, limits: ObjLimits, start = 0, end = b.length) {
    this.b = b;
    this.pos = start;
    this.end = end;
    this.dv = new DataView(b.buffer, b.byteOffset, b.length);
    this.limits = limits;
  }

  need(n: number): void {
    if (this.pos + n > this.end) throw new FormatError("Unexpected EOF reading RDB file");
  }

  u8(): number {
    this.need(1);
    return this.b[this.pos++];
  }

  /** rdbLoadLenByRef: returns [length, isEncoded]. */
  lenEnc(): [number, boolean] {
    const c = this.u8();
    const t = c >> 6;
    if (t === 3) return [c & 0x3f, true];
    if (t === 0) return [c & 0x3f, false];
    if (t === 1) return [((c & 0x3f) << 8) | this.u8(), false];
    if (c === 0x80) {
      this.need(4);
      const v = this.dv.getUint32(this.pos, false);
      this.pos += 4;
      return [v, false];
    }
    if (c === 0x81) {
      this.need(8);
      const v = this.dv.getBigUint64(this.pos, false);
      this.pos += 8;
      if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new FormatError("length too large");
      return [Number(v), false];
    }
    throw new FormatError(`Unknown length encoding ${c} in rdbLoadLen()`);
  }

  len(): number {
    const [n, enc] = this.lenEnc();
    if (enc) throw new FormatError("unexpected encoded length");
    return n;
  }

  /** The full 64-bit length (module ids). */
  len64(): bigint {
    const c = this.b[this.pos];
    if (c === 0x81) {
      this.pos++;
      this.need(8);
      const v = this.dv.getBigUint64(this.pos, false);
      this.pos += 8;
      return v;
    }
    return BigInt(this.len());
  }

  bytesOf(n: number): Uint8Array {
    this.need(n);
    const out = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** rdbGenericLoadStringObject as raw bytes. */
  stringBytes(): Uint8Array {
    const [n, enc] = this.lenEnc();
    if (!enc) return this.bytesOf(n);
    if (n === RDB_ENC_LZF) {
      const clen = this.len();
      const len = this.len();
      const out = lzfDecompress(this.bytesOf(clen), len);
      if (out === null) throw new FormatError("Invalid LZF compressed string");
      return out;
    }
    return strToBytes(this.#encodedInt(n));
  }

  #encodedInt(enc: number): string {
    if (enc === RDB_ENC_INT8) {
      this.need(1);
      return String(this.dv.getInt8(this.pos++));
    }
    if (enc === RDB_ENC_INT16) {
      this.need(2);
      const v = this.dv.getInt16(this.pos, true);
      this.pos += 2;
      return String(v);
    }
    if (enc === RDB_ENC_INT32) {
      this.need(4);
      const v = this.dv.getInt32(this.pos, true);
      this.pos += 4;
      return String(v);
    }
    throw new FormatError(`Unknown RDB string encoding type ${enc}`);
  }

  /** A string as a binary string. */
  string(): string {
    const [n, enc] = this.lenEnc();
    if (!enc) {
      this.need(n);
      const s = bytesToStr(this.b, this.pos, this.pos + n);
      this.pos += n;
      return s;
    }
    if (n === RDB_ENC_LZF) {
      const clen = this.len();
      const len = this.len();
      this.need(clen);
      if (lzfScratch.length < len) {
        lzfScratch = new Uint8Array(Math.max(len, lzfScratch.length * 2));
      }
      const ok = lzfDecompressInto(this.b, this.pos, this.pos + clen, lzfScratch, len);
      if (!ok) throw new FormatError("Invalid LZF compressed string");
      this.pos += clen;
      return bytesToStr(lzfScratch, 0, len);
    }
    return this.#encodedInt(n);
  }

  f64(): number {
    this.need(8);
    const v = this.dv.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  i64(): number {
    this.need(8);
    const v = this.dv.getBigInt64(this.pos, true);
    this.pos += 8;
    return Number(v);
  }

  i32(): number {
    this.need(4);
    const v = this.dv.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** rdbLoadDoubleValue: the old text double (length byte; 253 nan, 254 inf, 255 -inf). */
  textDouble(): number {
    const n = this.u8();
    if (n === 253) return NaN;
    if (n === 254) return Infinity;
    if (n === 255) return -Infinity;
    const s = bytesToStr(this.bytesOf(n));
    const d = parseScore(s);
    if (d === null) throw new FormatError("bad double value");
    return d;
  }

  moduleUnsigned(): bigint {
    if (this.len() !== RDB_MODULE_OPCODE_UINT) throw new FormatError("module opcode mismatch");
    return this.len64();
  }

  moduleString(): string {
    if (this.len() !== RDB_MODULE_OPCODE_STRING) throw new FormatError("module opcode mismatch");
    return this.string();
  }

  moduleDouble(): number {
    if (this.len() !== RDB_MODULE_OPCODE_DOUBLE) throw new FormatError("module opcode mismatch");
    return this.f64();
  }
}

/** strtod-like parse of a stored score ("inf", "-inf", decimal text). */
function parseScore(s: string): number | null {
  const t = s.toLowerCase();
  if (t === "inf" || t === "+inf" || t === "infinity" || t === "+infinity") return Infinity;
  if (t === "-inf" || t === "-infinity") return -Infinity;
  if (t === "nan") return NaN;
  if (s === "" || /\s/.test(s[0])) return null;
  const d = Number(s);
  return Number.isNaN(d) ? null : d;
}

function makeHash(pairs: string[], r: RdbReader): HashObject {
  const map = new Map<string, string>();
  let maxLen = 0;
  for (let i = 0; i < pairs.length; i += 2) {
    if (map.has(pairs[i])) throw new FormatError("Duplicate hash fields detected");
    map.set(pairs[i], pairs[i + 1]);
    if (pairs[i].length > maxLen) maxLen = pairs[i].length;
    if (pairs[i + 1].length > maxLen) maxLen = pairs[i + 1].length;
  }
  if (map.size === 0) throw new FormatError("Empty hash");
  const lim = r.limits;
  // Over either limit the hash is (or becomes, hashTypeConvert after load) a hash table.
  const listpack = map.size <= lim.hashMaxEntries && maxLen <= lim.hashMaxValue;
  return new HashObject(map, listpack);
}

function makeSet(members: string[], r: RdbReader): SetObject {
  const set = new Set<string>(members);
  if (set.size !== members.length) throw new FormatError("Duplicate set members detected");
  if (set.size === 0) throw new FormatError("Empty set");
  let intset = set.size <= r.limits.setMaxIntset;
  if (intset) {
    for (const m of set) {
      if (!isIntMember(m)) {
        intset = false;
        break;
      }
    }
  }
  return new SetObject(intset, set);
}

function makeZset(members: string[], scores: number[], r: RdbReader): ZSet {
  if (members.length === 0) throw new FormatError("Empty zset");
  let maxLen = 0;
  for (const m of members) if (m.length > maxLen) maxLen = m.length;
  const small = members.length <= r.limits.zsetMaxEntries && maxLen <= r.limits.zsetMaxValue;
  const z = new ZSet(false);
  for (let i = 0; i < members.length; i++) {
    if (Number.isNaN(scores[i])) throw new FormatError("Zset with NAN score detected");
    if (z.score(members[i]) !== undefined) throw new FormatError("Duplicate zset fields detected");
    z.insert(members[i], scores[i]);
  }
  if (small) z.convertToListpack();
  return z;
}

function pairsToZset(items: string[], r: RdbReader): ZSet {
  if (items.length & 1) throw new FormatError("Zset listpack with odd length");
  const members: string[] = [];
  const scores: number[] = [];
  for (let i = 0; i < items.length; i += 2) {
    members.push(items[i]);
    const d = parseScore(items[i + 1]);
    if (d === null) throw new FormatError("bad zset score");
    scores.push(d);
  }
  return makeZset(members, scores, r);
}

/** rdbLoadObjectType: the next byte must be a known object type. */
export function rdbIsObjectType(t: number): boolean {
  return (t >= 0 && t <= 7) || (t >= 9 && t <= 19);
}

/** rdbLoadObject for type byte `t`. */
export function rdbLoadObject(r: RdbReader, t: number): RValue {
  switch (t) {
    case RDB_TYPE_STRING:
      return r.string();
    case RDB_TYPE_LIST: {
      const n = r.len();
      if (n === 0) throw new FormatError("Empty list");
      const items: string[] = [];
      for (let i = 0; i < n; i++) items.push(r.string());
      return ListValue.from(items);
    }
    case RDB_TYPE_LIST_ZIPLIST: {
      const items = ziplistDecode(r.stringBytes());
      if (items.length === 0) throw new FormatError("Empty list");
      return ListValue.from(items);
    }
    case RDB_TYPE_LIST_QUICKLIST:
    case RDB_TYPE_LIST_QUICKLIST_2: {
      const nodes = r.len();
      const l = new ListValue();
      for (let i = 0; i < nodes; i++) {
        let container = QUICKLIST_NODE_CONTAINER_PACKED;
        if (t === RDB_TYPE_LIST_QUICKLIST_2) {
          container = r.len();
          if (
            container !== QUICKLIST_NODE_CONTAINER_PACKED &&
            container !== QUICKLIST_NODE_CONTAINER_PLAIN
          ) throw new FormatError("Quicklist integrity check failed");
        }
        if (container === QUICKLIST_NODE_CONTAINER_PLAIN) {
          l.pushTail(r.string());
          continue;
        }
        const blob = r.stringBytes();
        const items = t === RDB_TYPE_LIST_QUICKLIST_2 ? lpDecode(blob) : ziplistDecode(blob);
        for (const s of items) l.pushTail(s);
      }
      if (l.length === 0) throw new FormatError("Empty list");
      return l;
    }
    case RDB_TYPE_SET: {
      // Built directly (no array of members): duplicates show as a size that did not grow.
      const n = r.len();
      if (n === 0) throw new FormatError("Empty set");
      const set = new Set<string>();
      let intset = n <= r.limits.setMaxIntset;
      for (let i = 0; i < n; i++) {
        const m = r.string();
        set.add(m);
        if (set.size !== i + 1) throw new FormatError("Duplicate set members detected");
        if (intset && !isIntMember(m)) intset = false;
      }
      return new SetObject(intset, set);
    }
    case RDB_TYPE_SET_INTSET:
      return makeSet(intsetDecode(r.stringBytes()), r);
    case RDB_TYPE_ZSET:
    case RDB_TYPE_ZSET_2: {
      const n = r.len();
      if (n === 0) throw new FormatError("Empty zset");
      const members: string[] = [];
      const scores: number[] = [];
      let maxLen = 0;
      for (let i = 0; i < n; i++) {
        const m = r.string();
        const sc = t === RDB_TYPE_ZSET_2 ? r.f64() : r.textDouble();
        if (Number.isNaN(sc)) throw new FormatError("Zset with NAN score detected");
        members.push(m);
        scores.push(sc);
        if (m.length > maxLen) maxLen = m.length;
      }
      const z = ZSet.fromLoad(members, scores);
      if (z === null) throw new FormatError("Duplicate zset fields detected");
      if (n <= r.limits.zsetMaxEntries && maxLen <= r.limits.zsetMaxValue) z.convertToListpack();
      return z;
    }
    case RDB_TYPE_ZSET_ZIPLIST:
      return pairsToZset(ziplistDecode(r.stringBytes()), r);
    case RDB_TYPE_ZSET_LISTPACK:
      return pairsToZset(lpDecode(r.stringBytes()), r);
    case RDB_TYPE_HASH: {
      const n = r.len();
      if (n === 0) throw new FormatError("Empty hash");
      const map = new Map<string, string>();
      let maxLen = 0;
      for (let i = 0; i < n; i++) {
        const f = r.string();
        const v = r.string();
        map.set(f, v);
        if (map.size !== i + 1) throw new FormatError("Duplicate hash fields detected");
        if (f.length > maxLen) maxLen = f.length;
        if (v.length > maxLen) maxLen = v.length;
      }
      // Over either limit the hash is (or becomes, hashTypeConvert after load) a hash table.
      return new HashObject(map, n <= r.limits.hashMaxEntries && maxLen <= r.limits.hashMaxValue);
    }
    case RDB_TYPE_HASH_ZIPMAP:
      return makeHash(zipmapDecode(r.stringBytes()), r);
    case RDB_TYPE_HASH_ZIPLIST:
    case RDB_TYPE_HASH_LISTPACK: {
      const blob = r.stringBytes();
      const items = t === RDB_TYPE_HASH_LISTPACK ? lpDecode(blob) : ziplistDecode(blob);
      if (items.length & 1) throw new FormatError("Hash listpack with odd length");
      return makeHash(items, r);
    }
    case RDB_TYPE_MODULE:
    case RDB_TYPE_MODULE_2: {
      const id = r.len64();
      const name = moduleTypeName(id);
      const m = modulesByName.get(name);
      if (!m) {
        throw new FormatError(
          `The RDB file contains module data I can't load: no matching module type '${name}'`,
        );
      }
      const v = m.load(r, Number(id & 1023n));
      if (t === RDB_TYPE_MODULE_2 && r.len() !== RDB_MODULE_OPCODE_EOF) {
        throw new FormatError(
          `The RDB file contains module data for the module type '${name}', that the responsible module is not able to load. Check for modules log above for additional clues.`,
        );
      }
      return v;
    }
    default: {
      const codec = codecsByRdbType.get(t);
      if (codec) return codec.load(r, t);
      throw new FormatError(`Unknown RDB encoding type ${t}`);
    }
  }
}

// ---- DUMP payloads -----------------------------------------------------------------------------

/** createDumpPayload: type + object + RDB version (2 bytes LE) + CRC64 (8 bytes LE). */
export function createDumpPayload(v: RValue, opts: SaveOptions): Uint8Array {
  const w = new RdbWriter(opts);
  rdbSaveTypedObject(w, v);
  return dumpTrailer(w);
}

/** The DUMP trailer: RDB version (2 bytes LE) and the CRC64 of everything (8 bytes LE). */
function dumpTrailer(w: RdbWriter): Uint8Array {
  w.u16le(RDB_VERSION);
  const c = crc64Init();
  crc64Update(c, w.buf, 0, w.pos);
  w.bytes(crc64Bytes(c));
  return w.view().slice();
}

// ---- function records --------------------------------------------------------------------------

/** rdbSaveFunctions: one FUNCTION2 record (opcode, then the library code as a string) each. */
export function rdbSaveFunctions(w: RdbWriter, codes: Iterable<string>): void {
  for (const code of codes) {
    w.u8(RDB_OPCODE_FUNCTION2);
    w.string(code);
  }
}

/**
 * The reading half of rdbFunctionLoad (opcode already read): the library code of a FUNCTION2
 * record, or of a FUNCTION record of Redis 7.0 rc1/rc2 (name, engine, optional description and
 * body, turned into a `#!<engine> name=<name>` library as Redis does).
 */
export function rdbLoadFunctionCode(r: RdbReader, t: number): string {
  // Redis's error texts name the field that failed.
  const step = <T>(what: string, read: () => T): T => {
    try {
      return read();
    } catch (e) {
      if (e instanceof FormatError) throw new FormatError(`Failed loading ${what}`);
      throw e;
    }
  };
  if (t === RDB_OPCODE_FUNCTION2) return step("library payload", () => r.string());
  const name = step("library name", () => r.string());
  const engine = step("engine name", () => r.string());
  if (step("library description indicator", () => r.len()) !== 0) {
    step("library description", () => r.string());
  }
  const body = step("library blob", () => r.string());
  return `#!${engine} name=${name}\n${body}`;
}

/** FUNCTION DUMP's payload: the libraries' FUNCTION2 records + the DUMP trailer. */
export function createFunctionsDumpPayload(codes: Iterable<string>, opts: SaveOptions): Uint8Array {
  const w = new RdbWriter(opts);
  rdbSaveFunctions(w, codes);
  return dumpTrailer(w);
}

/**
 * FUNCTION RESTORE's reading of a payload already checked by verifyDumpPayload: the library codes
 * it holds, or Redis's error text.
 */
export function loadFunctionsDumpPayload(
  p: Uint8Array,
  limits: ObjLimits,
): string[] | { error: string } {
  // As Redis: records are read while more than the 10 trailer bytes remain, and a record may
  // run into the trailer.
  const r = new RdbReader(p, limits);
  const codes: string[] = [];
  while (p.length - r.pos > 10) {
    const t = r.b[r.pos++];
    if (t !== RDB_OPCODE_FUNCTION && t !== RDB_OPCODE_FUNCTION2) {
      return { error: "given type is not a function" };
    }
    try {
      codes.push(rdbLoadFunctionCode(r, t));
    } catch (e) {
      if (!(e instanceof FormatError)) throw e;
      return { error: e.message };
    }
  }
  return codes;
}

/** verifyDumpPayload: version not newer than ours and (unless skipped) the CRC matches. */
export function verifyDumpPayload(p: Uint8Array, skipChecksum = false): boolean {
  if (p.length < 10) return false;
  const f = p.length - 10;
  const ver = p[f] | (p[f + 1] << 8);
  if (ver > RDB_VERSION) return false;
  if (skipChecksum) return true;
  const c = crc64Init();
  crc64Update(c, p, 0, p.length - 8);
  const crc = crc64Bytes(c);
  for (let i = 0; i < 8; i++) if (crc[i] !== p[p.length - 8 + i]) return false;
  return true;
}

/** Load the object of a verified payload; null on bad data (RESTORE's "Bad data format"). */
export function loadDumpPayload(p: Uint8Array, limits: ObjLimits): RValue | null {
  try {
    const r = new RdbReader(p, limits, 0, p.length - 10);
    const t = r.u8();
    if (!rdbIsObjectType(t)) return null;
    return rdbLoadObject(r, t);
  } catch (e) {
    if (e instanceof FormatError) return null;
    throw e;
  }
}
