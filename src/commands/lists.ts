/**
 * List family: LPUSH, RPUSH, LPUSHX, RPUSHX, LPOP, RPOP, LLEN, LRANGE, LINDEX, LSET, LINSERT, LREM,
 * LTRIM, LPOS, LMOVE, RPOPLPUSH, LMPOP and the blocking BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP —
 * with Redis 7.0's replies, errors, order of checks, keyspace statistics and events (t_list.c).
 *
 * - Reads (LLEN, LRANGE, LINDEX, LPOS) count keyspace hits/misses (lookupKeyRead, "keymiss" on a
 *   miss); writes look up without statistics.
 * - A list that becomes empty is deleted ("del" after the command's own event); a new list fires
 *   "new" (dbAdd). LMOVE fires the destination's push event, then the source's pop event (as
 *   t_list.c's lmoveGenericCommand does).
 * - Blocking commands block through src/server/blocking.ts when no key has data; inside EXEC they
 *   answer at once as on timeout. A blocked client is served in the order clients blocked; a key of
 *   another type leaves it blocked; BLMOVE whose destination turned into another type replies
 *   WRONGTYPE to the served client (Redis 7.0's serveClientBlockedOnList). Timeouts reply a null
 *   array, BLMOVE/BRPOPLPUSH included (Redis 7.0's replyToBlockedClientTimedOut).
 * - OBJECT ENCODING is always "quicklist" (Redis 7.0; see src/types/list.ts).
 */
import type { Client } from "../server/client.ts";
import type { RValue } from "../store/db.ts";
import type { CommandDef } from "./types.ts";
import { cmd, keySpec } from "./types.ts";
import { parseI64 } from "./args.ts";
import { ListValue } from "../types/list.ts";
import { blockForKeys, mustNotBlock, parseTimeout } from "../server/blocking.ts";
import { alsoPropagate } from "../server/propagate.ts";

const LONG_MAX = 9223372036854775807;

// ---- lookups --------------------------------------------------------------------------------

/** lookupKeyRead: count a hit or a miss, fire "keymiss". */
function lookupRead(c: Client, key: string): RValue | undefined {
  const v = c.db.lookupRead(key);
  if (v === undefined) {
    c.server.stats.keyspaceMisses++;
    c.server.notify("m", "keymiss", key, c.db.id);
  } else c.server.stats.keyspaceHits++;
  return v;
}

/** A list, undefined when missing, or null after a WRONGTYPE reply. */
function asList(c: Client, v: RValue | undefined): ListValue | undefined | null {
  if (v === undefined) return undefined;
  if (v instanceof ListValue) return v;
  c.addErrorWrongType();
  return null;
}

/** getLongFromObjectOrReply (a long is int64 here; beyond ±2^53 the value is clamped). */
function getLong(c: Client, s: string, msg?: string): number | null {
  const v = parseI64(s);
  if (v === null) {
    c.addError(msg ? "ERR " + msg : "ERR value is not an integer or out of range");
    return null;
  }
  return typeof v === "bigint" ? Number(v) : v;
}

/** getRangeLongFromObjectOrReply. */
function getRangeLong(c: Client, s: string, min: number, max: number, msg?: string): number | null {
  const v = getLong(c, s, msg);
  if (v === null) return null;
  if (v < min || v > max) {
    c.addError(
      msg ? "ERR " + msg : `ERR value is out of range, value must between ${min} and ${max}`,
    );
    return null;
  }
  return v;
}

/** getPositiveLongFromObjectOrReply. */
function getPositiveLong(c: Client, s: string, msg?: string): number | null {
  return getRangeLong(c, s, 0, LONG_MAX, msg ?? "value is out of range, must be positive");
}

/** LEFT → true (head), RIGHT → false (tail), else a syntax error reply and null. */
function getPosition(c: Client, s: string): boolean | null {
  const l = s.toLowerCase();
  if (l === "left") return true;
  if (l === "right") return false;
  c.addErrorSyntax();
  return null;
}

/** Create the list `key` (dbAdd: "new"; Db.set signals blocked clients). */
function createList(c: Client, key: string): ListValue {
  const l = new ListValue();
  c.db.set(key, l);
  c.server.notify("n", "new", key, c.db.id);
  return l;
}

