/**
 * String family: GET, SET (NX XX GET EX PX EXAT PXAT KEEPTTL), SETNX, SETEX, PSETEX, GETSET,
 * GETDEL, GETEX, MGET, MSET, MSETNX, INCR, DECR, INCRBY, DECRBY, INCRBYFLOAT, APPEND, STRLEN,
 * GETRANGE, SUBSTR, SETRANGE, LCS — with Redis 7.0's replies, errors, order of checks, keyspace
 * statistics and keyspace events.
 *
 * Values are binary strings (src/store/db.ts), or RawStrings (src/types/rawstring.ts) once an
 * in-place modifier (APPEND or SETRANGE on an existing key, SETRANGE creating one, the bitmap
 * commands) touched them: those change in place, as Redis's raw sds does, and every reader here
 * takes both (GET & co. reply a RawString's bytes as they are). Any other value is the wrong type.
 *
 * What Redis does around each command, reproduced here:
 * - Reads (GET, MGET, STRLEN, GETRANGE, LCS, the GET of SET/GETSET/GETDEL/GETEX) count
 *   keyspace_hits/misses and fire "keymiss" on a miss (lookupKeyRead); writes look keys up
 *   without stats (lookupKeyWrite). Both expire a stale key first.
 * - A key created by a command fires "new" (dbAdd) before the command's own event; every write
 *   calls signalModifiedKey and bumps `dirty` once per modified key.
 * - INCR & co. and APPEND, SETRANGE, INCRBYFLOAT keep the key's TTL (dbOverwrite); SET, GETSET,
 *   MSET clear it unless KEEPTTL.
 *
 * OBJECT ENCODING (owned by the keyspace family) derives Redis's encoding from the value: "int"
 * when the string is a canonical int64 (string2ll) of at most 20 chars, "embstr" up to 44 bytes,
 * else "raw"; APPEND and SETRANGE leave a RawString, "raw" (they unshare the object), INCRBYFLOAT
 * stores embstr/raw by length.
 *
 * Deviation: V8 strings stop at 2^29 - 24 chars, 24 bytes short of the default
 * proto-max-bulk-len; APPEND/SETRANGE past that reply the proto-max-bulk-len error.
 */
import type { Client } from "../server/client.ts";
import { lazyfree } from "../server/propagate.ts";
import type { RValue } from "../store/db.ts";
import { type ArgDoc, cmd, type CommandDef, keySpec } from "./types.ts";
import { I64_MAX, I64_MIN, parseI64, parseInteger } from "./args.ts";
import { LD_FINITE, LD_ZERO, ldAdd, ldFormatHuman, parseLongDouble } from "../types/longdouble.ts";
import { isString, RawString, stringOf } from "../types/rawstring.ts";

/** Longest JS string V8 can build (String::kMaxLength on 64-bit). */
const MAX_JS_STRING = (1 << 29) - 24;
const RESP_ONE = new TextEncoder().encode(":1\r\n");
const RESP_ZERO = new TextEncoder().encode(":0\r\n");
const RESP_EMPTY_BULK = new TextEncoder().encode("$0\r\n\r\n");

// ---- lookups with Redis's statistics and events -----------------------------------------------

/** lookupKeyRead: expire if stale, count a hit or a miss, fire "keymiss". */
function lookupRead(c: Client, key: string): RValue | undefined {
  const v = c.db.lookupRead(key);
  if (v === undefined) {
    c.server.stats.keyspaceMisses++;
    c.server.notify("m", "keymiss", key, c.db.id);
  } else c.server.stats.keyspaceHits++;
  return v;
}

/** setKey over a key already expired-if-needed: store, clear the TTL unless keepTtl, "new". */
function storeKey(c: Client, key: string, v: string, keepTtl: boolean): void {
  const db = c.db;
  const n = db.size;
  db.set(key, v, keepTtl);
  if (db.size !== n) c.server.notify("n", "new", key, db.id);
  c.server.signalModifiedKey(db, key);
}

/** Reply a RawString's value (its bytes as they are: no conversion). */
function addRaw(c: Client, r: RawString): void {
  const b = r.b;
  if (b === null) c.addBulk(r.s!);
  else c.addBulkBytes(b.subarray(0, r.len));
}

/** Reply a string value of either representation. */
function addStringValue(c: Client, v: string | RawString): void {
  if (typeof v === "string") c.addBulk(v);
  else addRaw(c, v);
}

/**
 * dbUnshareStringValue: the value at key as a RawString that can be changed in place (an ordinary
 * string is converted and stored; from then on OBJECT ENCODING says "raw", as in Redis).
 */
function unshare(c: Client, key: string, v: string | RawString): RawString {
  if (typeof v !== "string") return v;
  const r = RawString.from(v);
  c.db.replace(key, r);
  return r;
}

/** Store a value computed from the old one: dbOverwrite (keeps the TTL) or dbAdd. */
function overwriteOrAdd(c: Client, key: string, old: RValue | undefined, v: string): void {
  const db = c.db;
  if (old === undefined) {
    db.set(key, v);
    c.server.notify("n", "new", key, db.id);
  } else db.replace(key, v);
  c.server.signalModifiedKey(db, key);
}

