/**
 * Bitmap family: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD, BITFIELD_RO — Redis 7.0's
 * bitops.c replies, errors, order of checks, keyspace statistics and events.
 *
 * Bitmaps are string values: bit 0 is the most significant bit of the first byte. The writers
 * (SETBIT, BITFIELD with SET/INCRBY) turn the value into a RawString (src/types/rawstring.ts), as
 * Redis's lookupStringForBitCommand unshares it into a raw sds, and change its bytes in place:
 * SETBIT on a 1 MB bitmap is O(1) (growth is amortised). Readers take both representations.
 * BITCOUNT, BITPOS and BITOP run in the WASM kernel (src/wasm/bitops.ts), which keeps recently
 * used values resident in its memory; a RawString's bytes go in by memcpy (no conversion) and
 * SETBIT patches the resident copy, so BITCOUNT after SETBIT copies nothing. BITOP stores its
 * result as a RawString (Redis stores a new raw sds). BITFIELD works on at most 9 bytes per
 * operation and stays in TypeScript (BigInt for 64 bits).
 *
 * Events: SETBIT and BITFIELD fire "setbit" when a bit changed (or the key was created/grown),
 * BITOP "set" on the destination (or "del" when the result is empty and the key existed); a key
 * created by any of them fires "new" first.
 */
import type { Client } from "../server/client.ts";
import type { RValue } from "../store/db.ts";
import { isString, RawString } from "../types/rawstring.ts";
import { type ArgDoc, cmd, type CommandDef, type KeySpec } from "./types.ts";
import { eqi, parseI64 } from "./args.ts";
import {
  BITOP_AND,
  BITOP_NOT,
  BITOP_OR,
  BITOP_XOR,
  bitops,
  type BitValue,
} from "../wasm/bitops.ts";

/** Longest JS string V8 can build (String::kMaxLength on 64-bit). */
const MAX_JS_STRING = (1 << 29) - 24;
const ERR_OFFSET = "ERR bit offset is not an integer or out of range";
const ERR_BIT = "ERR bit is not an integer or out of range";
const ERR_NOT_INT = "ERR value is not an integer or out of range";
const ERR_BF_TYPE =
  "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";

const POPCOUNT = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT[i] = (i & 1) + POPCOUNT[i >> 1];

// ---- shared helpers ---------------------------------------------------------------------------

/** lookupKeyRead: expire if stale, count a hit or a miss, fire "keymiss". */
function lookupRead(c: Client, key: string): RValue | undefined {
  const v = c.db.lookupRead(key);
  if (v === undefined) {
    c.server.stats.keyspaceMisses++;
    c.server.notify("m", "keymiss", key, c.db.id);
  } else c.server.stats.keyspaceHits++;
  return v;
}

/** A long long argument (getLongLongFromObjectOrReply); null after the error reply. */
function longArg(c: Client, s: string, err = ERR_NOT_INT): number | bigint | null {
  const v = parseI64(s);
  if (v === null) c.addError(err);
  return v;
}

/**
 * getBitOffsetFromArgument: a bit offset, `#N` meaning N × bits when allowed; null after the
 * error reply. Offsets whose byte is past proto-max-bulk-len are refused.
 */
function bitOffsetArg(c: Client, s: string, hashBits = 0): number | null {
  const hash = hashBits > 0 && s.charCodeAt(0) === 35;
  const v = parseI64(hash ? s.slice(1) : s);
  if (v === null) {
    c.addError(ERR_OFFSET);
    return null;
  }
  if (!hash && typeof v === "number") {
    if (v < 0 || Math.floor(v / 8) >= c.server.maxBulkLen) {
      c.addError(ERR_OFFSET);
      return null;
    }
    return v;
  }
  let off = BigInt(v);
  if (hash) off = BigInt.asIntN(64, off * BigInt(hashBits));
  if (off < 0n || (off >> 3n) >= BigInt(c.server.maxBulkLen)) {
    c.addError(ERR_OFFSET);
    return null;
  }
  return Number(off);
}