/** listElementsRemoved: pop event, delete when empty, signal, dirty. True when deleted. */
function elementsRemoved(c: Client, key: string, head: boolean, l: ListValue, n: number): boolean {
  const db = c.db;
  c.server.notify("l", head ? "lpop" : "rpop", key, db.id);
  let deleted = false;
  if (l.length === 0) {
    db.delete(key);
    c.server.notify("g", "del", key, db.id);
    deleted = true;
  }
  c.server.signalModifiedKey(db, key);
  c.server.dirty += n;
  return deleted;
}

/** addListRangeReply. */
function addRange(c: Client, l: ListValue, start: number, end: number, reverse: boolean): void {
  const llen = l.length;
  if (start < 0) start = llen + start;
  if (end < 0) end = llen + end;
  if (start < 0) start = 0;
  if (start > end || start >= llen) {
    c.addEmptyArray();
    return;
  }
  if (end >= llen) end = llen - 1;
  c.addArrayLen(end - start + 1);
  if (reverse) { for (let i = end; i >= start; i--) c.addBulk(l.get(i)); }
  else for (let i = start; i <= end; i++) c.addBulk(l.get(i));
}

/** Pop `count` elements from one end, replying them (LPOP/RPOP with count, [B]LMPOP). */
function popRange(c: Client, l: ListValue, head: boolean, count: number): number {
  const n = Math.min(count, l.length);
  c.addArrayLen(n);
  for (let i = 0; i < n; i++) c.addBulk(l.pop(head)!);
  return n;
}

/** listPopRangeAndReplyWithKey: [key, [elements]]. True when the list was deleted. */
function popRangeWithKey(c: Client, key: string, l: ListValue, head: boolean, count: number) {
  c.addArrayLen(2);
  c.addBulk(key);
  const n = popRange(c, l, head, count);
  return elementsRemoved(c, key, head, l, n);
}

// ---- push -----------------------------------------------------------------------------------

function pushGeneric(c: Client, argv: string[], head: boolean, xx: boolean): void {
  const key = argv[1];
  let l = asList(c, c.db.lookupWrite(key));
  if (l === null) return;
  if (l === undefined) {
    if (xx) {
      c.addInt(0);
      return;
    }
    l = createList(c, key);
  }
  for (let j = 2; j < argv.length; j++) l.push(argv[j], head);
  c.server.dirty += argv.length - 2;
  c.addInt(l.length);
  c.server.signalModifiedKey(c.db, key);
  c.server.notify("l", head ? "lpush" : "rpush", key, c.db.id);
}

function lpushCommand(c: Client, argv: string[]): void {
  pushGeneric(c, argv, true, false);
}
function rpushCommand(c: Client, argv: string[]): void {
  pushGeneric(c, argv, false, false);
}
function lpushxCommand(c: Client, argv: string[]): void {
  pushGeneric(c, argv, true, true);
}
function rpushxCommand(c: Client, argv: string[]): void {
  pushGeneric(c, argv, false, true);
}

// ---- pop ------------------------------------------------------------------------------------

function popGeneric(c: Client, argv: string[], head: boolean): void {
  if (argv.length > 3) {
    c.addErrorArity(argv[0].toLowerCase());
    return;
  }
  const hasCount = argv.length === 3;
  let count = 0;
  if (hasCount) {
    const n = getPositiveLong(c, argv[2]);
    if (n === null) return;
    count = n;
  }
  const key = argv[1];
  const l = asList(c, c.db.lookupWrite(key));
  if (l === null) return;
  if (l === undefined) {
    if (hasCount) c.addNullArray();
    else c.addNull();
    return;
  }
  if (hasCount && count === 0) {
    c.addEmptyArray();
    return;
  }
  if (!hasCount) {
    c.addBulk(l.pop(head)!);
    elementsRemoved(c, key, head, l, 1);
  } else {
    const n = popRange(c, l, head, count);
    elementsRemoved(c, key, head, l, n);
  }
}

function lpopCommand(c: Client, argv: string[]): void {
  popGeneric(c, argv, true);
}
function rpopCommand(c: Client, argv: string[]): void {
  popGeneric(c, argv, false);
}

// ---- read commands --------------------------------------------------------------------------

function llenCommand(c: Client, argv: string[]): void {
  const l = asList(c, lookupRead(c, argv[1]));
  if (l === null) return;
  c.addInt(l === undefined ? 0 : l.length);
}

function lindexCommand(c: Client, argv: string[]): void {
  const v = lookupRead(c, argv[1]);
  if (v === undefined) {
    c.addNull();
    return;
  }
  const l = asList(c, v);
  if (!l) return;
  let index = getLong(c, argv[2]);
  if (index === null) return;
  if (index < 0) index += l.length;
  if (index < 0 || index >= l.length) c.addNull();
  else c.addBulk(l.get(index));
}