/** getGenericCommand: replies the value or null; false after a WRONGTYPE reply. */
function getGeneric(c: Client, key: string): boolean {
  const v = lookupRead(c, key);
  if (v === undefined) {
    c.addNull();
    return true;
  }
  if (typeof v !== "string") {
    if (v instanceof RawString) {
      addRaw(c, v);
      return true;
    }
    c.addErrorWrongType();
    return false;
  }
  c.addBulk(v);
  return true;
}

// ---- SET and its options ----------------------------------------------------------------------

const F_NX = 1;
const F_XX = 2;
const F_EX = 4;
const F_PX = 8;
const F_KEEPTTL = 16;
const F_GET = 32;
const F_EXAT = 64;
const F_PXAT = 128;
const F_PERSIST = 256;
const F_EXPIRE = F_EX | F_PX | F_EXAT | F_PXAT;

/** Case-insensitive match of an argument against a lower-case ASCII keyword (no allocation). */
function isOpt(s: string, lower: string): boolean {
  const n = lower.length;
  if (s.length !== n) return false;
  for (let i = 0; i < n; i++) {
    if ((s.charCodeAt(i) | 0x20) !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** Index in argv of the expire argument found by the last parseExtended(). */
let expireArg = 0;

/**
 * parseExtendedStringArgumentsOrReply: options of SET (from argv[3]) or GETEX (from argv[2]),
 * with Redis 7.0's exact conflict rules (a repeated EX/PX/... is allowed, the last one wins).
 * Returns the flags, or -1 after a syntax error reply.
 */
function parseExtended(c: Client, argv: string[], isSet: boolean): number {
  let flags = 0;
  expireArg = 0;
  const argc = argv.length;
  for (let j = isSet ? 3 : 2; j < argc; j++) {
    const opt = argv[j];
    const hasNext = j < argc - 1;
    if (isSet && isOpt(opt, "nx") && !(flags & F_XX)) flags |= F_NX;
    else if (isSet && isOpt(opt, "xx") && !(flags & F_NX)) flags |= F_XX;
    else if (isSet && isOpt(opt, "get")) flags |= F_GET;
    else if (isSet && isOpt(opt, "keepttl") && !(flags & (F_PERSIST | F_EXPIRE))) {
      flags |= F_KEEPTTL;
    } else if (
      !isSet && isOpt(opt, "persist") && !(flags & (F_EXPIRE | F_KEEPTTL))
    ) flags |= F_PERSIST;
    else if (
      isOpt(opt, "ex") && !(flags & (F_KEEPTTL | F_PERSIST | F_EXAT | F_PX | F_PXAT)) && hasNext
    ) {
      flags |= F_EX;
      expireArg = ++j;
    } else if (
      isOpt(opt, "px") && !(flags & (F_KEEPTTL | F_PERSIST | F_EX | F_EXAT | F_PXAT)) && hasNext
    ) {
      flags |= F_PX;
      expireArg = ++j;
    } else if (
      isOpt(opt, "exat") && !(flags & (F_KEEPTTL | F_PERSIST | F_EX | F_PX | F_PXAT)) && hasNext
    ) {
      flags |= F_EXAT;
      expireArg = ++j;
    } else if (
      isOpt(opt, "pxat") && !(flags & (F_KEEPTTL | F_PERSIST | F_EX | F_EXAT | F_PX)) && hasNext
    ) {
      flags |= F_PXAT;
      expireArg = ++j;
    } else {
      c.addErrorSyntax();
      return -1;
    }
  }
  return flags;
}

const MAX_SECONDS = I64_MAX / 1000n;

/**
 * getExpireMillisecondsOrReply: the absolute expire time in ms, or -1 after an error reply.
 * `relative` for EX/PX (added to now), `seconds` for EX/EXAT. Overflow of int64 is an invalid
 * expire time, as in Redis.
 */
function expireMsOrReply(
  c: Client,
  arg: string,
  relative: boolean,
  seconds: boolean,
  name: string,
): number {
  const v = parseI64(arg);
  if (v === null) {
    c.addErrorNotInt();
    return -1;
  }
  // Fast path: every intermediate value stays a safe integer.
  if (typeof v === "number" && v > 0 && v <= 9e12) {
    return (seconds ? v * 1000 : v) + (relative ? c.server.cmdTime : 0);
  }
  let b = BigInt(v);
  if (b <= 0n || (seconds && b > MAX_SECONDS)) {
    c.addError(`ERR invalid expire time in '${name}' command`);
    return -1;
  }
  if (seconds) b *= 1000n;
  if (relative) b += BigInt(c.server.cmdTime);
  if (b > I64_MAX) {
    c.addError(`ERR invalid expire time in '${name}' command`);
    return -1;
  }
  return Number(b);
}

/**
 * setGenericCommand with the expire already validated (`when` > 0 when there is one). SET and
 * SETEX answer OK or null (NX/XX not met); SETNX answers 1 or 0.
 */
function setGeneric(
  c: Client,
  flags: number,
  key: string,
  val: string,
  when: number,
  isSetnx: boolean,
): void {
  if (flags & F_GET && !getGeneric(c, key)) return;
  const db = c.db;
  if (flags & (F_NX | F_XX)) {
    const found = db.lookupWrite(key) !== undefined;
    if ((flags & F_NX && found) || (flags & F_XX && !found)) {
      if (!(flags & F_GET)) {
        if (isSetnx) c.writeBytes(RESP_ZERO);
        else c.addNull();
      }
      return;
    }
  } else if (db.volatileSize !== 0) db.expireIfNeeded(key);
  storeKey(c, key, val, (flags & F_KEEPTTL) !== 0);
  c.server.dirty++;
  c.server.notify("$", "set", key, db.id);
  if (when > 0) {
    db.setExpire(key, when);
    // Propagated as SET key value PXAT <ms> (the flags are dropped).
    c.propagateArgv = ["SET", key, val, "PXAT", String(when)];
    c.server.notify("g", "expire", key, db.id);
  }
  if (!(flags & F_GET)) {
    if (isSetnx) c.writeBytes(RESP_ONE);
    else c.addOk();
  }
}

function setCommand(c: Client, argv: string[]): void {
  const key = argv[1];
  if (argv.length === 3) {
    // Hot path: SET key value.
    const db = c.db;
    if (db.volatileSize !== 0) db.expireIfNeeded(key);
    const n = db.size;
    db.set(key, argv[2]);
    if (db.size !== n) c.server.notify("n", "new", key, db.id);
    c.server.signalModifiedKey(db, key);
    c.server.dirty++;
    c.server.notify("$", "set", key, db.id);
    c.addOk();
    return;
  }
  const flags = parseExtended(c, argv, true);
  if (flags < 0) return;
  let when = 0;
  if (flags & F_EXPIRE) {
    when = expireMsOrReply(
      c,
      argv[expireArg],
      (flags & (F_EX | F_PX)) !== 0,
      (flags & (F_EX | F_EXAT)) !== 0,
      "set",
    );
    if (when < 0) return;
  }
  setGeneric(c, flags, key, argv[2], when, false);
  // Propagated without GET (Redis drops every "get" past the value).
  if (flags & F_GET && when === 0) {
    c.propagateArgv = argv.filter((a, j) => j < 3 || a.length !== 3 || a.toLowerCase() !== "get");
  }
}

function setnxCommand(c: Client, argv: string[]): void {
  setGeneric(c, F_NX, argv[1], argv[2], 0, true);
}

function setexCommand(c: Client, argv: string[]): void {
  const when = expireMsOrReply(c, argv[2], true, true, "setex");
  if (when < 0) return;
  setGeneric(c, F_EX, argv[1], argv[3], when, false);
}

function psetexCommand(c: Client, argv: string[]): void {
  const when = expireMsOrReply(c, argv[2], true, false, "psetex");
  if (when < 0) return;
  setGeneric(c, F_PX, argv[1], argv[3], when, false);
}

// ---- GET and friends --------------------------------------------------------------------------

function getCommand(c: Client, argv: string[]): void {
  const v = c.db.lookupRead(argv[1]);
  if (v === undefined) {
    c.server.stats.keyspaceMisses++;
    c.server.notify("m", "keymiss", argv[1], c.db.id);
    return c.addNull();
  }
  c.server.stats.keyspaceHits++;
  if (typeof v !== "string") {
    if (v instanceof RawString) return addRaw(c, v);
    return c.addErrorWrongType();
  }
  c.addBulk(v);
}

function getexCommand(c: Client, argv: string[]): void {
  const flags = parseExtended(c, argv, false);
  if (flags < 0) return;
  const key = argv[1];
  const v = lookupRead(c, key);
  if (v === undefined) return c.addNull();
  if (!isString(v)) return c.addErrorWrongType();
  let when = 0;
  if (flags & F_EXPIRE) {
    when = expireMsOrReply(
      c,
      argv[expireArg],
      (flags & (F_EX | F_PX)) !== 0,
      (flags & (F_EX | F_EXAT)) !== 0,
      "getex",
    );
    if (when < 0) return;
  }
  addStringValue(c, v);
  const db = c.db;
  if (flags & (F_EXAT | F_PXAT) && when <= c.server.cmdTime && !c.server.loading) {
    // An absolute time already past: the key goes now.
    db.removeKey(key);
    c.propagateArgv = [lazyfree(c.server, "expire") ? "UNLINK" : "DEL", key];
    c.server.signalModifiedKey(db, key);
    c.server.notify("g", "del", key, db.id);
    c.server.dirty++;
  } else if (when > 0) {
    db.setExpire(key, when);
    c.propagateArgv = ["PEXPIREAT", key, String(when)];
    c.server.signalModifiedKey(db, key);
    c.server.notify("g", "expire", key, db.id);
    c.server.dirty++;
  } else if (flags & F_PERSIST) {
    if (db.persist(key)) {
      c.propagateArgv = ["PERSIST", key];
      c.server.signalModifiedKey(db, key);
      c.server.notify("g", "persist", key, db.id);
      c.server.dirty++;
    }
  }
}

function getdelCommand(c: Client, argv: string[]): void {
  const key = argv[1];
  const v = lookupRead(c, key);
  if (v === undefined) return c.addNull();
  if (!isString(v)) return c.addErrorWrongType();
  addStringValue(c, v);
  const db = c.db;
  db.removeKey(key);
  c.propagateArgv = [lazyfree(c.server, "user-del") ? "UNLINK" : "DEL", key];
  c.server.signalModifiedKey(db, key);
  c.server.notify("g", "del", key, db.id);
  c.server.dirty++;
}

function getsetCommand(c: Client, argv: string[]): void {
  const key = argv[1];
  if (!getGeneric(c, key)) return;
  storeKey(c, key, argv[2], false);
  c.server.notify("$", "set", key, c.db.id);
  c.server.dirty++;
  c.propagateArgv = ["SET", key, argv[2]];
}

function mgetCommand(c: Client, argv: string[]): void {
  const n = argv.length;
  c.addArrayLen(n - 1);
  for (let j = 1; j < n; j++) {
    const v = lookupRead(c, argv[j]);
    if (typeof v === "string") c.addBulk(v);
    else if (v instanceof RawString) addRaw(c, v);
    else c.addNull();
  }
}

function msetGeneric(c: Client, argv: string[], nx: boolean): void {
  const argc = argv.length;
  if ((argc & 1) === 0) return c.addErrorArity(nx ? "msetnx" : "mset");
  const db = c.db;
  if (nx) {
    for (let j = 1; j < argc; j += 2) {
      if (db.lookupWrite(argv[j]) !== undefined) {
        c.writeBytes(RESP_ZERO);
        return;
      }
    }
  }
  const server = c.server;
  for (let j = 1; j < argc; j += 2) {
    const key = argv[j];
    if (db.volatileSize !== 0) db.expireIfNeeded(key);
    const n = db.size;
    db.set(key, argv[j + 1]);
    if (db.size !== n) server.notify("n", "new", key, db.id);
    server.signalModifiedKey(db, key);
    server.notify("$", "set", key, db.id);
  }
  server.dirty += (argc - 1) >> 1;
  if (nx) c.writeBytes(RESP_ONE);
  else c.addOk();
}

function msetCommand(c: Client, argv: string[]): void {
  msetGeneric(c, argv, false);
}

function msetnxCommand(c: Client, argv: string[]): void {
  msetGeneric(c, argv, true);
}

// ---- counters ---------------------------------------------------------------------------------

/** incrDecrCommand: exact int64 arithmetic (numbers while safe, bigint beyond). */
function incrDecr(c: Client, key: string, incr: number | bigint): void {
  const db = c.db;
  const o = db.lookupWrite(key);
  let value: number | bigint = 0;
  if (o !== undefined) {
    if (!isString(o)) return c.addErrorWrongType();
    const v = parseI64(stringOf(o));
    if (v === null) return c.addErrorNotInt();
    value = v;
  }
  let res: number | bigint = 0;
  let exact = false;
  if (typeof value === "number" && typeof incr === "number") {
    res = value + incr;
    exact = res <= Number.MAX_SAFE_INTEGER && res >= -Number.MAX_SAFE_INTEGER;
  }
  if (!exact) {
    const r = BigInt(value) + BigInt(incr);
    if (r > I64_MAX || r < I64_MIN) return c.addError("ERR increment or decrement would overflow");
    res = r <= 9007199254740991n && r >= -9007199254740991n ? Number(r) : r;
  }
  overwriteOrAdd(c, key, o, String(res));
  c.server.notify("$", "incrby", key, db.id);
  c.server.dirty++;
  c.addInt(res);
}

function incrCommand(c: Client, argv: string[]): void {
  incrDecr(c, argv[1], 1);
}

function decrCommand(c: Client, argv: string[]): void {
  incrDecr(c, argv[1], -1);
}

function incrbyCommand(c: Client, argv: string[]): void {
  const incr = parseI64(argv[2]);
  if (incr === null) return c.addErrorNotInt();
  incrDecr(c, argv[1], incr);
}

function decrbyCommand(c: Client, argv: string[]): void {
  const incr = parseI64(argv[2]);
  if (incr === null) return c.addErrorNotInt();
  if (incr === I64_MIN) return c.addError("ERR decrement would overflow");
  incrDecr(c, argv[1], typeof incr === "number" ? 0 - incr : -incr);
}

/** INCRBYFLOAT in x87 extended precision, printed as Redis prints it (src/types/longdouble.ts). */
function incrbyfloatCommand(c: Client, argv: string[]): void {
  const key = argv[1];
  const o = c.db.lookupWrite(key);
  if (o !== undefined && !isString(o)) return c.addErrorWrongType();
  const value = o === undefined ? LD_ZERO : parseLongDouble(stringOf(o));
  if (value === null) return c.addError("ERR value is not a valid float");
  const incr = parseLongDouble(argv[2]);
  if (incr === null) return c.addError("ERR value is not a valid float");
  const sum = ldAdd(value, incr);
  if (sum.kind !== LD_FINITE) return c.addError("ERR increment would produce NaN or Infinity");
  const s = ldFormatHuman(sum);
  overwriteOrAdd(c, key, o, s);
  c.server.notify("$", "incrbyfloat", key, c.db.id);
  c.server.dirty++;
  c.addBulk(s);
  // Replicated as SET with the final value (no float formatting differences on replay).
  c.propagateArgv = ["SET", key, s, "KEEPTTL"];
}

// ---- APPEND, STRLEN, GETRANGE, SETRANGE -------------------------------------------------------

/** checkStringLength: false after the error reply when size + append is too long. */
function checkStringLength(c: Client, size: number, append: number): boolean {
  const total = size + append;
  if (total > c.server.maxBulkLen || total > MAX_JS_STRING) {
    c.addError("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
    return false;
  }
  return true;
}

function appendCommand(c: Client, argv: string[]): void {
  const key = argv[1];
  const add = argv[2];
  const db = c.db;
  const o = db.lookupWrite(key);
  let len: number;
  if (o === undefined) {
    db.set(key, add);
    c.server.notify("n", "new", key, db.id);
    len = add.length;
  } else {
    if (!isString(o)) return c.addErrorWrongType();
    if (!checkStringLength(c, o.length, add.length)) return;
    len = unshare(c, key, o).append(add);
  }
  c.server.signalModifiedKey(db, key);
  c.server.notify("$", "append", key, db.id);
  c.server.dirty++;
  c.addInt(len);
}

function strlenCommand(c: Client, argv: string[]): void {
  const v = lookupRead(c, argv[1]);
  if (v === undefined) return c.writeBytes(RESP_ZERO);
  if (!isString(v)) return c.addErrorWrongType();
  c.addInt(v.length);
}

/** GETRANGE/SUBSTR with Redis 7.0's index rules. */
function getrangeCommand(c: Client, argv: string[]): void {
  let start = parseInteger(argv[2]);
  if (start === null) return c.addErrorNotInt();
  let end = parseInteger(argv[3]);
  if (end === null) return c.addErrorNotInt();
  const v = lookupRead(c, argv[1]);
  if (v === undefined) return c.writeBytes(RESP_EMPTY_BULK);
  if (!isString(v)) return c.addErrorWrongType();
  const len = v.length;
  if (start < 0 && end < 0 && start > end) return c.writeBytes(RESP_EMPTY_BULK);
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len === 0) return c.writeBytes(RESP_EMPTY_BULK);
  if (typeof v !== "string") {
    if (v.b !== null) return c.addBulkBytes(v.b.subarray(start, end + 1));
    const s = v.s!;
    return c.addBulk(start === 0 && end === len - 1 ? s : s.slice(start, end + 1));
  }
  c.addBulk(start === 0 && end === len - 1 ? v : v.slice(start, end + 1));
}

function setrangeCommand(c: Client, argv: string[]): void {
  const key = argv[1];
  const value = argv[3];
  const offset = parseInteger(argv[2]);
  if (offset === null) return c.addErrorNotInt();
  if (offset < 0) return c.addError("ERR offset is out of range");
  const db = c.db;
  const o = db.lookupWrite(key);
  let len: number;
  if (o === undefined) {
    // Setting nothing on a missing key creates nothing.
    if (value.length === 0) return c.writeBytes(RESP_ZERO);
    if (!checkStringLength(c, offset, value.length)) return;
    const r = RawString.zeros(offset);
    len = r.write(offset, value);
    db.set(key, r);
    c.server.notify("n", "new", key, db.id);
  } else {
    if (!isString(o)) return c.addErrorWrongType();
    const olen = o.length;
    if (value.length === 0) return c.addInt(olen);
    if (!checkStringLength(c, offset, value.length)) return;
    len = unshare(c, key, o).write(offset, value);
  }
  c.server.signalModifiedKey(db, key);
  c.server.notify("$", "setrange", key, db.id);
  c.server.dirty++;
  c.addInt(len);
}

// ---- LCS --------------------------------------------------------------------------------------

/** LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]: Redis's DP table and walk. */
function lcsCommand(c: Client, argv: string[]): void {
  const oa = lookupRead(c, argv[1]);
  const ob = lookupRead(c, argv[2]);
  if (
    (oa !== undefined && !isString(oa)) || (ob !== undefined && !isString(ob))
  ) {
    return c.addError("ERR The specified keys must contain string values");
  }
  const a = oa === undefined ? "" : stringOf(oa as string | RawString);
  const b = ob === undefined ? "" : stringOf(ob as string | RawString);
  let getlen = false;
  let getidx = false;
  let withmatchlen = false;
  let minmatchlen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j];
    const moreargs = argv.length - 1 - j;
    if (isOpt(opt, "idx")) getidx = true;
    else if (isOpt(opt, "len")) getlen = true;
    else if (isOpt(opt, "withmatchlen")) withmatchlen = true;
    else if (isOpt(opt, "minmatchlen") && moreargs > 0) {
      const v = parseInteger(argv[j + 1]);
      if (v === null) return c.addErrorNotInt();
      minmatchlen = v < 0 ? 0 : v;
      j++;
    } else return c.addErrorSyntax();
  }
  if (getlen && getidx) {
    return c.addError("ERR If you want both the length and indexes, please just use IDX.");
  }
  const alen = a.length;
  const blen = b.length;
  const cells = (alen + 1) * (blen + 1);
  if (cells * 4 > c.server.maxBulkLen) {
    return c.addError(
      "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len",
    );
  }
  // lcs[i * (blen+1) + j] = length of the LCS of a[0..i) and b[0..j).
  const w = blen + 1;
  const lcs = new Uint32Array(cells);
  for (let i = 1; i <= alen; i++) {
    const ac = a.charCodeAt(i - 1);
    const row = i * w;
    const prev = row - w;
    for (let j = 1; j <= blen; j++) {
      if (ac === b.charCodeAt(j - 1)) lcs[row + j] = lcs[prev + j - 1] + 1;
      else {
        const l1 = lcs[prev + j];
        const l2 = lcs[row + j - 1];
        lcs[row + j] = l1 > l2 ? l1 : l2;
      }
    }
  }
  const total = lcs[alen * w + blen];
  if (getlen) return c.addInt(total);

  // Walk back from the end, collecting the LCS and the matching ranges.
  const result = getidx ? null : new Uint8Array(total);
  let idx = total;
  let arraylen = 0;
  let lenAt = 0;
  if (getidx) {
    c.addMapLen(2);
    c.addBulk("matches");
    lenAt = c.deferLen();
  }
  let aStart = alen; // alen: no range being tracked
  let aEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  let i = alen;
  let j = blen;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a.charCodeAt(i - 1) === b.charCodeAt(j - 1)) {
      if (result !== null) result[idx - 1] = a.charCodeAt(i - 1);
      if (aStart === alen) {
        aStart = i - 1;
        aEnd = i - 1;
        bStart = j - 1;
        bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        // Contiguous: extend the range backwards.
        aStart--;
        bStart--;
      } else emit = true;
      if (aStart === 0 || bStart === 0) emit = true;
      idx--;
      i--;
      j--;
    } else {
      if (lcs[(i - 1) * w + j] > lcs[i * w + j - 1]) i--;
      else j--;
      if (aStart !== alen) emit = true;
    }
    if (emit) {
      const matchLen = aEnd - aStart + 1;
      if (getidx && (minmatchlen === 0 || matchLen >= minmatchlen)) {
        c.addArrayLen(withmatchlen ? 3 : 2);
        c.addArrayLen(2);
        c.addInt(aStart);
        c.addInt(aEnd);
        c.addArrayLen(2);
        c.addInt(bStart);
        c.addInt(bEnd);
        if (withmatchlen) c.addInt(matchLen);
        arraylen++;
      }
      aStart = alen;
    }
  }
  if (getidx) {
    c.setDeferredArray(lenAt, arraylen);
    c.addBulk("len");
    c.addInt(total);
    return;
  }
  c.addBulkBytes(result!);
}