/** The version and length of the value stringForBits returned, before it grew it. */
let prevVer = 0;
let prevLen = 0;
/** Whether stringForBits created or grew the value (Redis's `dirty`). */
let bitsDirty = false;

/**
 * lookupStringForBitCommand: the value at key as a RawString (dbUnshareStringValue: an ordinary
 * string becomes one, reported "raw" from then on) grown with zero bytes to hold bit `maxbit`,
 * created (dbAdd, "new") when missing. Null after a WRONGTYPE or size error reply. Sets prevVer,
 * prevLen and bitsDirty.
 */
function stringForBits(c: Client, key: string, maxbit: number): RawString | null {
  const db = c.db;
  const v = db.lookupWrite(key);
  if (v !== undefined && typeof v !== "string" && !(v instanceof RawString)) {
    c.addErrorWrongType();
    return null;
  }
  const need = Math.floor(maxbit / 8) + 1;
  if (need > MAX_JS_STRING) {
    c.addError("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
    return null;
  }
  let r: RawString;
  if (v === undefined) {
    r = RawString.zeros(need);
    db.set(key, r);
    c.server.notify("n", "new", key, db.id);
    prevVer = r.ver;
    prevLen = need;
    bitsDirty = true;
    return r;
  }
  if (typeof v === "string") {
    r = RawString.from(v);
    db.replace(key, r);
  } else r = v;
  prevVer = r.ver;
  prevLen = r.len;
  bitsDirty = r.growZero(need);
  return r;
}

/** Byte i of a string value (i < length). */
function byteAt(v: BitValue, i: number): number {
  return typeof v === "string" ? v.charCodeAt(i) : v.byteAt(i);
}

// ---- SETBIT / GETBIT --------------------------------------------------------------------------

function setbitCommand(c: Client, argv: string[]): void {
  const off = bitOffsetArg(c, argv[2]);
  if (off === null) return;
  const a = argv[3];
  let on: number;
  if (a === "1") on = 1;
  else if (a === "0") on = 0;
  else {
    const v = parseI64(a);
    if (v !== 0 && v !== 1) {
      c.addError(ERR_BIT);
      return;
    }
    on = v;
  }
  const key = argv[1];
  const r = stringForBits(c, key, off);
  if (r === null) return;
  const byte = Math.floor(off / 8);
  const bit = 7 - (off & 7);
  const byteval = r.byteAt(byte);
  const bitval = byteval & (1 << bit);
  if (bitsDirty || (bitval !== 0) !== (on === 1)) {
    r.setByte(byte, (byteval & ~(1 << bit)) | (on << bit));
    if (r.b !== null) bitops.patch(r, prevVer, prevLen, byte);
    c.server.signalModifiedKey(c.db, key);
    c.server.notify("$", "setbit", key, c.db.id);
    c.server.dirty++;
  }
  c.addInt(bitval ? 1 : 0);
}

function getbitCommand(c: Client, argv: string[]): void {
  const off = bitOffsetArg(c, argv[2]);
  if (off === null) return;
  const v = lookupRead(c, argv[1]);
  if (v === undefined) {
    c.addInt(0);
    return;
  }
  if (!isString(v)) {
    c.addErrorWrongType();
    return;
  }
  const byte = Math.floor(off / 8);
  const bit = 7 - (off & 7);
  c.addInt(byte < v.length && byteAt(v, byte) & (1 << bit) ? 1 : 0);
}

// ---- BITCOUNT / BITPOS ------------------------------------------------------------------------

/** Range arguments resolved as bitcountCommand/bitposCommand do (BigInt-free: JS numbers). */
interface BitRange {
  start: number;
  end: number;
  firstMask: number;
  lastMask: number;
}

function resolveRange(
  strlen: number,
  start: number,
  end: number,
  isbit: boolean,
): BitRange {
  let totlen = strlen;
  if (isbit) totlen *= 8;
  if (start < 0) start = totlen + start;
  if (end < 0) end = totlen + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= totlen) end = totlen - 1;
  let firstMask = 0, lastMask = 0;
  if (isbit && start <= end) {
    firstMask = ~((1 << (8 - (start & 7))) - 1) & 0xff;
    lastMask = (1 << (7 - (end & 7))) - 1;
    start = Math.floor(start / 8);
    end = Math.floor(end / 8);
  }
  return { start, end, firstMask, lastMask };
}

