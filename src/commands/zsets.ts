/**
 * Sorted-set family: ZADD, ZINCRBY, ZREM, ZCARD, ZCOUNT, ZLEXCOUNT, ZSCORE, ZMSCORE, ZRANK,
 * ZREVRANK, ZRANGE (BYSCORE BYLEX REV LIMIT WITHSCORES), ZRANGESTORE, ZRANGEBYSCORE,
 * ZREVRANGEBYSCORE, ZRANGEBYLEX, ZREVRANGEBYLEX, ZREVRANGE, ZREMRANGEBYRANK/SCORE/LEX, ZPOPMIN,
 * ZPOPMAX, ZMPOP, ZRANDMEMBER, ZUNION, ZINTER, ZDIFF (+STORE), ZINTERCARD, ZSCAN, BZPOPMIN,
 * BZPOPMAX, BZMPOP — Redis 7.0's t_zset.c replies, errors, order of checks, statistics and events.
 *
 * The data lives in src/types/zset.ts (B+tree + member map). Around each command:
 * - Reads count keyspace hits/misses and fire "keymiss" (lookupKeyRead); writes look up without
 *   statistics (lookupKeyWrite). A command that creates a key fires "new" first (dbAdd).
 * - Events: "zadd", "zincr", "zrem", "zrem{range}by{rank,score,lex}", "zpopmin"/"zpopmax",
 *   "zrangestore", "zunionstore", "zinterstore", "zdiffstore"; "del" when a zset empties or a
 *   STORE with an empty result deletes its destination.
 * - Score ranges are parsed as zslParseRange (strtod: leading blanks allowed, "" is 0, NaN refused).
 * - Sources of ZUNION/ZINTER/ZDIFF may be sets (score 1).
 *
 * Deviations (all in behaviour Redis leaves unspecified):
 * - ZSCAN over a "skiplist" zset uses server-side iterator cursors (src/store/scan.ts) and returns
 *   members in insertion order, not hash order; a "listpack" zset comes back whole, sorted, with
 *   cursor 0, as in Redis.
 * - ZRANDMEMBER picks with Math.random (the whole-zset case replies tail first, as Redis does).
 * - Lex ranges over members with different scores: Redis's answer depends on its skip list's
 *   random levels; here it is a binary search over the (score, member) order.
 * - Propagation (src/server/propagate.ts): ZMPOP, BZPOPMIN/BZPOPMAX and BZMPOP are replicated as
 *   ZPOPMIN/ZPOPMAX key [count] (count capped at the zset's size), when served at once or later.
 *
 * The table rows at the bottom (flags, key specs, COMMAND DOCS texts) must match redis-server's
 * COMMAND INFO / COMMAND DOCS byte for byte; they were checked against a live 7.0.15.
 */
import type { Client } from "../server/client.ts";
import { alsoPropagate } from "../server/propagate.ts";
import type { RValue } from "../store/db.ts";
import { cmd, type CommandDef, keySpec } from "./types.ts";
import { eqi, parseDouble, parseI64, parseScanArgs, strtod } from "./args.ts";
import { stringMatch } from "../store/glob.ts";
import { parseScanCursor } from "../store/scan.ts";
import { formatDouble } from "../protocol/reply.ts";
import { type Below, ZSet } from "../types/zset.ts";
import { blockForKeys, mustNotBlock, parseTimeout, signalKeyAsReady } from "../server/blocking.ts";

const NOT_FLOAT = "ERR value is not a valid float";
const NAN_ERR = "ERR resulting score is not a number (NaN)";
const RANGE_NOT_FLOAT = "ERR min or max is not a float";
const RANGE_NOT_LEX = "ERR min or max not valid string range item";
const LONG_MAX = 9223372036854775807n;

// ---- helpers -----------------------------------------------------------------------------------

export function lookupRead(c: Client, key: string): RValue | undefined {
  const v = c.db.lookupRead(key);
  if (v === undefined) {
    c.server.stats.keyspaceMisses++;
    c.server.notify("m", "keymiss", key, c.db.id);
  } else c.server.stats.keyspaceHits++;
  return v;
}

/** Replies WRONGTYPE and returns true when `v` exists and is not a zset. */
export function notZset(c: Client, v: RValue | undefined): boolean {
  if (v === undefined || v instanceof ZSet) return false;
  c.addErrorWrongType();
  return true;
}

/**
 * A score as Redis prints it (%.17g). Integral scores in the safe range print as their decimal
 * digits, which is what %.17g gives for them; skip formatDouble's general path for those.
 */
function scoreString(s: number): string {
  return Number.isSafeInteger(s) && !Object.is(s, -0) ? String(s) : formatDouble(s);
}

/** addReplyDouble for a score, with the integral fast path. */
function addScore(c: Client, s: number): void {
  if (Number.isSafeInteger(s) && !Object.is(s, -0)) {
    const t = String(s);
    if (c.resp === 3) c.writeAscii("," + t + "\r\n");
    else c.addBulk(t);
  } else c.addDouble(s);
}

function maxEntries(c: Client): number {
  return c.server.config.getNumber("zset-max-listpack-entries");
}

function maxValue(c: Client): number {
  return c.server.config.getNumber("zset-max-listpack-value");
}

/** Wake clients blocked on `key` (BZPOP*, BZMPOP). */
function signalReady(c: Client, key: string): void {
  signalKeyAsReady(c.db, key);
}

/** zsetAdd's encoding check before inserting a new member. */
function zaddConvert(c: Client, z: ZSet, member: string): void {
  if (z.listpack && (z.size + 1 > maxEntries(c) || member.length > maxValue(c))) {
    z.listpack = false;
  }
}

/** getLongFromObjectOrReply: a JS number (clamped beyond ±2^53) or null after the error. */
function getLong(c: Client, s: string, msg?: string): number | null {
  const v = parseI64(s);
  if (v === null) {
    c.addError(msg ?? "ERR value is not an integer or out of range");
    return null;
  }
  if (typeof v === "bigint") return v > 0n ? Number.MAX_SAFE_INTEGER : -Number.MAX_SAFE_INTEGER;
  return v;
}

/** getRangeLongFromObjectOrReply. */
function getRangeLong(c: Client, s: string, min: bigint, max: bigint, msg?: string): number | null {
  const v = parseI64(s);
  if (v === null) {
    c.addError(msg ? "ERR " + msg : "ERR value is not an integer or out of range");
    return null;
  }
  const b = BigInt(v);
  if (b < min || b > max) {
    c.addError(
      msg ? "ERR " + msg : `ERR value is out of range, value must between ${min} and ${max}`,
    );
    return null;
  }
  return typeof v === "bigint" ? (v > 0n ? Number.MAX_SAFE_INTEGER : -Number.MAX_SAFE_INTEGER) : v;
}

/** C strtod over the whole string as zslParseRange uses it; null when invalid or NaN. */
function rangeStrtod(s: string): number | null {
  const nul = s.indexOf("\0");
  if (nul >= 0) s = s.slice(0, nul);
  if (s.length === 0) return 0;
  let i = 0;
  while (i < s.length && " \t\n\v\f\r".includes(s[i])) i++;
  const v = strtod(s.slice(i));
  if (v === null || Number.isNaN(v)) return null;
  return v;
}

interface ScoreRange {
  min: number;
  max: number;
  minex: boolean;
  maxex: boolean;
}

function parseScoreItem(s: string): [number, boolean] | null {
  if (s.charCodeAt(0) === 40) {
    const v = rangeStrtod(s.slice(1));
    return v === null ? null : [v, true];
  }
  const v = rangeStrtod(s);
  return v === null ? null : [v, false];
}

function parseScoreRange(min: string, max: string): ScoreRange | null {
  const a = parseScoreItem(min);
  const b = parseScoreItem(max);
  if (a === null || b === null) return null;
  return { min: a[0], minex: a[1], max: b[0], maxex: b[1] };
}

/** A lex bound: inf -1 is "-", +1 is "+". */
interface LexItem {
  s: string;
  ex: boolean;
  inf: number;
}

function parseLexItem(s: string): LexItem | null {
  const c0 = s.charCodeAt(0);
  if (c0 === 43 || c0 === 45) {
    if (s.length !== 1) return null;
    return { s: "", ex: true, inf: c0 === 43 ? 1 : -1 };
  }
  if (c0 === 40) return { s: s.slice(1), ex: true, inf: 0 };
  if (c0 === 91) return { s: s.slice(1), ex: false, inf: 0 };
  return null;
}

/** [first rank, end rank) of entries within a score range. */
function scoreSpan(z: ZSet, r: ScoreRange): [number, number] {
  const lo = z.countBelow(r.minex ? (s) => s <= r.min : (s) => s < r.min);
  const hi = z.countBelow(r.maxex ? (s) => s < r.max : (s) => s <= r.max);
  return [lo, Math.max(lo, hi)];
}