// ---- table ------------------------------------------------------------------------------------

const KEY: ArgDoc = { name: "key", type: "key", keySpecIndex: 0 };
const VALUE: ArgDoc = { name: "value", type: "string" };
const KEY_VALUE: ArgDoc = {
  name: "key_value",
  type: "block",
  multiple: true,
  arguments: [KEY, VALUE],
};

const G = "string";
const RANGE_COMPLEXITY =
  "O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.";

export const stringCommands: CommandDef[] = [
  cmd("get", 2, "readonly fast", [1, 1, 1], "string", getCommand, {
    summary: "Get the value of a key",
    since: "1.0.0",
    group: G,
    complexity: "O(1)",
    keySpecs: [keySpec("RO ACCESS")],
    arguments: [KEY],
  }),
  cmd("set", -3, "write denyoom", [1, 1, 1], "string", setCommand, {
    // Redis's setGetKeys: with GET the key is read too (RW ACCESS UPDATE), else OW UPDATE.
    getKeyFlags: (argv) => [
      argv.slice(3).some((a) => a.toLowerCase() === "get")
        ? ["RW", "ACCESS", "UPDATE"]
        : ["OW", "UPDATE"],
    ],
    summary: "Set the string value of a key",
    since: "1.0.0",
    group: G,
    complexity: "O(1)",
    history: [
      ["2.6.12", "Added the `EX`, `PX`, `NX` and `XX` options."],
      ["6.0.0", "Added the `KEEPTTL` option."],
      ["6.2.0", "Added the `GET`, `EXAT` and `PXAT` option."],
      ["7.0.0", "Allowed the `NX` and `GET` options to be used together."],
    ],
    keySpecs: [
      keySpec(
        "RW ACCESS UPDATE VARIABLE_FLAGS",
        1,
        0,
        1,
        "RW and ACCESS due to the optional `GET` argument",
      ),
    ],
    arguments: [
      KEY,
      VALUE,
      {
        name: "condition",
        type: "oneof",
        since: "2.6.12",
        optional: true,
        arguments: [
          { name: "nx", type: "pure-token", token: "NX" },
          { name: "xx", type: "pure-token", token: "XX" },
        ],
      },
      { name: "get", type: "pure-token", token: "GET", since: "6.2.0", optional: true },
      {
        name: "expiration",
        type: "oneof",
        optional: true,
        arguments: [
          { name: "seconds", type: "integer", token: "EX", since: "2.6.12" },
          { name: "milliseconds", type: "integer", token: "PX", since: "2.6.12" },
          { name: "unix-time-seconds", type: "unix-time", token: "EXAT", since: "6.2.0" },
          { name: "unix-time-milliseconds", type: "unix-time", token: "PXAT", since: "6.2.0" },
          { name: "keepttl", type: "pure-token", token: "KEEPTTL", since: "6.0.0" },
        ],
      },
    ],
  }),
  cmd("setnx", 3, "write denyoom fast", [1, 1, 1], "string", setnxCommand, {
    summary: "Set the value of a key, only if the key does not exist",
    since: "1.0.0",
    group: G,
    complexity: "O(1)",
    keySpecs: [keySpec("OW INSERT")],
    arguments: [KEY, VALUE],
  }),
  cmd("setex", 4, "write denyoom", [1, 1, 1], "string", setexCommand, {
    summary: "Set the value and expiration of a key",
    since: "2.0.0",
    group: G,
    complexity: "O(1)",
    keySpecs: [keySpec("OW UPDATE")],
    arguments: [KEY, { name: "seconds", type: "integer" }, VALUE],
  }),
  cmd("psetex", 4, "write denyoom", [1, 1, 1], "string", psetexCommand, {
    summary: "Set the value and expiration in milliseconds of a key",
    since: "2.6.0",
    group: G,
    complexity: "O(1)",
    keySpecs: [keySpec("OW UPDATE")],
    arguments: [KEY, { name: "milliseconds", type: "integer" }, VALUE],
  }),
  cmd("getset", 3, "write denyoom fast", [1, 1, 1], "string", getsetCommand, {
    summary: "Set the string value of a key and return its old value",
    since: "1.0.0",
    group: G,
    complexity: "O(1)",
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: "`SET` with the `!GET` argument",
    keySpecs: [keySpec("RW ACCESS UPDATE")],
    arguments: [KEY, VALUE],
  }),
  cmd("getdel", 2, "write fast", [1, 1, 1], "string", getdelCommand, {
    summary: "Get the value of a key and delete the key",
    since: "6.2.0",
    group: G,
    complexity: "O(1)",
    keySpecs: [keySpec("RW ACCESS DELETE")],
    arguments: [KEY],
  }),
  cmd("getex", -2, "write fast", [1, 1, 1], "string", getexCommand, {
    summary: "Get the value of a key and optionally set its expiration",
    since: "6.2.0",
    group: G,
    complexity: "O(1)",
    keySpecs: [keySpec("RW ACCESS UPDATE", 1, 0, 1, "RW and UPDATE because it changes the TTL")],
    arguments: [
      KEY,
      {
        name: "expiration",
        type: "oneof",
        optional: true,
        arguments: [
          { name: "seconds", type: "integer", token: "EX" },
          { name: "milliseconds", type: "integer", token: "PX" },
          { name: "unix-time-seconds", type: "unix-time", token: "EXAT" },
          { name: "unix-time-milliseconds", type: "unix-time", token: "PXAT" },
          { name: "persist", type: "pure-token", token: "PERSIST" },
        ],
      },
    ],
  }),
  cmd("mget", -2, "readonly fast", [1, -1, 1], "string", mgetCommand, {
    summary: "Get the values of all the given keys",
    since: "1.0.0",
    group: G,
    complexity: "O(N) where N is the number of keys to retrieve.",
    tips: ["request_policy:multi_shard"],
    keySpecs: [keySpec("RO ACCESS", 1, -1, 1)],
    arguments: [{ ...KEY, multiple: true }],
  }),
  cmd("mset", -3, "write denyoom", [1, -1, 2], "string", msetCommand, {
    summary: "Set multiple keys to multiple values",
    since: "1.0.1",
    group: G,
    complexity: "O(N) where N is the number of keys to set.",
    tips: ["request_policy:multi_shard", "response_policy:all_succeeded"],
    keySpecs: [keySpec("OW UPDATE", 1, -1, 2)],
    arguments: [KEY_VALUE],
  }),
  cmd("msetnx", -3, "write denyoom", [1, -1, 2], "string", msetnxCommand, {
    summary: "Set multiple keys to multiple values, only if none of the keys exist",
    since: "1.0.1",
    group: G,
    complexity: "O(N) where N is the number of keys to set.",
    tips: ["request_policy:multi_shard", "response_policy:agg_min"],
    keySpecs: [keySpec("OW INSERT", 1, -1, 2)],
    arguments: [KEY_VALUE],
  }),
  cmd("incr", 2, "write denyoom fast", [1, 1, 1], "string", incrCommand, {
    summary: "Increment the integer value of a key by one",
    since: "1.0.0",
    group: G,
    complexity: "O(1)",
    keySpecs: [keySpec("RW ACCESS UPDATE")],
    arguments: [KEY],
  }),
  cmd("decr", 2, "write denyoom fast", [1, 1, 1], "string", decrCommand, {
    summary: "Decrement the integer value of a key by one",
    since: "1.0.0",
    group: G,
    complexity: "O(1)",
    keySpecs: [keySpec("RW ACCESS UPDATE")],
    arguments: [KEY],
  }),
  cmd("incrby", 3, "write denyoom fast", [1, 1, 1], "string", incrbyCommand, {
    summary: "Increment the integer value of a key by the given amount",
    since: "1.0.0",
    group: G,
    complexity: "O(1)",
    keySpecs: [keySpec("RW ACCESS UPDATE")],
    arguments: [KEY, { name: "increment", type: "integer" }],
  }),
  cmd("decrby", 3, "write denyoom fast", [1, 1, 1], "string", decrbyCommand, {
    summary: "Decrement the integer value of a key by the given number",
    since: "1.0.0",
    group: G,
    complexity: "O(1)",
    keySpecs: [keySpec("RW ACCESS UPDATE")],
    arguments: [KEY, { name: "decrement", type: "integer" }],
  }),
  cmd("incrbyfloat", 3, "write denyoom fast", [1, 1, 1], "string", incrbyfloatCommand, {
    summary: "Increment the float value of a key by the given amount",
    since: "2.6.0",
    group: G,
    complexity: "O(1)",
    keySpecs: [keySpec("RW ACCESS UPDATE")],
    arguments: [KEY, { name: "increment", type: "double" }],
  }),
  cmd("append", 3, "write denyoom fast", [1, 1, 1], "string", appendCommand, {
    summary: "Append a value to a key",
    since: "2.0.0",
    group: G,
    complexity:
      "O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation.",
    keySpecs: [keySpec("RW INSERT")],
    arguments: [KEY, VALUE],
  }),
  cmd("strlen", 2, "readonly fast", [1, 1, 1], "string", strlenCommand, {
    summary: "Get the length of the value stored in a key",
    since: "2.2.0",
    group: G,
    complexity: "O(1)",
    keySpecs: [keySpec("RO")],
    arguments: [KEY],
  }),
  cmd("getrange", 4, "readonly", [1, 1, 1], "string", getrangeCommand, {
    summary: "Get a substring of the string stored at a key",
    since: "2.4.0",
    group: G,
    complexity: RANGE_COMPLEXITY,
    keySpecs: [keySpec("RO ACCESS")],
    arguments: [KEY, { name: "start", type: "integer" }, { name: "end", type: "integer" }],
  }),
  cmd("substr", 4, "readonly", [1, 1, 1], "string", getrangeCommand, {
    summary: "Get a substring of the string stored at a key",
    since: "1.0.0",
    group: G,
    complexity: RANGE_COMPLEXITY,
    docFlags: ["deprecated"],
    deprecatedSince: "2.0.0",
    replacedBy: "`GETRANGE`",
    keySpecs: [keySpec("RO ACCESS")],
    arguments: [KEY, { name: "start", type: "integer" }, { name: "end", type: "integer" }],
  }),
  cmd("setrange", 4, "write denyoom", [1, 1, 1], "string", setrangeCommand, {
    summary: "Overwrite part of a string at key starting at the specified offset",
    since: "2.2.0",
    group: G,
    complexity:
      "O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument.",
    keySpecs: [keySpec("RW UPDATE")],
    arguments: [KEY, { name: "offset", type: "integer" }, VALUE],
  }),
  cmd("lcs", -3, "readonly", [1, 2, 1], "string", lcsCommand, {
    summary: "Find longest common substring",
    since: "7.0.0",
    group: G,
    complexity: "O(N*M) where N and M are the lengths of s1 and s2, respectively",
    keySpecs: [keySpec("RO ACCESS", 1, 1, 1)],
    arguments: [
      { name: "key1", type: "key", keySpecIndex: 0 },
      { name: "key2", type: "key", keySpecIndex: 0 },
      { name: "len", type: "pure-token", token: "LEN", optional: true },
      { name: "idx", type: "pure-token", token: "IDX", optional: true },
      // Redis 7.0's lcs.json names this argument "len" too.
      { name: "len", type: "integer", token: "MINMATCHLEN", optional: true },
      { name: "withmatchlen", type: "pure-token", token: "WITHMATCHLEN", optional: true },
    ],
  }),
];