/** BYTE|BIT; null after a syntax error reply. */
function unitArg(c: Client, s: string): boolean | null {
  if (eqi(s, "BIT")) return true;
  if (eqi(s, "BYTE")) return false;
  c.addErrorSyntax();
  return null;
}

/** A long long argument as a JS number (clamped far outside any string's range). */
function rangeArg(c: Client, s: string): number | null {
  const v = longArg(c, s);
  if (v === null) return null;
  return typeof v === "bigint" ? (v > 0n ? 2 ** 62 : -(2 ** 62)) : v;
}

function bitcountCommand(c: Client, argv: string[]): void {
  const v = lookupRead(c, argv[1]);
  if (v === undefined) {
    c.addInt(0);
    return;
  }
  if (!isString(v)) {
    c.addErrorWrongType();
    return;
  }
  const argc = argv.length;
  let start: number, end: number, firstMask = 0, lastMask = 0;
  if (argc === 4 || argc === 5) {
    const s = rangeArg(c, argv[2]);
    if (s === null) return;
    const e = rangeArg(c, argv[3]);
    if (e === null) return;
    if (s < 0 && e < 0 && s > e) {
      c.addInt(0);
      return;
    }
    let isbit = false;
    if (argc === 5) {
      const u = unitArg(c, argv[4]);
      if (u === null) return;
      isbit = u;
    }
    ({ start, end, firstMask, lastMask } = resolveRange(v.length, s, e, isbit));
  } else if (argc === 2) {
    start = 0;
    end = v.length - 1;
  } else {
    c.addErrorSyntax();
    return;
  }
  if (start > end) {
    c.addInt(0);
    return;
  }
  let count = bitops.count(v, start, end);
  if (firstMask) count -= POPCOUNT[byteAt(v, start) & firstMask];
  if (lastMask) count -= POPCOUNT[byteAt(v, end) & lastMask];
  c.addInt(count);
}

/** redisBitpos over a single byte. */
function bytePos(b: number, bit: number): number {
  for (let j = 0; j < 8; j++) if (((b >> (7 - j)) & 1) === bit) return j;
  return bit ? -1 : 8;
}

function bitposCommand(c: Client, argv: string[]): void {
  const bv = longArg(c, argv[2]);
  if (bv === null) return;
  if (bv !== 0 && bv !== 1) {
    c.addError("ERR The bit argument must be 1 or 0.");
    return;
  }
  const bit = bv;
  const v = lookupRead(c, argv[1]);
  if (v === undefined) {
    c.addInt(bit ? -1 : 0);
    return;
  }
  if (!isString(v)) {
    c.addErrorWrongType();
    return;
  }
  const argc = argv.length;
  let start: number, end: number, firstMask = 0, lastMask = 0, endGiven = false;
  if (argc >= 4 && argc <= 6) {
    const s = rangeArg(c, argv[3]);
    if (s === null) return;
    let isbit = false;
    if (argc === 6) {
      const u = unitArg(c, argv[5]);
      if (u === null) return;
      isbit = u;
    }
    let e: number;
    if (argc >= 5) {
      const ev = rangeArg(c, argv[4]);
      if (ev === null) return;
      e = ev;
      endGiven = true;
    } else e = isbit ? v.length * 8 + 7 : v.length - 1;
    ({ start, end, firstMask, lastMask } = resolveRange(v.length, s, e, isbit));
  } else if (argc === 3) {
    start = 0;
    end = v.length - 1;
  } else {
    c.addErrorSyntax();
    return;
  }
  if (start > end) {
    c.addInt(-1);
    return;
  }
  let bytes = end - start + 1;
  let pos: number;
  done: {
    if (firstMask) {
      let t = bit ? byteAt(v, start) & ~firstMask : byteAt(v, start) | firstMask;
      if (lastMask && bytes === 1) t = bit ? t & ~lastMask : t | lastMask;
      pos = bytePos(t & 0xff, bit);
      if (bytes === 1 || (pos !== -1 && pos !== 8)) break done;
      start++;
      bytes--;
    }
    const cur = bytes - (lastMask ? 1 : 0);
    if (cur > 0) {
      pos = bitops.pos(v, start, cur, bit);
      if (bytes === cur || (pos !== -1 && pos !== cur * 8)) break done;
      start += cur;
      bytes -= cur;
    }
    const t = bit ? byteAt(v, end) & ~lastMask : byteAt(v, end) | lastMask;
    pos = bytePos(t & 0xff, bit);
  }
  if (endGiven && bit === 0 && pos === bytes * 8) {
    c.addInt(-1);
    return;
  }
  if (pos !== -1) pos += start * 8;
  c.addInt(pos);
}