function lexBelowMin(b: LexItem): Below {
  if (b.inf < 0) return () => false;
  if (b.inf > 0) return () => true;
  return b.ex ? (_s, m) => m <= b.s : (_s, m) => m < b.s;
}

function lexBelowOrInMax(b: LexItem): Below {
  if (b.inf < 0) return () => false;
  if (b.inf > 0) return () => true;
  return b.ex ? (_s, m) => m < b.s : (_s, m) => m <= b.s;
}

function lexSpan(z: ZSet, min: LexItem, max: LexItem): [number, number] {
  const lo = z.countBelow(lexBelowMin(min));
  const hi = z.countBelow(lexBelowOrInMax(max));
  return [lo, Math.max(lo, hi)];
}

/** Store a new zset at `dst` as setKey (clears TTL), firing "new" when created. */
export function storeZset(c: Client, dst: string, z: ZSet): void {
  const db = c.db;
  const n = db.size;
  db.set(dst, z);
  if (db.size !== n) c.server.notify("n", "new", dst, db.id);
  c.server.signalModifiedKey(db, dst);
  signalReady(c, dst);
}

/** Delete a key that became empty, with the "del" event. */
function deleteEmptied(c: Client, key: string): void {
  c.db.removeKey(key);
  c.server.notify("g", "del", key, c.db.id);
}

/** zsetConvertToListpackIfNeeded for a freshly built result. */
export function maybeListpack(c: Client, z: ZSet): void {
  if (z.size > maxEntries(c)) return;
  const mv = maxValue(c);
  for (const m of z.dict.keys()) if (m.length > mv) return;
  z.convertToListpack();
}

// ---- ZADD / ZINCRBY / ZREM ---------------------------------------------------------------------

const Z_NX = 1;
const Z_XX = 2;
const Z_GT = 4;
const Z_LT = 8;
const Z_INCR = 16;

/** `scores`: already parsed (GEOADD), the score slots of argv are then not read. */
export function zaddGeneric(c: Client, argv: string[], inFlags: number, scores?: number[]): void {
  const key = argv[1];
  let flags = inFlags;
  let ch = false;
  let idx = 2;
  while (idx < argv.length) {
    const o = argv[idx];
    if (eqi(o, "NX")) flags |= Z_NX;
    else if (eqi(o, "XX")) flags |= Z_XX;
    else if (eqi(o, "CH")) ch = true;
    else if (eqi(o, "INCR")) flags |= Z_INCR;
    else if (eqi(o, "GT")) flags |= Z_GT;
    else if (eqi(o, "LT")) flags |= Z_LT;
    else break;
    idx++;
  }
  const incr = (flags & Z_INCR) !== 0;
  const nx = (flags & Z_NX) !== 0;
  const xx = (flags & Z_XX) !== 0;
  const gt = (flags & Z_GT) !== 0;
  const lt = (flags & Z_LT) !== 0;
  let elements = argv.length - idx;
  if (elements % 2 !== 0 || elements === 0) return c.addErrorSyntax();
  elements /= 2;
  if (nx && xx) return c.addError("ERR XX and NX options at the same time are not compatible");
  if ((gt && nx) || (lt && nx) || (gt && lt)) {
    return c.addError("ERR GT, LT, and/or NX options at the same time are not compatible");
  }
  if (incr && elements > 1) {
    return c.addError("ERR INCR option supports a single increment-element pair");
  }
  if (scores === undefined) {
    scores = new Array(elements);
    for (let j = 0; j < elements; j++) {
      const v = parseDouble(argv[idx + j * 2]);
      if (v === null) return c.addError(NOT_FLOAT);
      scores[j] = v;
    }
  }
  const db = c.db;
  const v = db.lookupWrite(key);
  if (notZset(c, v)) return;
  let z = v as ZSet | undefined;
  let added = 0;
  let updated = 0;
  let processed = 0;
  let score = 0;
  let err = false;
  if (z === undefined) {
    if (xx) return replyZadd(c, incr, ch, processed, score, added, updated);
    z = new ZSet(!(maxEntries(c) === 0 || maxValue(c) < argv[idx + 1].length));
    db.set(key, z);
    c.server.notify("n", "new", key, db.id);
  }
  for (let j = 0; j < elements; j++) {
    score = scores[j];
    const ele = argv[idx + 1 + j * 2];
    const cur = z.score(ele);
    if (cur !== undefined) {
      if (nx) continue;
      if (incr) {
        score += cur;
        if (Number.isNaN(score)) {
          err = true;
          break;
        }
      }
      if ((lt && score >= cur) || (gt && score <= cur)) continue;
      processed++;
      if (score !== cur) {
        z.update(ele, score);
        updated++;
      }
    } else if (!xx) {
      zaddConvert(c, z, ele);
      z.insert(ele, score);
      added++;
      processed++;
    }
  }
  if (err) c.addError(NAN_ERR);
  else {
    c.server.dirty += added + updated;
    replyZadd(c, incr, ch, processed, score, added, updated);
  }
  if (added || updated) {
    c.server.signalModifiedKey(db, key);
    c.server.notify("z", incr ? "zincr" : "zadd", key, db.id);
    if (added) signalReady(c, key);
  }
}

function replyZadd(
  c: Client,
  incr: boolean,
  ch: boolean,
  processed: number,
  score: number,
  added: number,
  updated: number,
): void {
  if (incr) {
    if (processed) addScore(c, score);
    else c.addNull();
  } else c.addInt(ch ? added + updated : added);
}

function zaddCommand(c: Client, argv: string[]): void {
  zaddGeneric(c, argv, 0);
}

function zincrbyCommand(c: Client, argv: string[]): void {
  zaddGeneric(c, argv, Z_INCR);
}

function zremCommand(c: Client, argv: string[]): void {
  const key = argv[1];
  const v = c.db.lookupWrite(key);
  if (v === undefined) return c.addInt(0);
  if (notZset(c, v)) return;
  const z = v as ZSet;
  let deleted = 0;
  let removed = false;
  for (let j = 2; j < argv.length; j++) {
    if (z.remove(argv[j])) deleted++;
    if (z.size === 0) {
      c.db.removeKey(key);
      removed = true;
      break;
    }
  }
  if (deleted) {
    c.server.notify("z", "zrem", key, c.db.id);
    if (removed) c.server.notify("g", "del", key, c.db.id);
    c.server.signalModifiedKey(c.db, key);
    c.server.dirty += deleted;
  }
  c.addInt(deleted);
}

// ---- ZREMRANGEBY* -------------------------------------------------------------------------------

const BY_RANK = 0;
const BY_SCORE = 1;
const BY_LEX = 2;

function zremrangeGeneric(c: Client, argv: string[], type: number): void {
  const key = argv[1];
  let start = 0;
  let end = 0;
  let sr: ScoreRange | null = null;
  let lmin: LexItem | null = null;
  let lmax: LexItem | null = null;
  let event: string;
  if (type === BY_RANK) {
    event = "zremrangebyrank";
    const a = getLong(c, argv[2]);
    if (a === null) return;
    const b = getLong(c, argv[3]);
    if (b === null) return;
    start = a;
    end = b;
  } else if (type === BY_SCORE) {
    event = "zremrangebyscore";
    sr = parseScoreRange(argv[2], argv[3]);
    if (sr === null) return c.addError(RANGE_NOT_FLOAT);
  } else {
    event = "zremrangebylex";
    lmin = parseLexItem(argv[2]);
    lmax = parseLexItem(argv[3]);
    if (lmin === null || lmax === null) return c.addError(RANGE_NOT_LEX);
  }
  const v = c.db.lookupWrite(key);
  if (v === undefined) return c.addInt(0);
  if (notZset(c, v)) return;
  const z = v as ZSet;
  let lo: number;
  let hi: number;
  if (type === BY_RANK) {
    const llen = z.size;
    if (start < 0) start = llen + start;
    if (end < 0) end = llen + end;
    if (start < 0) start = 0;
    if (start > end || start >= llen) return c.addInt(0);
    if (end >= llen) end = llen - 1;
    lo = start;
    hi = end + 1;
  } else if (type === BY_SCORE) [lo, hi] = scoreSpan(z, sr!);
  else [lo, hi] = lexSpan(z, lmin!, lmax!);
  const victims = z.members(lo, hi - 1);
  for (const m of victims) z.remove(m);
  const deleted = victims.length;
  let removed = false;
  if (z.size === 0) {
    c.db.removeKey(key);
    removed = true;
  }
  if (deleted) {
    c.server.signalModifiedKey(c.db, key);
    c.server.notify("z", event, key, c.db.id);
    if (removed) c.server.notify("g", "del", key, c.db.id);
  }
  c.server.dirty += deleted;
  c.addInt(deleted);
}