function lrangeCommand(c: Client, argv: string[]): void {
  const start = getLong(c, argv[2]);
  if (start === null) return;
  const end = getLong(c, argv[3]);
  if (end === null) return;
  const v = lookupRead(c, argv[1]);
  if (v === undefined) {
    c.addEmptyArray();
    return;
  }
  const l = asList(c, v);
  if (!l) return;
  addRange(c, l, start, end, false);
}

function lposCommand(c: Client, argv: string[]): void {
  const ele = argv[2];
  let rank = 1;
  let count = -1;
  let maxlen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    const more = argv.length - 1 - j;
    if (opt === "rank" && more) {
      const r = getLong(c, argv[++j]);
      if (r === null) return;
      if (r === 0) {
        c.addError(
          "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... " +
            "or use negative to start from the end of the list",
        );
        return;
      }
      rank = r;
    } else if (opt === "count" && more) {
      const n = getPositiveLong(c, argv[++j], "COUNT can't be negative");
      if (n === null) return;
      count = n;
    } else if (opt === "maxlen" && more) {
      const n = getPositiveLong(c, argv[++j], "MAXLEN can't be negative");
      if (n === null) return;
      maxlen = n;
    } else {
      c.addErrorSyntax();
      return;
    }
  }
  let fromTail = false;
  if (rank < 0) {
    // -LONG_MIN overflows to itself in C: every match then qualifies, as rank 1.
    rank = rank <= -LONG_MAX ? 1 : -rank;
    fromTail = true;
  }
  const v = lookupRead(c, argv[1]);
  if (v === undefined) {
    if (count !== -1) c.addEmptyArray();
    else c.addNull();
    return;
  }
  const l = asList(c, v);
  if (!l) return;
  const llen = l.length;
  const limit = maxlen === 0 ? llen : Math.min(maxlen, llen);
  let matches = 0;
  if (count !== -1) {
    const found: number[] = [];
    for (let k = 0; k < limit; k++) {
      const i = fromTail ? llen - 1 - k : k;
      if (l.get(i) !== ele) continue;
      matches++;
      if (matches >= rank) {
        found.push(i);
        if (count && matches - rank + 1 >= count) break;
      }
    }
    c.addArrayLen(found.length);
    for (const i of found) c.addInt(i);
    return;
  }
  for (let k = 0; k < limit; k++) {
    const i = fromTail ? llen - 1 - k : k;
    if (l.get(i) === ele && ++matches >= rank) {
      c.addInt(i);
      return;
    }
  }
  c.addNull();
}

// ---- in-place writes ------------------------------------------------------------------------

function lsetCommand(c: Client, argv: string[]): void {
  const key = argv[1];
  const v = c.db.lookupWrite(key);
  if (v === undefined) {
    c.addError("ERR no such key");
    return;
  }
  const l = asList(c, v);
  if (!l) return;
  let index = getLong(c, argv[2]);
  if (index === null) return;
  if (index < 0) index += l.length;
  if (index < 0 || index >= l.length) {
    c.addError("ERR index out of range");
    return;
  }
  l.set(index, argv[3]);
  c.addOk();
  c.server.signalModifiedKey(c.db, key);
  c.server.notify("l", "lset", key, c.db.id);
  c.server.dirty++;
}

function linsertCommand(c: Client, argv: string[]): void {
  const where = argv[2].toLowerCase();
  let after: boolean;
  if (where === "after") after = true;
  else if (where === "before") after = false;
  else {
    c.addErrorSyntax();
    return;
  }
  const key = argv[1];
  const v = c.db.lookupWrite(key);
  if (v === undefined) {
    c.addInt(0);
    return;
  }
  const l = asList(c, v);
  if (!l) return;
  const pivot = argv[3];
  const n = l.length;
  let i = 0;
  while (i < n && l.get(i) !== pivot) i++;
  if (i === n) {
    c.addInt(-1);
    return;
  }
  l.insertAt(after ? i + 1 : i, argv[4]);
  c.server.signalModifiedKey(c.db, key);
  c.server.notify("l", "linsert", key, c.db.id);
  c.server.dirty++;
  c.addInt(l.length);
}