// ---- BITOP ------------------------------------------------------------------------------------

function bitopCommand(c: Client, argv: string[]): void {
  const name = argv[1];
  let op: number;
  if (eqi(name, "AND")) op = BITOP_AND;
  else if (eqi(name, "OR")) op = BITOP_OR;
  else if (eqi(name, "XOR")) op = BITOP_XOR;
  else if (eqi(name, "NOT")) op = BITOP_NOT;
  else {
    c.addErrorSyntax();
    return;
  }
  if (op === BITOP_NOT && argv.length !== 4) {
    c.addError("ERR BITOP NOT must be called with a single source key.");
    return;
  }
  const srcs: BitValue[] = [];
  for (let j = 3; j < argv.length; j++) {
    const v = lookupRead(c, argv[j]);
    if (v === undefined) srcs.push("");
    else if (!isString(v)) {
      c.addErrorWrongType();
      return;
    } else srcs.push(v);
  }
  const res = bitops.op(op, srcs);
  const key = argv[2];
  const db = c.db;
  if (res !== null) {
    const n = db.size;
    db.set(key, res);
    if (db.size !== n) c.server.notify("n", "new", key, db.id);
    c.server.signalModifiedKey(db, key);
    c.server.notify("$", "set", key, db.id);
    c.server.dirty++;
  } else if (db.delete(key)) {
    c.server.signalModifiedKey(db, key);
    c.server.notify("g", "del", key, db.id);
    c.server.dirty++;
  }
  c.addInt(res === null ? 0 : res.length);
}

// ---- BITFIELD ---------------------------------------------------------------------------------

const OP_GET = 0, OP_SET = 1, OP_INCRBY = 2;
const OW_WRAP = 0, OW_SAT = 1, OW_FAIL = 2;

interface BitfieldOp {
  offset: number;
  value: bigint;
  opcode: number;
  owtype: number;
  bits: number;
  sign: boolean;
}

/** getBitfieldTypeFromArgument: [signed, bits] or null after the error reply. */
function bitfieldType(c: Client, s: string): [boolean, number] | null {
  const t = s.charCodeAt(0);
  const nul = s.indexOf("\0");
  const n = nul >= 0 ? s.slice(1, nul) : s.slice(1);
  const bits = t === 105 || t === 117 ? parseI64(n) : null;
  const sign = t === 105;
  if (
    bits === null || typeof bits === "bigint" || bits < 1 || (sign && bits > 64) ||
    (!sign && bits > 63)
  ) {
    c.addError(ERR_BF_TYPE);
    return null;
  }
  return [sign, bits];
}