function zremrangebyrankCommand(c: Client, argv: string[]): void {
  zremrangeGeneric(c, argv, BY_RANK);
}
function zremrangebyscoreCommand(c: Client, argv: string[]): void {
  zremrangeGeneric(c, argv, BY_SCORE);
}
function zremrangebylexCommand(c: Client, argv: string[]): void {
  zremrangeGeneric(c, argv, BY_LEX);
}

// ---- simple reads -------------------------------------------------------------------------------

function readZset(c: Client, key: string, onMissing: () => void): ZSet | null {
  const v = lookupRead(c, key);
  if (v === undefined) {
    onMissing();
    return null;
  }
  if (notZset(c, v)) return null;
  return v as ZSet;
}

function zcardCommand(c: Client, argv: string[]): void {
  const z = readZset(c, argv[1], () => c.addInt(0));
  if (z) c.addInt(z.size);
}

function zcountCommand(c: Client, argv: string[]): void {
  const r = parseScoreRange(argv[2], argv[3]);
  if (r === null) return c.addError(RANGE_NOT_FLOAT);
  const z = readZset(c, argv[1], () => c.addInt(0));
  if (!z) return;
  const [lo, hi] = scoreSpan(z, r);
  c.addInt(hi - lo);
}

function zlexcountCommand(c: Client, argv: string[]): void {
  const a = parseLexItem(argv[2]);
  const b = parseLexItem(argv[3]);
  if (a === null || b === null) return c.addError(RANGE_NOT_LEX);
  const z = readZset(c, argv[1], () => c.addInt(0));
  if (!z) return;
  const [lo, hi] = lexSpan(z, a, b);
  c.addInt(hi - lo);
}

function zscoreCommand(c: Client, argv: string[]): void {
  const z = readZset(c, argv[1], () => c.addNull());
  if (!z) return;
  const s = z.score(argv[2]);
  if (s === undefined) c.addNull();
  else addScore(c, s);
}

function zmscoreCommand(c: Client, argv: string[]): void {
  const v = lookupRead(c, argv[1]);
  if (notZset(c, v)) return;
  const z = v as ZSet | undefined;
  c.addArrayLen(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const s = z?.score(argv[j]);
    if (s === undefined) c.addNull();
    else addScore(c, s);
  }
}

function zrankGeneric(c: Client, argv: string[], reverse: boolean): void {
  const z = readZset(c, argv[1], () => c.addNull());
  if (!z) return;
  if (z.score(argv[2]) === undefined) return c.addNull();
  const r = z.rank(argv[2]);
  c.addInt(reverse ? z.size - 1 - r : r);
}

function zrankCommand(c: Client, argv: string[]): void {
  zrankGeneric(c, argv, false);
}
function zrevrankCommand(c: Client, argv: string[]): void {
  zrankGeneric(c, argv, true);
}

// ---- ZRANGE and friends ------------------------------------------------------------------------

const DIR_AUTO = 0;
const DIR_FWD = 1;
const DIR_REV = 2;
const T_AUTO = -1;

/** Where range results go: the client, or a new zset for ZRANGESTORE. */
interface RangeSink {
  withscores: boolean;
  store: string | null;
  out: ZSet | null;
  lenAt: number;
}

function sinkBegin(c: Client, k: RangeSink, length: number): void {
  if (k.store !== null) {
    k.out = new ZSet(length <= maxEntries(c));
    return;
  }
  if (length > 0) {
    c.addArrayLen(k.withscores && c.resp === 2 ? length * 2 : length);
    k.lenAt = -1;
  } else k.lenAt = c.deferLen();
}

function sinkEmit(c: Client, k: RangeSink, m: string, s: number): void {
  if (k.out !== null) {
    zaddConvert(c, k.out, m);
    k.out.insert(m, s);
    return;
  }
  if (k.withscores && c.resp > 2) c.addArrayLen(2);
  c.addBulk(m);
  if (k.withscores) addScore(c, s);
}

function sinkEnd(c: Client, k: RangeSink, count: number): void {
  if (k.store !== null) {
    if (count) {
      storeZset(c, k.store, k.out!);
      c.addInt(count);
      c.server.notify("z", "zrangestore", k.store, c.db.id);
      c.server.dirty++;
    } else {
      c.addInt(0);
      if (c.db.delete(k.store)) {
        c.server.signalModifiedKey(c.db, k.store);
        c.server.notify("g", "del", k.store, c.db.id);
        c.server.dirty++;
      }
    }
    return;
  }
  if (k.lenAt >= 0) c.setDeferredArray(k.lenAt, k.withscores && c.resp === 2 ? count * 2 : count);
}

function rangeByRank(
  c: Client,
  k: RangeSink,
  z: ZSet,
  start: number,
  end: number,
  reverse: boolean,
): void {
  const llen = z.size;
  if (start < 0) start = llen + start;
  if (end < 0) end = llen + end;
  if (start < 0) start = 0;
  if (start > end || start >= llen) {
    sinkBegin(c, k, 0);
    sinkEnd(c, k, 0);
    return;
  }
  if (end >= llen) end = llen - 1;
  let n = end - start + 1;
  const total = n;
  sinkBegin(c, k, n);
  z.walk(reverse ? llen - 1 - start : start, reverse, (m, s) => {
    sinkEmit(c, k, m, s);
    return --n > 0;
  });
  sinkEnd(c, k, total);
}

/** Emit ranks [lo, hi) after OFFSET/LIMIT, forward or reverse. */
function rangeSpan(
  c: Client,
  k: RangeSink,
  z: ZSet,
  lo: number,
  hi: number,
  offset: number,
  limit: number,
  reverse: boolean,
): void {
  sinkBegin(c, k, -1);
  if (offset > 0 && offset >= z.size) return sinkEnd(c, k, 0);
  if (offset < 0) return sinkEnd(c, k, 0);
  let avail = hi - lo - offset;
  if (avail <= 0) return sinkEnd(c, k, 0);
  if (limit >= 0 && limit < avail) avail = limit;
  let n = avail;
  if (n > 0) {
    z.walk(reverse ? hi - 1 - offset : lo + offset, reverse, (m, s) => {
      sinkEmit(c, k, m, s);
      return --n > 0;
    });
  }
  sinkEnd(c, k, avail);
}