function lremCommand(c: Client, argv: string[]): void {
  const toremove = getLong(c, argv[2]);
  if (toremove === null) return;
  const key = argv[1];
  const v = c.db.lookupWrite(key);
  if (v === undefined) {
    c.addInt(0);
    return;
  }
  const l = asList(c, v);
  if (!l) return;
  const removed = l.remove(argv[3], Math.abs(toremove), toremove < 0);
  c.server.dirty += removed;
  if (removed) {
    c.server.signalModifiedKey(c.db, key);
    c.server.notify("l", "lrem", key, c.db.id);
  }
  if (l.length === 0) {
    c.db.delete(key);
    c.server.notify("g", "del", key, c.db.id);
  }
  c.addInt(removed);
}

function ltrimCommand(c: Client, argv: string[]): void {
  let start = getLong(c, argv[2]);
  if (start === null) return;
  let end = getLong(c, argv[3]);
  if (end === null) return;
  const key = argv[1];
  const v = c.db.lookupWrite(key);
  if (v === undefined) {
    c.addOk();
    return;
  }
  const l = asList(c, v);
  if (!l) return;
  const llen = l.length;
  if (start < 0) start = llen + start;
  if (end < 0) end = llen + end;
  if (start < 0) start = 0;
  let removed: number;
  if (start > end || start >= llen) {
    removed = llen;
    l.clear();
  } else {
    if (end >= llen) end = llen - 1;
    removed = start + (llen - end - 1);
    l.trim(start, end);
  }
  c.server.notify("l", "ltrim", key, c.db.id);
  if (l.length === 0) {
    c.db.delete(key);
    c.server.notify("g", "del", key, c.db.id);
  }
  c.server.signalModifiedKey(c.db, key);
  c.server.dirty += removed;
  c.addOk();
}

// ---- move -----------------------------------------------------------------------------------

/** lmoveHandlePush: create the destination if needed, push, event, reply the value. */
function movePush(c: Client, dstKey: string, dst: ListValue | undefined, v: string, head: boolean) {
  if (dst === undefined) dst = createList(c, dstKey);
  c.server.signalModifiedKey(c.db, dstKey);
  dst.push(v, head);
  c.server.notify("l", head ? "lpush" : "rpush", dstKey, c.db.id);
  c.addBulk(v);
}

/**
 * Pop from `src` (a non-empty list) and push onto dstKey; false (after WRONGTYPE) when the
 * destination is not a list. True when the source list was deleted.
 */
function moveOne(
  c: Client,
  srcKey: string,
  src: ListValue,
  dstKey: string,
  fromHead: boolean,
  toHead: boolean,
): boolean | null {
  const dst = asList(c, c.db.lookupWrite(dstKey));
  if (dst === null) return null;
  const v = src.pop(fromHead)!;
  movePush(c, dstKey, dst, v, toHead);
  c.server.notify("l", fromHead ? "lpop" : "rpop", srcKey, c.db.id);
  let deleted = false;
  if (src.length === 0) {
    c.db.delete(srcKey);
    c.server.notify("g", "del", srcKey, c.db.id);
    deleted = true;
  }
  c.server.signalModifiedKey(c.db, srcKey);
  c.server.dirty++;
  return deleted;
}

function lmoveGeneric(c: Client, argv: string[], fromHead: boolean, toHead: boolean): void {
  const src = asList(c, c.db.lookupWrite(argv[1]));
  if (src === null) return;
  if (src === undefined || src.length === 0) {
    c.addNull();
    return;
  }
  moveOne(c, argv[1], src, argv[2], fromHead, toHead);
}

function lmoveCommand(c: Client, argv: string[]): void {
  const from = getPosition(c, argv[3]);
  if (from === null) return;
  const to = getPosition(c, argv[4]);
  if (to === null) return;
  lmoveGeneric(c, argv, from, to);
}

function rpoplpushCommand(c: Client, argv: string[]): void {
  lmoveGeneric(c, argv, false, true);
}

// ---- LMPOP ----------------------------------------------------------------------------------

interface MpopArgs {
  keys: string[];
  head: boolean;
  count: number;
}