/** checkUnsignedBitfieldOverflow: [overflow, limit]. */
function unsignedOverflow(value: bigint, incr: bigint, bits: number, ow: number): [number, bigint] {
  const max = (1n << BigInt(bits)) - 1n;
  const maxincr = BigInt.asIntN(64, max - value);
  const minincr = BigInt.asIntN(64, -value);
  const wrap = (): bigint => BigInt.asUintN(64, value + incr) & max;
  if (value > max || (incr > 0n && incr > maxincr)) {
    return [1, ow === OW_WRAP ? wrap() : ow === OW_SAT ? max : 0n];
  }
  if (incr < 0n && incr < minincr) return [-1, ow === OW_WRAP ? wrap() : 0n];
  return [0, 0n];
}

/** checkSignedBitfieldOverflow: [overflow, limit]. */
function signedOverflow(value: bigint, incr: bigint, bits: number, ow: number): [number, bigint] {
  const b = BigInt(bits);
  const max = bits === 64 ? (1n << 63n) - 1n : (1n << (b - 1n)) - 1n;
  const min = -max - 1n;
  const maxincr = BigInt.asIntN(64, max - value);
  const minincr = BigInt.asIntN(64, min - value);
  const wrap = (): bigint => {
    let r = BigInt.asUintN(64, value + incr);
    if (bits < 64) {
      const mask = BigInt.asUintN(64, -1n << b);
      r = r & (1n << (b - 1n)) ? r | mask : r & ~mask;
    }
    return BigInt.asIntN(64, r);
  };
  if (
    value > max || (bits !== 64 && incr > maxincr) || (value >= 0n && incr > 0n && incr > maxincr)
  ) {
    return [1, ow === OW_WRAP ? wrap() : max];
  }
  if (
    value < min || (bits !== 64 && incr < minincr) || (value < 0n && incr < 0n && incr < minincr)
  ) {
    return [-1, ow === OW_WRAP ? wrap() : min];
  }
  return [0, 0n];
}