/** zrangeGenericCommand: argv[argStart] is the key. */
function zrangeGeneric(
  c: Client,
  argv: string[],
  argStart: number,
  store: string | null,
  type: number,
  dir: number,
): void {
  const key = argv[argStart];
  let minIdx = argStart + 1;
  let maxIdx = argStart + 2;
  let withscores = false;
  let offset = 0;
  let limit = -1;
  for (let j = argStart + 3; j < argv.length; j++) {
    const left = argv.length - j - 1;
    const a = argv[j];
    if (store === null && eqi(a, "WITHSCORES")) withscores = true;
    else if (eqi(a, "LIMIT") && left >= 2) {
      const o = getLong(c, argv[j + 1]);
      if (o === null) return;
      const l = getLong(c, argv[j + 2]);
      if (l === null) return;
      offset = o;
      limit = l;
      j += 2;
    } else if (dir === DIR_AUTO && eqi(a, "REV")) dir = DIR_REV;
    else if (type === T_AUTO && eqi(a, "BYLEX")) type = BY_LEX;
    else if (type === T_AUTO && eqi(a, "BYSCORE")) type = BY_SCORE;
    else return c.addErrorSyntax();
  }
  if (dir === DIR_AUTO) dir = DIR_FWD;
  if (type === T_AUTO) type = BY_RANK;
  if (limit !== -1 && type === BY_RANK) {
    return c.addError(
      "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
    );
  }
  if (withscores && type === BY_LEX) {
    return c.addError("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
  }
  const reverse = dir === DIR_REV;
  if (reverse && type !== BY_RANK) [minIdx, maxIdx] = [maxIdx, minIdx];
  let start = 0;
  let end = 0;
  let sr: ScoreRange | null = null;
  let lmin: LexItem | null = null;
  let lmax: LexItem | null = null;
  if (type === BY_RANK) {
    const a = getLong(c, argv[minIdx]);
    if (a === null) return;
    const b = getLong(c, argv[maxIdx]);
    if (b === null) return;
    start = a;
    end = b;
  } else if (type === BY_SCORE) {
    sr = parseScoreRange(argv[minIdx], argv[maxIdx]);
    if (sr === null) return c.addError(RANGE_NOT_FLOAT);
  } else {
    lmin = parseLexItem(argv[minIdx]);
    lmax = parseLexItem(argv[maxIdx]);
    if (lmin === null || lmax === null) return c.addError(RANGE_NOT_LEX);
  }
  const k: RangeSink = {
    withscores: withscores || store !== null,
    store,
    out: null,
    lenAt: -1,
  };
  const v = lookupRead(c, key);
  if (v === undefined) {
    if (store !== null) {
      sinkBegin(c, k, -1);
      sinkEnd(c, k, 0);
    } else c.addEmptyArray();
    return;
  }
  if (notZset(c, v)) return;
  const z = v as ZSet;
  if (type === BY_RANK) return rangeByRank(c, k, z, start, end, reverse);
  const [lo, hi] = type === BY_SCORE ? scoreSpan(z, sr!) : lexSpan(z, lmin!, lmax!);
  rangeSpan(c, k, z, lo, hi, offset, limit, reverse);
}

function zrangeCommand(c: Client, argv: string[]): void {
  zrangeGeneric(c, argv, 1, null, T_AUTO, DIR_AUTO);
}
function zrangestoreCommand(c: Client, argv: string[]): void {
  zrangeGeneric(c, argv, 2, argv[1], T_AUTO, DIR_AUTO);
}
function zrevrangeCommand(c: Client, argv: string[]): void {
  zrangeGeneric(c, argv, 1, null, BY_RANK, DIR_REV);
}
function zrangebyscoreCommand(c: Client, argv: string[]): void {
  zrangeGeneric(c, argv, 1, null, BY_SCORE, DIR_FWD);
}
function zrevrangebyscoreCommand(c: Client, argv: string[]): void {
  zrangeGeneric(c, argv, 1, null, BY_SCORE, DIR_REV);
}
function zrangebylexCommand(c: Client, argv: string[]): void {
  zrangeGeneric(c, argv, 1, null, BY_LEX, DIR_FWD);
}
function zrevrangebylexCommand(c: Client, argv: string[]): void {
  zrangeGeneric(c, argv, 1, null, BY_LEX, DIR_REV);
}

// ---- ZUNION / ZINTER / ZDIFF -------------------------------------------------------------------

const OP_UNION = 0;
const OP_INTER = 1;
const OP_DIFF = 2;
const AGG_SUM = 0;
const AGG_MIN = 1;
const AGG_MAX = 2;

interface SetLike {
  type: string;
  size: number;
  has(m: string): boolean;
  values(): Iterable<string>;
}

interface OpSrc {
  z: ZSet | null;
  set: SetLike | null;
  weight: number;
  len: number;
}

function srcScore(src: OpSrc, m: string): number | undefined {
  if (src.z !== null) return src.z.score(m);
  if (src.set !== null) return src.set.has(m) ? 1 : undefined;
  return undefined;
}

/** Iterate a source: zsets in order (score), sets as they iterate (score 1). */
function srcEach(src: OpSrc, fn: (m: string, s: number) => boolean | void): void {
  if (src.z !== null) {
    let stop = false;
    src.z.walk(0, false, (m, s) => {
      stop = fn(m, s) === false;
      return !stop;
    });
  } else if (src.set !== null) {
    for (const m of src.set.values()) if (fn(m, 1) === false) return;
  }
}

function aggregate(target: number, val: number, agg: number): number {
  if (agg === AGG_SUM) {
    const r = target + val;
    return Number.isNaN(r) ? 0 : r;
  }
  if (agg === AGG_MIN) return val < target ? val : target;
  return val > target ? val : target;
}

function zsetOpGeneric(
  c: Client,
  argv: string[],
  dst: string | null,
  numIdx: number,
  op: number,
  cardOnly: boolean,
  name: string,
): void {
  const setnum = getLong(c, argv[numIdx]);
  if (setnum === null) return;
  if (setnum < 1) {
    return c.addError(`ERR at least 1 input key is needed for '${name}' command`);
  }
  if (setnum > argv.length - (numIdx + 1)) return c.addErrorSyntax();
  const srcs: OpSrc[] = [];
  let j = numIdx + 1;
  for (let i = 0; i < setnum; i++, j++) {
    const v = lookupRead(c, argv[j]);
    const src: OpSrc = { z: null, set: null, weight: 1, len: 0 };
    if (v !== undefined) {
      if (v instanceof ZSet) {
        src.z = v;
        src.len = v.size;
      } else if (typeof v !== "string" && v.type === "set") {
        src.set = v as unknown as SetLike;
        src.len = src.set.size;
      } else return c.addErrorWrongType();
    }
    srcs.push(src);
  }
  let agg = AGG_SUM;
  let withscores = false;
  let limit = 0;
  let remaining = argv.length - j;
  while (remaining > 0) {
    const a = argv[j];
    if (op !== OP_DIFF && !cardOnly && remaining >= setnum + 1 && eqi(a, "WEIGHTS")) {
      j++;
      remaining--;
      for (let i = 0; i < setnum; i++, j++, remaining--) {
        const w = parseDouble(argv[j]);
        if (w === null) return c.addError("ERR weight value is not a float");
        srcs[i].weight = w;
      }
    } else if (op !== OP_DIFF && !cardOnly && remaining >= 2 && eqi(a, "AGGREGATE")) {
      j++;
      remaining--;
      const b = argv[j];
      if (eqi(b, "SUM")) agg = AGG_SUM;
      else if (eqi(b, "MIN")) agg = AGG_MIN;
      else if (eqi(b, "MAX")) agg = AGG_MAX;
      else return c.addErrorSyntax();
      j++;
      remaining--;
    } else if (remaining >= 1 && dst === null && !cardOnly && eqi(a, "WITHSCORES")) {
      j++;
      remaining--;
      withscores = true;
    } else if (cardOnly && remaining >= 2 && eqi(a, "LIMIT")) {
      j++;
      remaining--;
      const l = getRangeLong(c, argv[j], 0n, LONG_MAX, "LIMIT can't be negative");
      if (l === null) return;
      limit = l;
      j++;
      remaining--;
    } else return c.addErrorSyntax();
  }
  if (op !== OP_DIFF) srcs.sort((x, y) => x.len - y.len);
  const out = new ZSet(false);
  let card = 0;
  if (op === OP_INTER) {
    if (srcs[0].len > 0) {
      const s0 = srcs[0];
      srcEach(s0, (m, s) => {
        let score = s0.weight * s;
        if (Number.isNaN(score)) score = 0;
        let i = 1;
        for (; i < setnum; i++) {
          const sj = srcs[i];
          let val: number | undefined;
          if ((sj.z !== null && sj.z === s0.z) || (sj.set !== null && sj.set === s0.set)) val = s;
          else val = srcScore(sj, m);
          if (val === undefined) break;
          score = aggregate(score, val * sj.weight, agg);
        }
        if (i === setnum) {
          if (cardOnly) {
            card++;
            if (limit && card >= limit) return false;
          } else out.insert(m, score);
        }
      });
    }
  } else if (op === OP_UNION) {
    const acc = new Map<string, number>();
    for (const src of srcs) {
      if (src.len === 0) continue;
      srcEach(src, (m, s) => {
        let score = src.weight * s;
        if (Number.isNaN(score)) score = 0;
        const cur = acc.get(m);
        acc.set(m, cur === undefined ? score : aggregate(cur, score, agg));
      });
    }
    for (const [m, s] of acc) out.insert(m, s);
  } else {
    const s0 = srcs[0];
    if (s0.len > 0) {
      srcEach(s0, (m, s) => {
        for (let i = 1; i < setnum; i++) if (srcScore(srcs[i], m) !== undefined) return;
        out.insert(m, s);
      });
    }
  }
  if (dst !== null) {
    if (out.size) {
      maybeListpack(c, out);
      storeZset(c, dst, out);
      c.addInt(out.size);
      c.server.notify(
        "z",
        op === OP_UNION ? "zunionstore" : op === OP_INTER ? "zinterstore" : "zdiffstore",
        dst,
        c.db.id,
      );
      c.server.dirty++;
    } else {
      c.addInt(0);
      if (c.db.delete(dst)) {
        c.server.signalModifiedKey(c.db, dst);
        c.server.notify("g", "del", dst, c.db.id);
        c.server.dirty++;
      }
    }
  } else if (cardOnly) c.addInt(card);
  else {
    c.addArrayLen(withscores && c.resp === 2 ? out.size * 2 : out.size);
    out.forEach((m, s) => {
      if (withscores && c.resp > 2) c.addArrayLen(2);
      c.addBulk(m);
      if (withscores) addScore(c, s);
    });
  }
}

function zunionstoreCommand(c: Client, argv: string[]): void {
  zsetOpGeneric(c, argv, argv[1], 2, OP_UNION, false, "zunionstore");
}
function zinterstoreCommand(c: Client, argv: string[]): void {
  zsetOpGeneric(c, argv, argv[1], 2, OP_INTER, false, "zinterstore");
}
function zdiffstoreCommand(c: Client, argv: string[]): void {
  zsetOpGeneric(c, argv, argv[1], 2, OP_DIFF, false, "zdiffstore");
}
function zunionCommand(c: Client, argv: string[]): void {
  zsetOpGeneric(c, argv, null, 1, OP_UNION, false, "zunion");
}
function zinterCommand(c: Client, argv: string[]): void {
  zsetOpGeneric(c, argv, null, 1, OP_INTER, false, "zinter");
}
function zintercardCommand(c: Client, argv: string[]): void {
  zsetOpGeneric(c, argv, null, 1, OP_INTER, true, "zintercard");
}
function zdiffCommand(c: Client, argv: string[]): void {
  zsetOpGeneric(c, argv, null, 1, OP_DIFF, false, "zdiff");
}

// ---- pops ---------------------------------------------------------------------------------------

const MIN = 0;
const MAX = 1;

/**
 * genericZpopCommand. count -1 is a plain single pop. Returns the key popped from, or null.
 */
function zpopGeneric(
  c: Client,
  keys: string[],
  where: number,
  emitKey: boolean,
  count: number,
  nested: boolean,
  nilWhenEmpty: boolean,
): string | null {
  let z: ZSet | undefined;
  let key = "";
  for (const k of keys) {
    const v = c.db.lookupWrite(k);
    if (v === undefined) continue;
    if (notZset(c, v)) return null;
    z = v as ZSet;
    key = k;
    break;
  }
  if (z === undefined) {
    if (nilWhenEmpty) c.addNullArray();
    else c.addEmptyArray();
    return null;
  }
  if (count === 0) {
    c.addEmptyArray();
    return null;
  }
  if (count === -1) count = 1;
  const llen = z.size;
  let n = count > llen ? llen : count;
  if (!nested && !emitKey) c.addArrayLen(n * 2);
  else if (nested && !emitKey) c.addArrayLen(n);
  else if (!nested && emitKey) {
    c.addArrayLen(n * 2 + 1);
    c.addBulk(key);
  } else {
    c.addArrayLen(2);
    c.addBulk(key);
    c.addArrayLen(n);
  }
  let first = true;
  while (n-- > 0) {
    const e = where === MAX ? z.last()! : z.first()!;
    z.remove(e[0]);
    c.server.dirty++;
    if (first) {
      c.server.notify("z", where === MAX ? "zpopmax" : "zpopmin", key, c.db.id);
      c.server.signalModifiedKey(c.db, key);
      first = false;
    }
    if (nested) c.addArrayLen(2);
    c.addBulk(e[0]);
    addScore(c, e[1]);
  }
  if (z.size === 0) deleteEmptied(c, key);
  return key;
}

function zpopMinMax(c: Client, argv: string[], where: number): void {
  if (argv.length > 3) return c.addErrorSyntax();
  let count = -1;
  if (argv.length === 3) {
    const v = getRangeLong(c, argv[2], 0n, LONG_MAX, "value is out of range, must be positive");
    if (v === null) return;
    count = v;
  }
  zpopGeneric(c, [argv[1]], where, false, count, c.resp > 2 && count !== -1, false);
}

function zpopminCommand(c: Client, argv: string[]): void {
  zpopMinMax(c, argv, MIN);
}
function zpopmaxCommand(c: Client, argv: string[]): void {
  zpopMinMax(c, argv, MAX);
}

/** Parse ZMPOP/BZMPOP arguments from numkeys: [keys, where, count] or null after an error. */
function parseMpop(c: Client, argv: string[], numIdx: number): [string[], number, number] | null {
  const numkeys = getRangeLong(c, argv[numIdx], 1n, LONG_MAX, "numkeys should be greater than 0");
  if (numkeys === null) return null;
  const whereIdx = numIdx + numkeys + 1;
  if (whereIdx >= argv.length) {
    c.addErrorSyntax();
    return null;
  }
  let where: number;
  if (eqi(argv[whereIdx], "MIN")) where = MIN;
  else if (eqi(argv[whereIdx], "MAX")) where = MAX;
  else {
    c.addErrorSyntax();
    return null;
  }
  let count = -1;
  for (let j = whereIdx + 1; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (count === -1 && eqi(argv[j], "COUNT") && more) {
      j++;
      const v = getRangeLong(c, argv[j], 1n, LONG_MAX, "count should be greater than 0");
      if (v === null) return null;
      count = v;
    } else {
      c.addErrorSyntax();
      return null;
    }
  }
  if (count === -1) count = 1;
  return [argv.slice(numIdx + 1, numIdx + 1 + numkeys), where, count];
}

function zmpopCommand(c: Client, argv: string[]): void {
  const p = parseMpop(c, argv, 1);
  if (p === null) return;
  // The zset's size before the pop (for the replicated count): lookups below are the same.
  let len = 0;
  for (const k of p[0]) {
    const v = c.db.peek(k);
    if (v instanceof ZSet) {
      len = v.size;
      break;
    } else if (v !== undefined) break;
  }
  const key = zpopGeneric(c, p[0], p[1], true, p[2], true, true);
  if (key !== null) c.propagateArgv = zpopPropagation(key, p[1], p[2], len);
}

/** How a ZMPOP/BZPOP* pop is replicated: ZPOPMIN|ZPOPMAX key [min(count, size)]. */
function zpopPropagation(key: string, where: number, count: number, len: number): string[] {
  const argv = [where === MAX ? "ZPOPMAX" : "ZPOPMIN", key];
  if (count !== -1) argv.push(String(count > len ? len : count));
  return argv;
}

// ---- blocking pops -----------------------------------------------------------------------------

function blockingZpop(
  c: Client,
  keys: string[],
  where: number,
  timeoutArg: string,
  count: number,
  nested: boolean,
  nilWhenEmpty: boolean,
): void {
  const timeout = parseTimeout(c, timeoutArg);
  if (timeout === null) return;
  for (const key of keys) {
    const v = c.db.lookupWrite(key);
    if (v === undefined) continue;
    if (notZset(c, v)) return;
    if ((v as ZSet).size === 0) continue;
    c.propagateArgv = zpopPropagation(key, where, count, (v as ZSet).size);
    zpopGeneric(c, [key], where, true, count, nested, nilWhenEmpty);
    return;
  }
  if (mustNotBlock(c)) {
    c.addNullArray();
    return;
  }
  blockForKeys(c, keys, timeout, (bc, key) => {
    const v = bc.db.lookupWrite(key);
    if (!(v instanceof ZSet) || v.size === 0) return false;
    alsoPropagate(bc.server, bc.db.id, zpopPropagation(key, where, count, v.size));
    zpopGeneric(bc, [key], where, true, count, nested, nilWhenEmpty);
    return true;
  }, (bc) => bc.addNullArray());
}

function bzpopminCommand(c: Client, argv: string[]): void {
  blockingZpop(c, argv.slice(1, -1), MIN, argv[argv.length - 1], -1, false, false);
}
function bzpopmaxCommand(c: Client, argv: string[]): void {
  blockingZpop(c, argv.slice(1, -1), MAX, argv[argv.length - 1], -1, false, false);
}
function bzmpopCommand(c: Client, argv: string[]): void {
  const p = parseMpop(c, argv, 2);
  if (p === null) return;
  blockingZpop(c, p[0], p[1], argv[1], p[2], true, true);
}

// ---- ZRANDMEMBER --------------------------------------------------------------------------------

function zrandmemberCommand(c: Client, argv: string[]): void {
  if (argv.length >= 3) {
    const l = getRangeLong(c, argv[2], -LONG_MAX, LONG_MAX);
    if (l === null) return;
    let withscores = false;
    if (argv.length > 4 || (argv.length === 4 && !eqi(argv[3], "WITHSCORES"))) {
      return c.addErrorSyntax();
    } else if (argv.length === 4) {
      withscores = true;
      const big = BigInt(parseI64(argv[2])!);
      if (big < -LONG_MAX / 2n || big > LONG_MAX / 2n) {
        return c.addError("ERR value is out of range");
      }
    }
    return zrandmemberWithCount(c, argv[1], l, withscores);
  }
  const z = readZset(c, argv[1], () => c.addNull());
  if (!z) return;
  const e = z.seek(Math.floor(Math.random() * z.size));
  c.addBulk(e.leaf.m[e.i]);
}

function randomEntry(z: ZSet): [string, number] {
  const e = z.seek(Math.floor(Math.random() * z.size));
  return [e.leaf.m[e.i], e.leaf.s[e.i]];
}

function zrandmemberWithCount(c: Client, key: string, l: number, withscores: boolean): void {
  const z = readZset(c, key, () => c.addEmptyArray());
  if (!z) return;
  const size = z.size;
  const uniq = l >= 0;
  const count = Math.abs(l);
  if (count === 0) return c.addEmptyArray();
  const emit = (m: string, s: number) => {
    if (withscores && c.resp > 2) c.addArrayLen(2);
    c.addBulk(m);
    if (withscores) addScore(c, s);
  };
  const header = (n: number) => c.addArrayLen(withscores && c.resp === 2 ? n * 2 : n);
  if (!uniq || count === 1) {
    header(count);
    for (let i = 0; i < count; i++) {
      const [m, s] = randomEntry(z);
      emit(m, s);
      if (c.closedForWrite) break; // output buffer limit reached (Redis's CLIENT_CLOSE_ASAP)
    }
    return;
  }
  if (count >= size) {
    // The whole zset, iterated from the tail as Redis's zuiNext does.
    header(size);
    z.walk(size - 1, true, (m, s) => (emit(m, s), true));
    return;
  }
  // Distinct picks: sample ranks without replacement.
  header(count);
  if (count * 3 > size) {
    const ranks = Array.from({ length: size }, (_, i) => i);
    for (let i = 0; i < count; i++) {
      const r = i + Math.floor(Math.random() * (size - i));
      [ranks[i], ranks[r]] = [ranks[r], ranks[i]];
      const e = z.seek(ranks[i]);
      emit(e.leaf.m[e.i], e.leaf.s[e.i]);
    }
    return;
  }
  const seen = new Set<number>();
  while (seen.size < count) {
    const r = Math.floor(Math.random() * size);
    if (seen.has(r)) continue;
    seen.add(r);
    const e = z.seek(r);
    emit(e.leaf.m[e.i], e.leaf.s[e.i]);
  }
}

// ---- ZSCAN --------------------------------------------------------------------------------------

function zscanCommand(c: Client, argv: string[]): void {
  const cursor = parseScanCursor(argv[2]);
  if (cursor === null) return c.addError("ERR invalid cursor");
  const z = readZset(c, argv[1], () => {
    c.addArrayLen(2);
    c.addBulk("0");
    c.addEmptyArray();
  });
  if (!z) return;
  const opts = parseScanArgs(c, argv, 3, false);
  if (opts === null) return;
  const { count, pattern } = opts;
  const out: string[] = [];
  let next = "0";
  if (z.listpack) {
    z.forEach((m, s) => {
      if (pattern !== null && !stringMatch(pattern, m)) return;
      out.push(m, scoreString(s));
    });
  } else {
    const step = z.scanCursors().step(cursor, z.dict, count);
    next = step.cursor;
    for (const m of step.keys) {
      if (pattern !== null && !stringMatch(pattern, m)) continue;
      const s = z.score(m);
      if (s !== undefined) out.push(m, scoreString(s));
    }
  }
  c.addArrayLen(2);
  c.addBulk(next);
  c.addBulkArray(out);
}

// ---- table ------------------------------------------------------------------------------------

const G = "sorted-set";

export const zsetCommands: CommandDef[] = [
  cmd("zadd", -4, "write denyoom fast", [1, 1, 1], "sortedset", zaddCommand, {
    summary: "Add one or more members to a sorted set, or update its score if it already exists",
    since: "1.2.0",
    group: G,
    complexity:
      "O(log(N)) for each item added, where N is the number of elements in the sorted set.",
    history: [["2.4.0", "Accepts multiple elements."], [
      "3.0.2",
      "Added the `XX`, `NX`, `CH` and `INCR` options.",
    ], ["6.2.0", "Added the `GT` and `LT` options."]],
    keySpecs: [keySpec("RW UPDATE")],
    arguments: [
      { name: "key", type: "key", keySpecIndex: 0 },
      {
        name: "condition",
        type: "oneof",
        since: "3.0.2",
        optional: true,
        arguments: [{ name: "nx", type: "pure-token", token: "NX" }, {
          name: "xx",
          type: "pure-token",
          token: "XX",
        }],
      },
      {
        name: "comparison",
        type: "oneof",
        since: "6.2.0",
        optional: true,
        arguments: [{ name: "gt", type: "pure-token", token: "GT" }, {
          name: "lt",
          type: "pure-token",
          token: "LT",
        }],
      },
      { name: "change", type: "pure-token", token: "CH", since: "3.0.2", optional: true },
      { name: "increment", type: "pure-token", token: "INCR", since: "3.0.2", optional: true },
      {
        name: "score_member",
        type: "block",
        multiple: true,
        arguments: [{ name: "score", type: "double" }, { name: "member", type: "string" }],
      },
    ],
  }),
  cmd("zincrby", 4, "write denyoom fast", [1, 1, 1], "sortedset", zincrbyCommand, {
    summary: "Increment the score of a member in a sorted set",
    since: "1.2.0",
    group: G,
    complexity: "O(log(N)) where N is the number of elements in the sorted set.",
    keySpecs: [keySpec("RW ACCESS UPDATE")],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, {
      name: "increment",
      type: "integer",
    }, { name: "member", type: "string" }],
  }),
  cmd("zrem", -3, "write fast", [1, 1, 1], "sortedset", zremCommand, {
    summary: "Remove one or more members from a sorted set",
    since: "1.2.0",
    group: G,
    complexity:
      "O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.",
    history: [["2.4.0", "Accepts multiple elements."]],
    keySpecs: [keySpec("RW DELETE")],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, {
      name: "member",
      type: "string",
      multiple: true,
    }],
  }),
  cmd("zcard", 2, "readonly fast", [1, 1, 1], "sortedset", zcardCommand, {
    summary: "Get the number of members in a sorted set",
    since: "1.2.0",
    group: G,
    complexity: "O(1)",
    keySpecs: [keySpec("RO")],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0 }],
  }),
  cmd("zcount", 4, "readonly fast", [1, 1, 1], "sortedset", zcountCommand, {
    summary: "Count the members in a sorted set with scores within the given values",
    since: "2.0.0",
    group: G,
    complexity: "O(log(N)) with N being the number of elements in the sorted set.",
    keySpecs: [keySpec("RO ACCESS")],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, { name: "min", type: "double" }, {
      name: "max",
      type: "double",
    }],
  }),
  cmd("zlexcount", 4, "readonly fast", [1, 1, 1], "sortedset", zlexcountCommand, {
    summary: "Count the number of members in a sorted set between a given lexicographical range",
    since: "2.8.9",
    group: G,
    complexity: "O(log(N)) with N being the number of elements in the sorted set.",
    keySpecs: [keySpec("RO ACCESS")],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, { name: "min", type: "string" }, {
      name: "max",
      type: "string",
    }],
  }),
  cmd("zscore", 3, "readonly fast", [1, 1, 1], "sortedset", zscoreCommand, {
    summary: "Get the score associated with the given member in a sorted set",
    since: "1.2.0",
    group: G,
    complexity: "O(1)",
    keySpecs: [keySpec("RO ACCESS")],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, { name: "member", type: "string" }],
  }),
  cmd("zmscore", -3, "readonly fast", [1, 1, 1], "sortedset", zmscoreCommand, {
    summary: "Get the score associated with the given members in a sorted set",
    since: "6.2.0",
    group: G,
    complexity: "O(N) where N is the number of members being requested.",
    keySpecs: [keySpec("RO ACCESS")],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, {
      name: "member",
      type: "string",
      multiple: true,
    }],
  }),
  cmd("zrank", 3, "readonly fast", [1, 1, 1], "sortedset", zrankCommand, {
    summary: "Determine the index of a member in a sorted set",
    since: "2.0.0",
    group: G,
    complexity: "O(log(N))",
    keySpecs: [keySpec("RO ACCESS")],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, { name: "member", type: "string" }],
  }),
  cmd("zrevrank", 3, "readonly fast", [1, 1, 1], "sortedset", zrevrankCommand, {
    summary:
      "Determine the index of a member in a sorted set, with scores ordered from high to low",
    since: "2.0.0",
    group: G,
    complexity: "O(log(N))",
    keySpecs: [keySpec("RO ACCESS")],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, { name: "member", type: "string" }],
  }),
  cmd("zrange", -4, "readonly", [1, 1, 1], "sortedset", zrangeCommand, {
    summary: "Return a range of members in a sorted set",
    since: "1.2.0",
    group: G,
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.",
    history: [["6.2.0", "Added the `REV`, `BYSCORE`, `BYLEX` and `LIMIT` options."]],
    keySpecs: [keySpec("RO ACCESS")],
    arguments: [
      { name: "key", type: "key", keySpecIndex: 0 },
      { name: "start", type: "string" },
      { name: "stop", type: "string" },
      {
        name: "sortby",
        type: "oneof",
        since: "6.2.0",
        optional: true,
        arguments: [{ name: "byscore", type: "pure-token", token: "BYSCORE" }, {
          name: "bylex",
          type: "pure-token",
          token: "BYLEX",
        }],
      },
      { name: "rev", type: "pure-token", token: "REV", since: "6.2.0", optional: true },
      {
        name: "offset_count",
        type: "block",
        token: "LIMIT",
        since: "6.2.0",
        optional: true,
        arguments: [{ name: "offset", type: "integer" }, { name: "count", type: "integer" }],
      },
      { name: "withscores", type: "pure-token", token: "WITHSCORES", optional: true },
    ],
  }),
  cmd("zrangestore", -5, "write denyoom", [1, 2, 1], "sortedset", zrangestoreCommand, {
    summary: "Store a range of members from sorted set into another key",
    since: "6.2.0",
    group: G,
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.",
    keySpecs: [keySpec("OW UPDATE"), keySpec("RO ACCESS", 2, 0)],
    arguments: [
      { name: "dst", type: "key", keySpecIndex: 0 },
      { name: "src", type: "key", keySpecIndex: 1 },
      { name: "min", type: "string" },
      { name: "max", type: "string" },
      {
        name: "sortby",
        type: "oneof",
        optional: true,
        arguments: [{ name: "byscore", type: "pure-token", token: "BYSCORE" }, {
          name: "bylex",
          type: "pure-token",
          token: "BYLEX",
        }],
      },
      { name: "rev", type: "pure-token", token: "REV", optional: true },
      {
        name: "offset_count",
        type: "block",
        token: "LIMIT",
        optional: true,
        arguments: [{ name: "offset", type: "integer" }, { name: "count", type: "integer" }],
      },
    ],
  }),
  cmd("zrangebyscore", -4, "readonly", [1, 1, 1], "sortedset", zrangebyscoreCommand, {
    summary: "Return a range of members in a sorted set, by score",
    since: "1.0.5",
    group: G,
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).",
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: "`ZRANGE` with the `BYSCORE` argument",
    history: [["2.0.0", "Added the `WITHSCORES` modifier."]],
    keySpecs: [keySpec("RO ACCESS")],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, { name: "min", type: "double" }, {
      name: "max",
      type: "double",
    }, {
      name: "withscores",
      type: "pure-token",
      token: "WITHSCORES",
      since: "2.0.0",
      optional: true,
    }, {
      name: "offset_count",
      type: "block",
      token: "LIMIT",
      optional: true,
      arguments: [{ name: "offset", type: "integer" }, { name: "count", type: "integer" }],
    }],
  }),
  cmd("zrevrangebyscore", -4, "readonly", [1, 1, 1], "sortedset", zrevrangebyscoreCommand, {
    summary:
      "Return a range of members in a sorted set, by score, with scores ordered from high to low",
    since: "2.2.0",
    group: G,
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).",
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: "`ZRANGE` with the `REV` and `BYSCORE` arguments",
    history: [["2.1.6", "`min` and `max` can be exclusive."]],
    keySpecs: [keySpec("RO ACCESS")],
    arguments: [
      { name: "key", type: "key", keySpecIndex: 0 },
      { name: "max", type: "double" },
      { name: "min", type: "double" },
      { name: "withscores", type: "pure-token", token: "WITHSCORES", optional: true },
      {
        name: "offset_count",
        type: "block",
        token: "LIMIT",
        optional: true,
        arguments: [{ name: "offset", type: "integer" }, { name: "count", type: "integer" }],
      },
    ],
  }),
  cmd("zrangebylex", -4, "readonly", [1, 1, 1], "sortedset", zrangebylexCommand, {
    summary: "Return a range of members in a sorted set, by lexicographical range",
    since: "2.8.9",
    group: G,
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).",
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: "`ZRANGE` with the `BYLEX` argument",
    keySpecs: [keySpec("RO ACCESS")],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, { name: "min", type: "string" }, {
      name: "max",
      type: "string",
    }, {
      name: "offset_count",
      type: "block",
      token: "LIMIT",
      optional: true,
      arguments: [{ name: "offset", type: "integer" }, { name: "count", type: "integer" }],
    }],
  }),
  cmd("zrevrangebylex", -4, "readonly", [1, 1, 1], "sortedset", zrevrangebylexCommand, {
    summary:
      "Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.",
    since: "2.8.9",
    group: G,
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).",
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: "`ZRANGE` with the `REV` and `BYLEX` arguments",
    keySpecs: [keySpec("RO ACCESS")],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, { name: "max", type: "string" }, {
      name: "min",
      type: "string",
    }, {
      name: "offset_count",
      type: "block",
      token: "LIMIT",
      optional: true,
      arguments: [{ name: "offset", type: "integer" }, { name: "count", type: "integer" }],
    }],
  }),
  cmd("zrevrange", -4, "readonly", [1, 1, 1], "sortedset", zrevrangeCommand, {
    summary:
      "Return a range of members in a sorted set, by index, with scores ordered from high to low",
    since: "1.2.0",
    group: G,
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.",
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: "`ZRANGE` with the `REV` argument",
    keySpecs: [keySpec("RO ACCESS")],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, { name: "start", type: "integer" }, {
      name: "stop",
      type: "integer",
    }, { name: "withscores", type: "pure-token", token: "WITHSCORES", optional: true }],
  }),
  cmd("zremrangebyrank", 4, "write", [1, 1, 1], "sortedset", zremrangebyrankCommand, {
    summary: "Remove all members in a sorted set within the given indexes",
    since: "2.0.0",
    group: G,
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.",
    keySpecs: [keySpec("RW DELETE")],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, { name: "start", type: "integer" }, {
      name: "stop",
      type: "integer",
    }],
  }),
  cmd("zremrangebyscore", 4, "write", [1, 1, 1], "sortedset", zremrangebyscoreCommand, {
    summary: "Remove all members in a sorted set within the given scores",
    since: "1.2.0",
    group: G,
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.",
    keySpecs: [keySpec("RW DELETE")],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, { name: "min", type: "double" }, {
      name: "max",
      type: "double",
    }],
  }),
  cmd("zremrangebylex", 4, "write", [1, 1, 1], "sortedset", zremrangebylexCommand, {
    summary: "Remove all members in a sorted set between the given lexicographical range",
    since: "2.8.9",
    group: G,
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.",
    keySpecs: [keySpec("RW DELETE")],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, { name: "min", type: "string" }, {
      name: "max",
      type: "string",
    }],
  }),
  cmd("zpopmin", -2, "write fast", [1, 1, 1], "sortedset", zpopminCommand, {
    summary: "Remove and return members with the lowest scores in a sorted set",
    since: "5.0.0",
    group: G,
    complexity:
      "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.",
    keySpecs: [keySpec("RW ACCESS DELETE")],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, {
      name: "count",
      type: "integer",
      optional: true,
    }],
  }),
  cmd("zpopmax", -2, "write fast", [1, 1, 1], "sortedset", zpopmaxCommand, {
    summary: "Remove and return members with the highest scores in a sorted set",
    since: "5.0.0",
    group: G,
    complexity:
      "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.",
    keySpecs: [keySpec("RW ACCESS DELETE")],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, {
      name: "count",
      type: "integer",
      optional: true,
    }],
  }),
  cmd("zmpop", -4, "write movablekeys", [0, 0, 0], "sortedset", zmpopCommand, {
    summary: "Remove and return members with scores in a sorted set",
    since: "7.0.0",
    group: G,
    complexity:
      "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.",
    keySpecs: [{
      flags: ["RW", "ACCESS", "DELETE"],
      beginSearch: { type: "index", index: 1 },
      findKeys: { type: "keynum", keyNumIdx: 0, firstKey: 1, step: 1 },
    }],
    arguments: [{ name: "numkeys", type: "integer" }, {
      name: "key",
      type: "key",
      keySpecIndex: 0,
      multiple: true,
    }, {
      name: "where",
      type: "oneof",
      arguments: [{ name: "min", type: "pure-token", token: "MIN" }, {
        name: "max",
        type: "pure-token",
        token: "MAX",
      }],
    }, { name: "count", type: "integer", token: "COUNT", optional: true }],
  }),
  cmd("zrandmember", -2, "readonly", [1, 1, 1], "sortedset", zrandmemberCommand, {
    summary: "Get one or multiple random elements from a sorted set",
    since: "6.2.0",
    group: G,
    complexity: "O(N) where N is the number of elements returned",
    tips: ["nondeterministic_output"],
    keySpecs: [keySpec("RO ACCESS")],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, {
      name: "options",
      type: "block",
      optional: true,
      arguments: [{ name: "count", type: "integer" }, {
        name: "withscores",
        type: "pure-token",
        token: "WITHSCORES",
        optional: true,
      }],
    }],
  }),
  cmd("zunion", -3, "readonly movablekeys", [0, 0, 0], "sortedset", zunionCommand, {
    summary: "Add multiple sorted sets",
    since: "6.2.0",
    group: G,
    complexity:
      "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.",
    keySpecs: [{
      flags: ["RO", "ACCESS"],
      beginSearch: { type: "index", index: 1 },
      findKeys: { type: "keynum", keyNumIdx: 0, firstKey: 1, step: 1 },
    }],
    arguments: [
      { name: "numkeys", type: "integer" },
      { name: "key", type: "key", keySpecIndex: 0, multiple: true },
      { name: "weight", type: "integer", token: "WEIGHTS", optional: true, multiple: true },
      {
        name: "aggregate",
        type: "oneof",
        token: "AGGREGATE",
        optional: true,
        arguments: [{ name: "sum", type: "pure-token", token: "SUM" }, {
          name: "min",
          type: "pure-token",
          token: "MIN",
        }, { name: "max", type: "pure-token", token: "MAX" }],
      },
      { name: "withscores", type: "pure-token", token: "WITHSCORES", optional: true },
    ],
  }),
  cmd("zunionstore", -4, "write denyoom movablekeys", [1, 1, 1], "sortedset", zunionstoreCommand, {
    summary: "Add multiple sorted sets and store the resulting sorted set in a new key",
    since: "2.0.0",
    group: G,
    complexity:
      "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.",
    keySpecs: [keySpec("OW UPDATE"), {
      flags: ["RO", "ACCESS"],
      beginSearch: { type: "index", index: 2 },
      findKeys: { type: "keynum", keyNumIdx: 0, firstKey: 1, step: 1 },
    }],
    arguments: [
      { name: "destination", type: "key", keySpecIndex: 0 },
      { name: "numkeys", type: "integer" },
      { name: "key", type: "key", keySpecIndex: 1, multiple: true },
      { name: "weight", type: "integer", token: "WEIGHTS", optional: true, multiple: true },
      {
        name: "aggregate",
        type: "oneof",
        token: "AGGREGATE",
        optional: true,
        arguments: [{ name: "sum", type: "pure-token", token: "SUM" }, {
          name: "min",
          type: "pure-token",
          token: "MIN",
        }, { name: "max", type: "pure-token", token: "MAX" }],
      },
    ],
  }),
  cmd("zinter", -3, "readonly movablekeys", [0, 0, 0], "sortedset", zinterCommand, {
    summary: "Intersect multiple sorted sets",
    since: "6.2.0",
    group: G,
    complexity:
      "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.",
    keySpecs: [{
      flags: ["RO", "ACCESS"],
      beginSearch: { type: "index", index: 1 },
      findKeys: { type: "keynum", keyNumIdx: 0, firstKey: 1, step: 1 },
    }],
    arguments: [
      { name: "numkeys", type: "integer" },
      { name: "key", type: "key", keySpecIndex: 0, multiple: true },
      { name: "weight", type: "integer", token: "WEIGHTS", optional: true, multiple: true },
      {
        name: "aggregate",
        type: "oneof",
        token: "AGGREGATE",
        optional: true,
        arguments: [{ name: "sum", type: "pure-token", token: "SUM" }, {
          name: "min",
          type: "pure-token",
          token: "MIN",
        }, { name: "max", type: "pure-token", token: "MAX" }],
      },
      { name: "withscores", type: "pure-token", token: "WITHSCORES", optional: true },
    ],
  }),
  cmd("zinterstore", -4, "write denyoom movablekeys", [1, 1, 1], "sortedset", zinterstoreCommand, {
    summary: "Intersect multiple sorted sets and store the resulting sorted set in a new key",
    since: "2.0.0",
    group: G,
    complexity:
      "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.",
    keySpecs: [keySpec("OW UPDATE"), {
      flags: ["RO", "ACCESS"],
      beginSearch: { type: "index", index: 2 },
      findKeys: { type: "keynum", keyNumIdx: 0, firstKey: 1, step: 1 },
    }],
    arguments: [
      { name: "destination", type: "key", keySpecIndex: 0 },
      { name: "numkeys", type: "integer" },
      { name: "key", type: "key", keySpecIndex: 1, multiple: true },
      { name: "weight", type: "integer", token: "WEIGHTS", optional: true, multiple: true },
      {
        name: "aggregate",
        type: "oneof",
        token: "AGGREGATE",
        optional: true,
        arguments: [{ name: "sum", type: "pure-token", token: "SUM" }, {
          name: "min",
          type: "pure-token",
          token: "MIN",
        }, { name: "max", type: "pure-token", token: "MAX" }],
      },
    ],
  }),
  cmd("zintercard", -3, "readonly movablekeys", [0, 0, 0], "sortedset", zintercardCommand, {
    summary: "Intersect multiple sorted sets and return the cardinality of the result",
    since: "7.0.0",
    group: G,
    complexity:
      "O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.",
    keySpecs: [{
      flags: ["RO", "ACCESS"],
      beginSearch: { type: "index", index: 1 },
      findKeys: { type: "keynum", keyNumIdx: 0, firstKey: 1, step: 1 },
    }],
    arguments: [{ name: "numkeys", type: "integer" }, {
      name: "key",
      type: "key",
      keySpecIndex: 0,
      multiple: true,
    }, { name: "limit", type: "integer", token: "LIMIT", optional: true }],
  }),
  cmd("zdiff", -3, "readonly movablekeys", [0, 0, 0], "sortedset", zdiffCommand, {
    summary: "Subtract multiple sorted sets",
    since: "6.2.0",
    group: G,
    complexity:
      "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.",
    keySpecs: [{
      flags: ["RO", "ACCESS"],
      beginSearch: { type: "index", index: 1 },
      findKeys: { type: "keynum", keyNumIdx: 0, firstKey: 1, step: 1 },
    }],
    arguments: [{ name: "numkeys", type: "integer" }, {
      name: "key",
      type: "key",
      keySpecIndex: 0,
      multiple: true,
    }, { name: "withscores", type: "pure-token", token: "WITHSCORES", optional: true }],
  }),
  cmd("zdiffstore", -4, "write denyoom movablekeys", [1, 1, 1], "sortedset", zdiffstoreCommand, {
    summary: "Subtract multiple sorted sets and store the resulting sorted set in a new key",
    since: "6.2.0",
    group: G,
    complexity:
      "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.",
    keySpecs: [keySpec("OW UPDATE"), {
      flags: ["RO", "ACCESS"],
      beginSearch: { type: "index", index: 2 },
      findKeys: { type: "keynum", keyNumIdx: 0, firstKey: 1, step: 1 },
    }],
    arguments: [{ name: "destination", type: "key", keySpecIndex: 0 }, {
      name: "numkeys",
      type: "integer",
    }, { name: "key", type: "key", keySpecIndex: 1, multiple: true }],
  }),
  cmd("zscan", -3, "readonly", [1, 1, 1], "sortedset", zscanCommand, {
    summary: "Incrementally iterate sorted sets elements and associated scores",
    since: "2.8.0",
    group: G,
    complexity:
      "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..",
    tips: ["nondeterministic_output"],
    keySpecs: [keySpec("RO ACCESS")],
    arguments: [
      { name: "key", type: "key", keySpecIndex: 0 },
      { name: "cursor", type: "integer" },
      { name: "pattern", type: "pattern", token: "MATCH", optional: true },
      { name: "count", type: "integer", token: "COUNT", optional: true },
    ],
  }),
  cmd("bzpopmin", -3, "write noscript fast blocking", [1, -2, 1], "sortedset", bzpopminCommand, {
    summary:
      "Remove and return the member with the lowest score from one or more sorted sets, or block until one is available",
    since: "5.0.0",
    group: G,
    complexity: "O(log(N)) with N being the number of elements in the sorted set.",
    history: [["6.0.0", "`timeout` is interpreted as a double instead of an integer."]],
    keySpecs: [keySpec("RW ACCESS DELETE", 1, -2)],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0, multiple: true }, {
      name: "timeout",
      type: "double",
    }],
  }),
  cmd("bzpopmax", -3, "write noscript fast blocking", [1, -2, 1], "sortedset", bzpopmaxCommand, {
    summary:
      "Remove and return the member with the highest score from one or more sorted sets, or block until one is available",
    since: "5.0.0",
    group: G,
    complexity: "O(log(N)) with N being the number of elements in the sorted set.",
    history: [["6.0.0", "`timeout` is interpreted as a double instead of an integer."]],
    keySpecs: [keySpec("RW ACCESS DELETE", 1, -2)],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0, multiple: true }, {
      name: "timeout",
      type: "double",
    }],
  }),
  cmd("bzmpop", -5, "write blocking movablekeys", [0, 0, 0], "sortedset", bzmpopCommand, {
    summary:
      "Remove and return members with scores in a sorted set or block until one is available",
    since: "7.0.0",
    group: G,
    complexity:
      "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.",
    keySpecs: [{
      flags: ["RW", "ACCESS", "DELETE"],
      beginSearch: { type: "index", index: 2 },
      findKeys: { type: "keynum", keyNumIdx: 0, firstKey: 1, step: 1 },
    }],
    arguments: [{ name: "timeout", type: "double" }, { name: "numkeys", type: "integer" }, {
      name: "key",
      type: "key",
      keySpecIndex: 0,
      multiple: true,
    }, {
      name: "where",
      type: "oneof",
      arguments: [{ name: "min", type: "pure-token", token: "MIN" }, {
        name: "max",
        type: "pure-token",
        token: "MAX",
      }],
    }, { name: "count", type: "integer", token: "COUNT", optional: true }],
  }),
];