/** Parse `numkeys key... LEFT|RIGHT [COUNT n]` from argv[numkeysIdx]. */
function parseMpop(c: Client, argv: string[], numkeysIdx: number): MpopArgs | null {
  const numkeys = getRangeLong(
    c,
    argv[numkeysIdx],
    1,
    LONG_MAX,
    "numkeys should be greater than 0",
  );
  if (numkeys === null) return null;
  const whereIdx = numkeysIdx + numkeys + 1;
  if (whereIdx >= argv.length) {
    c.addErrorSyntax();
    return null;
  }
  const head = getPosition(c, argv[whereIdx]);
  if (head === null) return null;
  let count = -1;
  for (let j = whereIdx + 1; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (count === -1 && argv[j].toLowerCase() === "count" && more) {
      const n = getRangeLong(c, argv[++j], 1, LONG_MAX, "count should be greater than 0");
      if (n === null) return null;
      count = n;
    } else {
      c.addErrorSyntax();
      return null;
    }
  }
  return { keys: argv.slice(numkeysIdx + 1, whereIdx), head, count: count === -1 ? 1 : count };
}

function lmpopCommand(c: Client, argv: string[]): void {
  const a = parseMpop(c, argv, 1);
  if (a === null) return;
  for (const key of a.keys) {
    const l = asList(c, c.db.lookupWrite(key));
    if (l === null) return;
    if (l === undefined || l.length === 0) continue;
    c.propagateArgv = popPropagation(key, a.head, a.count, l.length);
    popRangeWithKey(c, key, l, a.head, a.count);
    return;
  }
  c.addNullArray();
}

// ---- blocking -------------------------------------------------------------------------------

/** A timed-out list client gets a null array (every blocking list command, in Redis 7.0). */
function replyTimeout(c: Client): void {
  c.addNullArray();
}

/** How a pop from a list is replicated: [LR]POP key [min(count, length)] (LMPOP, BLPOP...). */
function popPropagation(key: string, head: boolean, count: number, len: number): string[] {
  const argv = [head ? "LPOP" : "RPOP", key];
  if (count !== -1) argv.push(String(count > len ? len : count));
  return argv;
}

/**
 * blockingPopGenericCommand: serve from the first non-empty key, or block. `count` -1 is
 * BLPOP/BRPOP ([key, value]); otherwise BLMPOP ([key, [values]]).
 */
function blockingPop(
  c: Client,
  keys: string[],
  head: boolean,
  timeoutArg: string,
  count: number,
): void {
  const deadline = parseTimeout(c, timeoutArg);
  if (deadline === null) return;
  for (const key of keys) {
    const l = asList(c, c.db.lookupWrite(key));
    if (l === null) return;
    if (l === undefined || l.length === 0) continue;
    c.propagateArgv = popPropagation(key, head, count, l.length);
    if (count !== -1) popRangeWithKey(c, key, l, head, count);
    else {
      c.addArrayLen(2);
      c.addBulk(key);
      c.addBulk(l.pop(head)!);
      elementsRemoved(c, key, head, l, 1);
    }
    return;
  }
  if (mustNotBlock(c)) {
    c.addNullArray();
    return;
  }
  blockForKeys(c, keys, deadline, (rc, key) => {
    const l = rc.db.peek(key);
    if (!(l instanceof ListValue) || l.length === 0) return false;
    rc.server.cmdTime = Date.now();
    alsoPropagate(rc.server, rc.db.id, popPropagation(key, head, count, l.length));
    if (count !== -1) popRangeWithKey(rc, key, l, head, count);
    else {
      rc.addArrayLen(2);
      rc.addBulk(key);
      rc.addBulk(l.pop(head)!);
      elementsRemoved(rc, key, head, l, 1);
    }
    return true;
  }, replyTimeout);
}

function blpopCommand(c: Client, argv: string[]): void {
  blockingPop(c, argv.slice(1, -1), true, argv[argv.length - 1], -1);
}
function brpopCommand(c: Client, argv: string[]): void {
  blockingPop(c, argv.slice(1, -1), false, argv[argv.length - 1], -1);
}

function blmpopCommand(c: Client, argv: string[]): void {
  const a = parseMpop(c, argv, 2);
  if (a === null) return;
  blockingPop(c, a.keys, a.head, argv[1], a.count);
}

/** blmoveGenericCommand. */
function blmoveGeneric(
  c: Client,
  argv: string[],
  fromHead: boolean,
  toHead: boolean,
  deadline: number,
): void {
  const src = asList(c, c.db.lookupWrite(argv[1]));
  if (src === null) return;
  if (src !== undefined) {
    lmoveGeneric(c, argv, fromHead, toHead);
    c.propagateArgv = argv.length === 4
      ? ["RPOPLPUSH", argv[1], argv[2]]
      : ["LMOVE", argv[1], argv[2], argv[3], argv[4]];
    return;
  }
  if (mustNotBlock(c)) {
    c.addNull();
    return;
  }
  const dstKey = argv[2];
  blockForKeys(c, [argv[1]], deadline, (rc, key) => {
    const l = rc.db.peek(key);
    if (!(l instanceof ListValue) || l.length === 0) return false;
    // A destination of another type: WRONGTYPE to the served client, which is unblocked.
    if (moveOne(rc, key, l, dstKey, fromHead, toHead) !== null) {
      const prop = moveProp(key, dstKey, fromHead, toHead, argv.length === 4);
      alsoPropagate(rc.server, rc.db.id, prop);
    }
    return true;
  }, replyTimeout);
}