function bitfieldGeneric(c: Client, argv: string[], readonlyCmd: boolean): void {
  const ops: BitfieldOp[] = [];
  let owtype = OW_WRAP;
  let readonly = true;
  let highest = 0;
  const argc = argv.length;
  for (let j = 2; j < argc; j++) {
    const rem = argc - j - 1;
    const sub = argv[j];
    let opcode: number;
    if (eqi(sub, "GET") && rem >= 2) opcode = OP_GET;
    else if (eqi(sub, "SET") && rem >= 3) opcode = OP_SET;
    else if (eqi(sub, "INCRBY") && rem >= 3) opcode = OP_INCRBY;
    else if (eqi(sub, "OVERFLOW") && rem >= 1) {
      const t = argv[++j];
      if (eqi(t, "WRAP")) owtype = OW_WRAP;
      else if (eqi(t, "SAT")) owtype = OW_SAT;
      else if (eqi(t, "FAIL")) owtype = OW_FAIL;
      else {
        c.addError("ERR Invalid OVERFLOW type specified");
        return;
      }
      continue;
    } else {
      c.addErrorSyntax();
      return;
    }
    const type = bitfieldType(c, argv[j + 1]);
    if (type === null) return;
    const [sign, bits] = type;
    const offset = bitOffsetArg(c, argv[j + 2], bits);
    if (offset === null) return;
    let value = 0n;
    if (opcode !== OP_GET) {
      readonly = false;
      if (highest < offset + bits - 1) highest = offset + bits - 1;
      const v = longArg(c, argv[j + 3]);
      if (v === null) return;
      value = BigInt(v);
    }
    ops.push({ offset, value, opcode, owtype, bits, sign });
    j += opcode === OP_GET ? 2 : 3;
  }

  const key = argv[1];
  // Reads and writes go through `u8`: the value's bytes (a RawString being edited) or, read-only,
  // the bytes of the string value.
  let r: RawString | null = null;
  let u8: Uint8Array;
  let len: number;
  if (readonly) {
    const v = lookupRead(c, key);
    if (v !== undefined && !isString(v)) {
      c.addErrorWrongType();
      return;
    }
    if (v === undefined) {
      u8 = EMPTY;
      len = 0;
    } else if (typeof v !== "string" && v.b !== null) {
      u8 = v.b;
      len = v.len;
    } else {
      // Only the bytes the GETs reach are copied.
      const s = typeof v === "string" ? v : v.s!;
      let top = 0;
      for (const op of ops) if (op.offset + op.bits > top) top = op.offset + op.bits;
      len = Math.min(s.length, Math.ceil(top / 8));
      u8 = readBytes(s, len);
    }
  } else {
    if (readonlyCmd) {
      c.addError("ERR BITFIELD_RO only supports the GET subcommand");
      return;
    }
    r = stringForBits(c, key, highest);
    if (r === null) return;
    u8 = r.edit();
    len = r.len;
  }
  const dirty = bitsDirty;
  let changes = 0;
  let wrote = false;
  c.addArrayLen(ops.length);
  for (const op of ops) {
    if (op.opcode === OP_GET) {
      // Reads see the writes of earlier operations of the same command.
      const u = getBits(u8, len, op.offset, op.bits);
      c.addInt(op.sign ? signExtend(u, op.bits) : u);
      continue;
    }
    const oldU = getBits(u8, len, op.offset, op.bits);
    if (op.sign) {
      const oldval = signExtend(oldU, op.bits);
      let newval: bigint, retval: bigint, overflow: number, wrapped: bigint;
      if (op.opcode === OP_INCRBY) {
        [overflow, wrapped] = signedOverflow(oldval, op.value, op.bits, op.owtype);
        newval = overflow ? wrapped : BigInt.asIntN(64, oldval + op.value);
        retval = newval;
      } else {
        newval = op.value;
        [overflow, wrapped] = signedOverflow(newval, 0n, op.bits, op.owtype);
        if (overflow) newval = wrapped;
        retval = oldval;
      }
      if (!(overflow && op.owtype === OW_FAIL)) {
        c.addInt(retval);
        setBits(u8, op.offset, op.bits, newval);
        wrote = true;
        if (dirty || oldval !== newval) changes++;
      } else c.addNull();
    } else {
      const oldval = oldU;
      let newval: bigint, retval: bigint, overflow: number, wrapped: bigint;
      if (op.opcode === OP_INCRBY) {
        newval = BigInt.asUintN(64, oldval + op.value);
        [overflow, wrapped] = unsignedOverflow(oldval, op.value, op.bits, op.owtype);
        if (overflow) newval = wrapped;
        retval = newval;
      } else {
        newval = BigInt.asUintN(64, op.value);
        [overflow, wrapped] = unsignedOverflow(newval, 0n, op.bits, op.owtype);
        if (overflow) newval = wrapped;
        retval = oldval;
      }
      if (!(overflow && op.owtype === OW_FAIL)) {
        c.addInt(BigInt.asIntN(64, retval));
        setBits(u8, op.offset, op.bits, newval);
        wrote = true;
        if (dirty || oldval !== newval) changes++;
      } else c.addNull();
    }
  }
  if (r !== null && wrote) r.commit();
  if (changes) {
    c.server.signalModifiedKey(c.db, key);
    c.server.notify("$", "setbit", key, c.db.id);
    c.server.dirty += changes;
  }
}

const EMPTY = new Uint8Array(0);

/** The first n bytes of a binary string, for reading (a reused array for short ones). */
function readBytes(s: string, n: number): Uint8Array {
  const b = n <= READ_BUF.length ? READ_BUF : new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = s.charCodeAt(i);
  return b;
}
const READ_BUF = new Uint8Array(4096);

/** Bits [offset, offset + bits) of bytes [0, len), most significant first, unsigned; 0 past len. */
function getBits(u8: Uint8Array, len: number, offset: number, bits: number): bigint {
  let v = 0n;
  for (let j = 0; j < bits; j++, offset++) {
    const i = Math.floor(offset / 8);
    const b = i < len ? u8[i] : 0;
    v = (v << 1n) | BigInt((b >> (7 - (offset & 7))) & 1);
  }
  return v;
}

/** Write the low `bits` bits of value at bit `offset` (inside the bytes). */
function setBits(u8: Uint8Array, offset: number, bits: number, value: bigint): void {
  const u = BigInt.asUintN(64, value);
  for (let j = 0; j < bits; j++, offset++) {
    const bitval = Number((u >> BigInt(bits - 1 - j)) & 1n);
    const byte = Math.floor(offset / 8);
    const bit = 7 - (offset & 7);
    u8[byte] = (u8[byte] & ~(1 << bit)) | (bitval << bit);
  }
}

function signExtend(u: bigint, bits: number): bigint {
  return BigInt.asIntN(bits, u);
}

function bitfieldCommand(c: Client, argv: string[]): void {
  bitfieldGeneric(c, argv, false);
}

function bitfieldroCommand(c: Client, argv: string[]): void {
  bitfieldGeneric(c, argv, true);
}

/** bitfieldGetKeys's flags: read-only unless a SET or INCRBY (or a syntax error) is present. */
function bitfieldGetKeyFlags(argv: string[]): string[][] {
  for (let i = 2; i < argv.length; i++) {
    const remargs = argv.length - i - 1;
    const arg = argv[i];
    if (eqi(arg, "GET") && remargs >= 2) i += 2;
    else if (eqi(arg, "OVERFLOW") && remargs >= 1) i += 1;
    else return [["RW", "ACCESS", "UPDATE"]];
  }
  return [["RO", "ACCESS"]];
}

// ---- the table --------------------------------------------------------------------------------

const G = "bitmap";
const KEY0: ArgDoc = { name: "key", type: "key", keySpecIndex: 0 };
const one = (flags: string[], index = 1, lastKey = 0, notes?: string): KeySpec => {
  const ks: KeySpec = {
    flags,
    beginSearch: { type: "index", index },
    findKeys: { type: "range", lastKey, step: 1, limit: 0 },
  };
  if (notes) ks.notes = notes;
  return ks;
};
const UNIT = {
  name: "index_unit",
  type: "oneof" as const,
  optional: true,
  since: "7.0.0",
  arguments: [
    { name: "byte", type: "pure-token" as const, token: "BYTE" },
    { name: "bit", type: "pure-token" as const, token: "BIT" },
  ],
};
const BYTE_BIT_HISTORY: [string, string][] = [["7.0.0", "Added the `BYTE|BIT` option."]];

const BITOP_ARGS: ArgDoc[] = [
  { name: "operation", type: "string" },
  { name: "destkey", type: "key", keySpecIndex: 0 },
  { name: "key", type: "key", keySpecIndex: 1, multiple: true },
];
const ENC_OFF: ArgDoc[] = [{ name: "encoding", type: "string" }, {
  name: "offset",
  type: "integer",
}];
const BITFIELD_ARGS: ArgDoc[] = [
  KEY0,
  {
    name: "operation",
    type: "oneof",
    optional: true,
    multiple: true,
    arguments: [
      { name: "encoding_offset", type: "block", token: "GET", arguments: ENC_OFF },
      {
        name: "write",
        type: "block",
        arguments: [
          {
            name: "wrap_sat_fail",
            type: "oneof",
            token: "OVERFLOW",
            optional: true,
            arguments: [
              { name: "wrap", type: "pure-token", token: "WRAP" },
              { name: "sat", type: "pure-token", token: "SAT" },
              { name: "fail", type: "pure-token", token: "FAIL" },
            ],
          },
          {
            name: "write_operation",
            type: "oneof",
            arguments: [
              {
                name: "encoding_offset_value",
                type: "block",
                token: "SET",
                arguments: [...ENC_OFF, { name: "value", type: "integer" }],
              },
              {
                name: "encoding_offset_increment",
                type: "block",
                token: "INCRBY",
                arguments: [...ENC_OFF, { name: "increment", type: "integer" }],
              },
            ],
          },
        ],
      },
    ],
  },
];
const BITFIELD_RO_ARGS: ArgDoc[] = [
  KEY0,
  {
    name: "encoding_offset",
    type: "block",
    token: "GET",
    optional: true,
    multiple: true,
    multipleToken: true,
    arguments: ENC_OFF,
  },
];