/** BLMOVE is replicated as LMOVE, BRPOPLPUSH as RPOPLPUSH. */
function moveProp(src: string, dst: string, from: boolean, to: boolean, rpoplpush: boolean) {
  if (rpoplpush) return ["RPOPLPUSH", src, dst];
  return ["LMOVE", src, dst, from ? "left" : "right", to ? "left" : "right"];
}

function blmoveCommand(c: Client, argv: string[]): void {
  const from = getPosition(c, argv[3]);
  if (from === null) return;
  const to = getPosition(c, argv[4]);
  if (to === null) return;
  const deadline = parseTimeout(c, argv[5]);
  if (deadline === null) return;
  blmoveGeneric(c, argv, from, to, deadline);
}

function brpoplpushCommand(c: Client, argv: string[]): void {
  const deadline = parseTimeout(c, argv[3]);
  if (deadline === null) return;
  blmoveGeneric(c, argv, false, true, deadline);
}

// ---- table ----------------------------------------------------------------------------------

export const listCommands: CommandDef[] = [
  cmd("blmove", 6, "write denyoom noscript blocking", [1, 2, 1], "list", blmoveCommand, {
    summary:
      "Pop an element from a list, push it to another list and return it; or block until one is available",
    since: "6.2.0",
    group: "list",
    complexity: "O(1)",
    keySpecs: [keySpec("RW ACCESS DELETE"), keySpec("RW INSERT", 2, 0)],
    arguments: [{ name: "source", type: "key", keySpecIndex: 0 }, {
      name: "destination",
      type: "key",
      keySpecIndex: 1,
    }, {
      name: "wherefrom",
      type: "oneof",
      arguments: [{ name: "left", type: "pure-token", token: "LEFT" }, {
        name: "right",
        type: "pure-token",
        token: "RIGHT",
      }],
    }, {
      name: "whereto",
      type: "oneof",
      arguments: [{ name: "left", type: "pure-token", token: "LEFT" }, {
        name: "right",
        type: "pure-token",
        token: "RIGHT",
      }],
    }, { name: "timeout", type: "double" }],
  }),
  cmd("blmpop", -5, "write blocking movablekeys", [0, 0, 0], "list", blmpopCommand, {
    summary: "Pop elements from a list, or block until one is available",
    since: "7.0.0",
    group: "list",
    complexity:
      "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
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
      arguments: [{ name: "left", type: "pure-token", token: "LEFT" }, {
        name: "right",
        type: "pure-token",
        token: "RIGHT",
      }],
    }, { name: "count", type: "integer", token: "COUNT", optional: true }],
  }),
  cmd("blpop", -3, "write noscript blocking", [1, -2, 1], "list", blpopCommand, {
    summary: "Remove and get the first element in a list, or block until one is available",
    since: "2.0.0",
    group: "list",
    complexity: "O(N) where N is the number of provided keys.",
    history: [["6.0.0", "`timeout` is interpreted as a double instead of an integer."]],
    keySpecs: [keySpec("RW ACCESS DELETE", 1, -2)],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0, multiple: true }, {
      name: "timeout",
      type: "double",
    }],
  }),
  cmd("brpop", -3, "write noscript blocking", [1, -2, 1], "list", brpopCommand, {
    summary: "Remove and get the last element in a list, or block until one is available",
    since: "2.0.0",
    group: "list",
    complexity: "O(N) where N is the number of provided keys.",
    history: [["6.0.0", "`timeout` is interpreted as a double instead of an integer."]],
    keySpecs: [keySpec("RW ACCESS DELETE", 1, -2)],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0, multiple: true }, {
      name: "timeout",
      type: "double",
    }],
  }),
  cmd("brpoplpush", 4, "write denyoom noscript blocking", [1, 2, 1], "list", brpoplpushCommand, {
    summary:
      "Pop an element from a list, push it to another list and return it; or block until one is available",
    since: "2.2.0",
    group: "list",
    complexity: "O(1)",
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: "`BLMOVE` with the `RIGHT` and `LEFT` arguments",
    history: [["6.0.0", "`timeout` is interpreted as a double instead of an integer."]],
    keySpecs: [keySpec("RW ACCESS DELETE"), keySpec("RW INSERT", 2, 0)],
    arguments: [{ name: "source", type: "key", keySpecIndex: 0 }, {
      name: "destination",
      type: "key",
      keySpecIndex: 1,
    }, { name: "timeout", type: "double" }],
  }),
  cmd("lindex", 3, "readonly", [1, 1, 1], "list", lindexCommand, {
    summary: "Get an element from a list by its index",
    since: "1.0.0",
    group: "list",
    complexity:
      "O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1).",
    keySpecs: [keySpec("RO ACCESS")],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, { name: "index", type: "integer" }],
  }),
  cmd("linsert", 5, "write denyoom", [1, 1, 1], "list", linsertCommand, {
    summary: "Insert an element before or after another element in a list",
    since: "2.2.0",
    group: "list",
    complexity:
      "O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N).",
    keySpecs: [keySpec("RW INSERT")],
    arguments: [
      { name: "key", type: "key", keySpecIndex: 0 },
      {
        name: "where",
        type: "oneof",
        arguments: [{ name: "before", type: "pure-token", token: "BEFORE" }, {
          name: "after",
          type: "pure-token",
          token: "AFTER",
        }],
      },
      { name: "pivot", type: "string" },
      { name: "element", type: "string" },
    ],
  }),
  cmd("llen", 2, "readonly fast", [1, 1, 1], "list", llenCommand, {
    summary: "Get the length of a list",
    since: "1.0.0",
    group: "list",
    complexity: "O(1)",
    keySpecs: [keySpec("RO")],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0 }],
  }),
  cmd("lmove", 5, "write denyoom", [1, 2, 1], "list", lmoveCommand, {
    summary: "Pop an element from a list, push it to another list and return it",
    since: "6.2.0",
    group: "list",
    complexity: "O(1)",
    keySpecs: [keySpec("RW ACCESS DELETE"), keySpec("RW INSERT", 2, 0)],
    arguments: [{ name: "source", type: "key", keySpecIndex: 0 }, {
      name: "destination",
      type: "key",
      keySpecIndex: 1,
    }, {
      name: "wherefrom",
      type: "oneof",
      arguments: [{ name: "left", type: "pure-token", token: "LEFT" }, {
        name: "right",
        type: "pure-token",
        token: "RIGHT",
      }],
    }, {
      name: "whereto",
      type: "oneof",
      arguments: [{ name: "left", type: "pure-token", token: "LEFT" }, {
        name: "right",
        type: "pure-token",
        token: "RIGHT",
      }],
    }],
  }),
  cmd("lmpop", -4, "write movablekeys", [0, 0, 0], "list", lmpopCommand, {
    summary: "Pop elements from a list",
    since: "7.0.0",
    group: "list",
    complexity:
      "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
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
      arguments: [{ name: "left", type: "pure-token", token: "LEFT" }, {
        name: "right",
        type: "pure-token",
        token: "RIGHT",
      }],
    }, { name: "count", type: "integer", token: "COUNT", optional: true }],
  }),
  cmd("lpop", -2, "write fast", [1, 1, 1], "list", lpopCommand, {
    summary: "Remove and get the first elements in a list",
    since: "1.0.0",
    group: "list",
    complexity: "O(N) where N is the number of elements returned",
    history: [["6.2.0", "Added the `count` argument."]],
    keySpecs: [keySpec("RW ACCESS DELETE")],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, {
      name: "count",
      type: "integer",
      optional: true,
      since: "6.2.0",
    }],
  }),
  cmd("lpos", -3, "readonly", [1, 1, 1], "list", lposCommand, {
    summary: "Return the index of matching elements on a list",
    since: "6.0.6",
    group: "list",
    complexity:
      "O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.",
    keySpecs: [keySpec("RO ACCESS")],
    arguments: [
      { name: "key", type: "key", keySpecIndex: 0 },
      { name: "element", type: "string" },
      { name: "rank", type: "integer", token: "RANK", optional: true },
      { name: "num-matches", type: "integer", token: "COUNT", optional: true },
      { name: "len", type: "integer", token: "MAXLEN", optional: true },
    ],
  }),
  cmd("lpush", -3, "write denyoom fast", [1, 1, 1], "list", lpushCommand, {
    summary: "Prepend one or multiple elements to a list",
    since: "1.0.0",
    group: "list",
    complexity:
      "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
    history: [["2.4.0", "Accepts multiple `element` arguments."]],
    keySpecs: [keySpec("RW INSERT")],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, {
      name: "element",
      type: "string",
      multiple: true,
    }],
  }),
  cmd("lpushx", -3, "write denyoom fast", [1, 1, 1], "list", lpushxCommand, {
    summary: "Prepend an element to a list, only if the list exists",
    since: "2.2.0",
    group: "list",
    complexity:
      "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
    history: [["4.0.0", "Accepts multiple `element` arguments."]],
    keySpecs: [keySpec("RW INSERT")],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, {
      name: "element",
      type: "string",
      multiple: true,
    }],
  }),
  cmd("lrange", 4, "readonly", [1, 1, 1], "list", lrangeCommand, {
    summary: "Get a range of elements from a list",
    since: "1.0.0",
    group: "list",
    complexity:
      "O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.",
    keySpecs: [keySpec("RO ACCESS")],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, { name: "start", type: "integer" }, {
      name: "stop",
      type: "integer",
    }],
  }),
  cmd("lrem", 4, "write", [1, 1, 1], "list", lremCommand, {
    summary: "Remove elements from a list",
    since: "1.0.0",
    group: "list",
    complexity: "O(N+M) where N is the length of the list and M is the number of elements removed.",
    keySpecs: [keySpec("RW DELETE")],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, { name: "count", type: "integer" }, {
      name: "element",
      type: "string",
    }],
  }),
  cmd("lset", 4, "write denyoom", [1, 1, 1], "list", lsetCommand, {
    summary: "Set the value of an element in a list by its index",
    since: "1.0.0",
    group: "list",
    complexity:
      "O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).",
    keySpecs: [keySpec("RW UPDATE")],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, { name: "index", type: "integer" }, {
      name: "element",
      type: "string",
    }],
  }),
  cmd("ltrim", 4, "write", [1, 1, 1], "list", ltrimCommand, {
    summary: "Trim a list to the specified range",
    since: "1.0.0",
    group: "list",
    complexity: "O(N) where N is the number of elements to be removed by the operation.",
    keySpecs: [keySpec("RW DELETE")],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, { name: "start", type: "integer" }, {
      name: "stop",
      type: "integer",
    }],
  }),
  cmd("rpop", -2, "write fast", [1, 1, 1], "list", rpopCommand, {
    summary: "Remove and get the last elements in a list",
    since: "1.0.0",
    group: "list",
    complexity: "O(N) where N is the number of elements returned",
    history: [["6.2.0", "Added the `count` argument."]],
    keySpecs: [keySpec("RW ACCESS DELETE")],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, {
      name: "count",
      type: "integer",
      optional: true,
      since: "6.2.0",
    }],
  }),
  cmd("rpoplpush", 3, "write denyoom", [1, 2, 1], "list", rpoplpushCommand, {
    summary: "Remove the last element in a list, prepend it to another list and return it",
    since: "1.2.0",
    group: "list",
    complexity: "O(1)",
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: "`LMOVE` with the `RIGHT` and `LEFT` arguments",
    keySpecs: [keySpec("RW ACCESS DELETE"), keySpec("RW INSERT", 2, 0)],
    arguments: [{ name: "source", type: "key", keySpecIndex: 0 }, {
      name: "destination",
      type: "key",
      keySpecIndex: 1,
    }],
  }),
  cmd("rpush", -3, "write denyoom fast", [1, 1, 1], "list", rpushCommand, {
    summary: "Append one or multiple elements to a list",
    since: "1.0.0",
    group: "list",
    complexity:
      "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
    history: [["2.4.0", "Accepts multiple `element` arguments."]],
    keySpecs: [keySpec("RW INSERT")],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, {
      name: "element",
      type: "string",
      multiple: true,
    }],
  }),
  cmd("rpushx", -3, "write denyoom fast", [1, 1, 1], "list", rpushxCommand, {
    summary: "Append an element to a list, only if the list exists",
    since: "2.2.0",
    group: "list",
    complexity:
      "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
    history: [["4.0.0", "Accepts multiple `element` arguments."]],
    keySpecs: [keySpec("RW INSERT")],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, {
      name: "element",
      type: "string",
      multiple: true,
    }],
  }),
];