export const bitmapCommands: CommandDef[] = [
  cmd("setbit", 4, "write denyoom", [1, 1, 1], "bitmap", setbitCommand, {
    summary: "Sets or clears the bit at offset in the string value stored at key",
    since: "2.2.0",
    group: G,
    complexity: "O(1)",
    keySpecs: [one(["RW", "ACCESS", "UPDATE"])],
    arguments: [KEY0, { name: "offset", type: "integer" }, { name: "value", type: "integer" }],
  }),
  cmd("getbit", 3, "readonly fast", [1, 1, 1], "bitmap", getbitCommand, {
    summary: "Returns the bit value at offset in the string value stored at key",
    since: "2.2.0",
    group: G,
    complexity: "O(1)",
    keySpecs: [one(["RO", "ACCESS"])],
    arguments: [KEY0, { name: "offset", type: "integer" }],
  }),
  cmd("bitcount", -2, "readonly", [1, 1, 1], "bitmap", bitcountCommand, {
    summary: "Count set bits in a string",
    since: "2.6.0",
    group: G,
    complexity: "O(N)",
    history: BYTE_BIT_HISTORY,
    keySpecs: [one(["RO", "ACCESS"])],
    arguments: [
      KEY0,
      {
        name: "index",
        type: "block",
        optional: true,
        arguments: [{ name: "start", type: "integer" }, { name: "end", type: "integer" }, UNIT],
      },
    ],
  }),
  cmd("bitpos", -3, "readonly", [1, 1, 1], "bitmap", bitposCommand, {
    summary: "Find first bit set or clear in a string",
    since: "2.8.7",
    group: G,
    complexity: "O(N)",
    history: BYTE_BIT_HISTORY,
    keySpecs: [one(["RO", "ACCESS"])],
    arguments: [
      KEY0,
      { name: "bit", type: "integer" },
      {
        name: "index",
        type: "block",
        optional: true,
        arguments: [
          { name: "start", type: "integer" },
          {
            name: "end_index",
            type: "block",
            optional: true,
            arguments: [{ name: "end", type: "integer" }, UNIT],
          },
        ],
      },
    ],
  }),
  cmd("bitop", -4, "write denyoom", [2, -1, 1], "bitmap", bitopCommand, {
    summary: "Perform bitwise operations between strings",
    since: "2.6.0",
    group: G,
    complexity: "O(N)",
    keySpecs: [one(["OW", "UPDATE"], 2), one(["RO", "ACCESS"], 3, -1)],
    arguments: BITOP_ARGS,
  }),
  cmd("bitfield", -2, "write denyoom", [1, 1, 1], "bitmap", bitfieldCommand, {
    summary: "Perform arbitrary bitfield integer operations on strings",
    since: "3.2.0",
    group: G,
    complexity: "O(1) for each subcommand specified",
    keySpecs: [
      one(
        ["RW", "UPDATE", "ACCESS", "VARIABLE_FLAGS"],
        1,
        0,
        "This command allows both access and modification of the key",
      ),
    ],
    // No getKeys: a row with getKeys is reported movablekeys here, which BITFIELD is not (COMMAND
    // INFO); getKeyFlags gives the per-call flags (bitfieldGetKeys) for the spec's key.
    arguments: BITFIELD_ARGS,
    getKeyFlags: bitfieldGetKeyFlags,
  }),
  cmd("bitfield_ro", -2, "readonly fast", [1, 1, 1], "bitmap", bitfieldroCommand, {
    summary:
      "Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD",
    since: "6.0.0",
    group: G,
    complexity: "O(1) for each subcommand specified",
    keySpecs: [one(["RO", "ACCESS"])],
    arguments: BITFIELD_RO_ARGS,
  }),
];
