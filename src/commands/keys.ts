/**
 * Generic keyspace family: DEL, UNLINK, EXISTS, TYPE, RENAME, RENAMENX, MOVE, COPY, SWAPDB, DBSIZE,
 * FLUSHDB, FLUSHALL, KEYS, SCAN, RANDOMKEY, TOUCH, OBJECT, and the expire commands (EXPIRE,
 * PEXPIRE, EXPIREAT, PEXPIREAT, TTL, PTTL, EXPIRETIME, PEXPIRETIME, PERSIST).
 *
 * Semantics follow Redis 7.0 db.c / expire.c / object.c, including which lookups count keyspace
 * hits/misses and raise "keymiss" (read lookups), which touch the LRU clock (not TYPE, EXISTS, TTL,
 * OBJECT, SCAN's TYPE filter), and the keyspace events each write raises.
 *
 * Known differences from Redis:
 * - OBJECT ENCODING of an ordinary string is decided from its value (int / embstr up to 44 bytes /
 *   raw); a value changed in place (APPEND, SETRANGE, SETBIT, BITFIELD, BITOP's result) is a
 *   RawString and says "raw", as in Redis. OBJECT REFCOUNT follows the same rule (2147483647 for a
 *   shared integer 0..9999). INCRBYFLOAT results that look like integers say "int" (Redis: embstr).
 * - SCAN cursors are handles on server-side iterators (src/store/scan.ts), not bucket indexes.
 *   `SCAN … TYPE none` never returns a key; Redis 7.0 returns keys that its own TYPE filter lookup
 *   just expired.
 * - RANDOMKEY with every key expired while expiry is paused (CLIENT PAUSE) answers nil after 100
 *   tries; Redis 7.0 loops forever there (7.2 returns a possibly expired key).
 * - RANDOMKEY's pick on dbs over 64 keys is not independent between calls (src/store/db.ts).
 * - Expire times beyond 2^53 ms are stored rounded to a double (PEXPIRETIME shows the rounding).
 */
import { lfuDecrAndReturn } from "../store/lfu.ts";
import { memPolicy } from "../store/accounting.ts";
import type { Client } from "../server/client.ts";
import { lazyfree, PROPAGATE_ALL } from "../server/propagate.ts";
import { type ArgDoc, cmd, type CommandDef, keySpec } from "./types.ts";
import { eqi, I64_MAX, I64_MIN, parseI64, parseScanArgs } from "./args.ts";
import { type RValue, typeName } from "../store/db.ts";
import { isMatchAll, stringMatch } from "../store/glob.ts";
import { parseScanCursor } from "../store/scan.ts";
import { persistenceOf } from "../persist/snapshot.ts";

// ---- shared helpers ---------------------------------------------------------------------------

/**
 * Redis's lookupKeyReadWithFlags for a command key: expires first, counts a hit or a miss, raises
 * "keymiss" (unless `notify` is false: LOOKUP_NONOTIFY) and touches the LRU clock only if `touch`.
 */
function lookupReadStats(c: Client, key: string, touch: boolean, notify = true) {
  const v = touch ? c.db.lookupRead(key) : c.db.peek(key);
  if (v === undefined) {
    c.server.stats.keyspaceMisses++;
    if (notify) c.server.notify("m", "keymiss", key, c.db.id);
  } else c.server.stats.keyspaceHits++;
  return v;
}

/** A config value, or `fallback` while the config table does not have the entry yet. */
function configOr<T extends string | number | boolean>(c: Client, name: string, fallback: T): T {
  try {
    return c.server.config.get(name) as T;
  } catch {
    return fallback;
  }
}

const INT_MAX = 2147483647;
const INT_MIN = -2147483648;

/**
 * Redis's getIntFromObjectOrReply: an int64, then the C int range. With `msg`, that text replaces
 * both errors (SWAPDB's "invalid first DB index").
 */
function getIntOrReply(c: Client, s: string, msg?: string): number | null {
  const v = parseI64(s);
  if (v === null) {
    c.addError(msg ?? "ERR value is not an integer or out of range");
    return null;
  }
  if (typeof v === "bigint" || v < INT_MIN || v > INT_MAX) {
    c.addError(
      msg ?? `ERR value is out of range, value must between ${INT_MIN} and ${INT_MAX}`,
    );
    return null;
  }
  return v;
}

/** A copy of a value for COPY: strings are immutable, objects deep-copy themselves. */
function dupValue(v: RValue): RValue {
  return typeof v === "string" ? v : v.dup();
}

const SAME_OBJECT = "ERR source and destination objects are the same";
const NO_SUCH_KEY = "ERR no such key";

// ---- DEL / UNLINK / EXISTS / TYPE / TOUCH / DBSIZE --------------------------------------------

function delGeneric(c: Client, argv: string[]): void {
  const db = c.db;
  let n = 0;
  for (let j = 1; j < argv.length; j++) {
    const key = argv[j];
    if (db.delete(key)) {
      c.server.signalModifiedKey(db, key);
      c.server.notify("g", "del", key, db.id);
      c.server.dirty++;
      n++;
    }
  }
  c.addInt(n);
}

function existsCommand(c: Client, argv: string[]): void {
  let n = 0;
  for (let j = 1; j < argv.length; j++) if (lookupReadStats(c, argv[j], false) !== undefined) n++;
  c.addInt(n);
}

function typeCommand(c: Client, argv: string[]): void {
  const v = lookupReadStats(c, argv[1], false);
  c.addStatus(v === undefined ? "none" : typeName(v));
}

function touchCommand(c: Client, argv: string[]): void {
  let n = 0;
  for (let j = 1; j < argv.length; j++) if (lookupReadStats(c, argv[j], true) !== undefined) n++;
  c.addInt(n);
}

function dbsizeCommand(c: Client): void {
  c.addInt(c.db.size);
}

// ---- RENAME / RENAMENX / MOVE / COPY / SWAPDB --------------------------------------------------

function renameGeneric(c: Client, argv: string[], nx: boolean): void {
  const db = c.db;
  const src = argv[1];
  const dst = argv[2];
  const o = db.lookupWrite(src);
  if (o === undefined) return c.addError(NO_SUCH_KEY);
  if (src === dst) return nx ? c.addInt(0) : c.addOk();
  const expire = db.getExpire(src);
  if (db.lookupWrite(dst) !== undefined) {
    if (nx) return c.addInt(0);
    db.removeKey(dst);
  }
  db.set(dst, o);
  c.server.notify("n", "new", dst, db.id);
  if (expire !== undefined) db.setExpire(dst, expire);
  db.removeKey(src);
  c.server.signalModifiedKey(db, src);
  c.server.signalModifiedKey(db, dst);
  c.server.notify("g", "rename_from", src, db.id);
  c.server.notify("g", "rename_to", dst, db.id);
  c.server.dirty++;
  if (nx) c.addInt(1);
  else c.addOk();
}

function moveCommand(c: Client, argv: string[]): void {
  const srcDb = c.db;
  const key = argv[1];
  const id = getIntOrReply(c, argv[2]);
  if (id === null) return;
  if (id < 0 || id >= c.server.dbs.length) return c.addError("ERR DB index is out of range");
  const dstDb = c.server.dbs[id];
  if (dstDb === srcDb) return c.addError(SAME_OBJECT);
  const o = srcDb.lookupWrite(key);
  if (o === undefined) return c.addInt(0);
  const expire = srcDb.getExpire(key);
  if (dstDb.lookupWrite(key) !== undefined) return c.addInt(0);
  dstDb.set(key, o);
  c.server.notify("n", "new", key, dstDb.id);
  if (expire !== undefined) dstDb.setExpire(key, expire);
  srcDb.removeKey(key);
  c.server.signalModifiedKey(srcDb, key);
  c.server.signalModifiedKey(dstDb, key);
  c.server.notify("g", "move_from", key, srcDb.id);
  c.server.notify("g", "move_to", key, dstDb.id);
  c.server.dirty++;
  c.addInt(1);
}

function copyCommand(c: Client, argv: string[]): void {
  const srcDb = c.db;
  let dstDb = srcDb;
  let replace = false;
  for (let j = 3; j < argv.length; j++) {
    const additional = argv.length - j - 1;
    if (eqi(argv[j], "REPLACE")) replace = true;
    else if (eqi(argv[j], "DB") && additional >= 1) {
      const id = getIntOrReply(c, argv[j + 1]);
      if (id === null) return;
      if (id < 0 || id >= c.server.dbs.length) return c.addError("ERR DB index is out of range");
      dstDb = c.server.dbs[id];
      j++;
    } else return c.addErrorSyntax();
  }
  const key = argv[1];
  const newkey = argv[2];
  if (srcDb === dstDb && key === newkey) return c.addError(SAME_OBJECT);
  const o = lookupReadStats(c, key, true);
  if (o === undefined) return c.addInt(0);
  const expire = srcDb.getExpire(key);
  let del = false;
  if (dstDb.lookupWrite(newkey) !== undefined) {
    if (!replace) return c.addInt(0);
    del = true;
  }
  const copy = dupValue(o);
  if (del) dstDb.removeKey(newkey);
  dstDb.set(newkey, copy);
  c.server.notify("n", "new", newkey, dstDb.id);
  if (expire !== undefined) dstDb.setExpire(newkey, expire);
  c.server.signalModifiedKey(dstDb, newkey);
  c.server.notify("g", "copy_to", newkey, dstDb.id);
  c.server.dirty++;
  c.addInt(1);
}

function swapdbCommand(c: Client, argv: string[]): void {
  const id1 = getIntOrReply(c, argv[1], "ERR invalid first DB index");
  if (id1 === null) return;
  const id2 = getIntOrReply(c, argv[2], "ERR invalid second DB index");
  if (id2 === null) return;
  const dbs = c.server.dbs;
  if (id1 < 0 || id1 >= dbs.length || id2 < 0 || id2 >= dbs.length) {
    return c.addError("ERR DB index is out of range");
  }
  if (id1 !== id2) {
    dbs[id1].swapWith(dbs[id2]);
    c.server.signalSwappedDb(id1, id2);
  }
  c.server.dirty++;
  c.addOk();
}

// ---- FLUSHDB / FLUSHALL ------------------------------------------------------------------------

/** [ASYNC|SYNC]; undefined after replying a syntax error. */
function flushAsyncOrReply(c: Client, argv: string[]): boolean | undefined {
  if (argv.length === 1) return configOr(c, "lazyfree-lazy-user-flush", false);
  if (argv.length === 2) {
    if (eqi(argv[1], "SYNC")) return false;
    if (eqi(argv[1], "ASYNC")) return true;
  }
  c.addErrorSyntax();
  return undefined;
}

function flushdbCommand(c: Client, argv: string[]): void {
  const async = flushAsyncOrReply(c, argv);
  if (async === undefined) return;
  // Dropping the maps is O(1) here; the collector frees them, so SYNC and ASYNC act alike.
  c.server.signalFlushedDb(c.db.id, async); // while the keys are still there (WATCH)
  c.server.dirty += c.db.clear();
  c.forcePropagate = PROPAGATE_ALL; // even when the db was empty
  c.addOk();
}

function flushallCommand(c: Client, argv: string[]): void {
  const async = flushAsyncOrReply(c, argv);
  if (async === undefined) return;
  c.server.signalFlushedDb(-1, async); // while the keys are still there (WATCH)
  let n = 0;
  for (const db of c.server.dbs) n += db.clear();
  c.server.dirty += n;
  c.forcePropagate = PROPAGATE_ALL; // even when the dbs were empty
  // flushAllDataAndResetRDB: stop a BGSAVE; with save rules, save the empty dataset now.
  persistenceOf(c.server).flushAll();
  c.addOk();
}

// ---- KEYS / SCAN / RANDOMKEY -------------------------------------------------------------------

function keysCommand(c: Client, argv: string[]): void {
  const db = c.db;
  const pattern = argv[1];
  const all = isMatchAll(pattern);
  const volatile = db.volatileSize !== 0;
  if (all && !volatile) {
    c.addArrayLen(db.size);
    for (const key of db.keys()) {
      c.addBulk(key);
      if (c.closedForWrite) break; // output buffer limit reached (Redis's CLIENT_CLOSE_ASAP)
    }
    return;
  }
  const at = c.deferLen();
  let n = 0;
  for (const key of db.keys()) {
    if (!all && !stringMatch(pattern, key)) continue;
    if (volatile && db.keyIsExpired(key)) continue;
    c.addBulk(key);
    n++;
    if (c.closedForWrite) break;
  }
  c.setDeferredArray(at, n);
}

function scanCommand(c: Client, argv: string[]): void {
  const cursor = parseScanCursor(argv[1]);
  if (cursor === null) return c.addError("ERR invalid cursor");
  const opts = parseScanArgs(c, argv, 2, true);
  if (opts === null) return;
  const { count, pattern, type } = opts;
  const db = c.db;
  const step = db.scanCursors.step(cursor, db.ks.map, count);
  const keys: string[] = [];
  const wantType = type?.toLowerCase();
  for (const key of step.keys) {
    if (pattern !== null && !stringMatch(pattern, key)) continue;
    if (wantType !== undefined) {
      const v = lookupReadStats(c, key, false);
      if ((v === undefined ? "none" : typeName(v)) !== wantType) continue;
    }
    if (db.volatileSize !== 0 && db.expireIfNeeded(key)) continue;
    if (!db.has(key)) continue;
    keys.push(key);
  }
  c.addArrayLen(2);
  c.addBulk(step.cursor);
  c.addBulkArray(keys);
}

function randomkeyCommand(c: Client): void {
  c.addBulkOrNull(c.db.randomKey());
}

// ---- OBJECT ------------------------------------------------------------------------------------

/** OBJECT ENCODING of a string value, from the value (see the notes at the top). */
export function stringEncoding(v: string): string {
  if (v.length <= 20 && parseI64(v) !== null) return "int";
  return v.length <= 44 ? "embstr" : "raw";
}

export function encodingOf(v: RValue): string {
  return typeof v === "string" ? stringEncoding(v) : v.encoding();
}

/** LRU/LFU policies disable shared integers in Redis (MAXMEMORY_FLAG_NO_SHARED_INTEGERS). */
function maxmemoryPolicy(c: Client): string {
  return String(configOr(c, "maxmemory-policy", "noeviction"));
}

function isLfu(c: Client): boolean {
  return maxmemoryPolicy(c).endsWith("-lfu");
}

function objectLookup(c: Client, key: string): RValue | undefined {
  const v = lookupReadStats(c, key, false, false);
  if (v === undefined) c.addNull();
  return v;
}

const OBJECT_HELP = [
  "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "ENCODING <key>",
  "    Return the kind of internal representation used in order to store the value",
  "    associated with a <key>.",
  "FREQ <key>",
  "    Return the access frequency index of the <key>. The returned integer is",
  "    proportional to the logarithm of the recent access frequency of the key.",
  "IDLETIME <key>",
  "    Return the idle time of the <key>, that is the approximated number of",
  "    seconds elapsed since the last access to the key.",
  "REFCOUNT <key>",
  "    Return the number of references of the value associated with the specified",
  "    <key>.",
  "HELP",
  "    Prints this help.",
];

function objectHelpCommand(c: Client): void {
  c.addArrayLen(OBJECT_HELP.length);
  for (const line of OBJECT_HELP) c.addStatus(line);
}

function objectEncodingCommand(c: Client, argv: string[]): void {
  const v = objectLookup(c, argv[2]);
  if (v !== undefined) c.addBulk(encodingOf(v));
}

function objectRefcountCommand(c: Client, argv: string[]): void {
  const v = objectLookup(c, argv[2]);
  if (v !== undefined) c.addInt(objectRefcount(c, v));
}

/** Redis's refcount: INT_MAX for its shared integers 0..9999 (unless LRU/LFU eviction), else 1. */
export function objectRefcount(c: Client, v: RValue): number {
  if (typeof v === "string" && v.length <= 4 && stringEncoding(v) === "int") {
    const n = Number(v);
    const policy = maxmemoryPolicy(c);
    const noShared = Number(configOr(c, "maxmemory", 0)) !== 0 &&
      (policy.endsWith("-lru") || policy.endsWith("-lfu"));
    if (n >= 0 && n < 10000 && !noShared) return INT_MAX;
  }
  return 1;
}

function objectIdletimeCommand(c: Client, argv: string[]): void {
  const key = argv[2];
  const v = objectLookup(c, key);
  if (v === undefined) return;
  if (isLfu(c)) {
    return c.addError(
      "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.",
    );
  }
  c.addInt(c.db.idleSeconds(key));
}

function objectFreqCommand(c: Client, argv: string[]): void {
  const v = objectLookup(c, argv[2]);
  if (v === undefined) return;
  if (!isLfu(c)) {
    return c.addError(
      "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.",
    );
  }
  // The decayed counter, not written back (Redis's LFUDecrAndReturn).
  const f = c.db.getLru(argv[2]) ?? 0;
  c.addInt(lfuDecrAndReturn(f, memPolicy.lfuDecayTime, c.server.cmdTime));
}

// ---- EXPIRE family -----------------------------------------------------------------------------

const EXPIRE_NX = 1;
const EXPIRE_XX = 2;
const EXPIRE_GT = 4;
const EXPIRE_LT = 8;

/** Redis's parseExtendedExpireArgumentsOrReply; null after replying an error. */
function expireFlagsOrReply(c: Client, argv: string[]): number | null {
  let flags = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j];
    if (eqi(opt, "NX")) flags |= EXPIRE_NX;
    else if (eqi(opt, "XX")) flags |= EXPIRE_XX;
    else if (eqi(opt, "GT")) flags |= EXPIRE_GT;
    else if (eqi(opt, "LT")) flags |= EXPIRE_LT;
    else {
      const nul = opt.indexOf("\0");
      c.addError(`ERR Unsupported option ${nul >= 0 ? opt.slice(0, nul) : opt}`);
      return null;
    }
  }
  if (flags & EXPIRE_NX && flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT)) {
    c.addError("ERR NX and XX, GT or LT options at the same time are not compatible");
    return null;
  }
  if (flags & EXPIRE_GT && flags & EXPIRE_LT) {
    c.addError("ERR GT and LT options at the same time are not compatible");
    return null;
  }
  return flags;
}

const I64_MAX_DIV_1000 = I64_MAX / 1000n;
const I64_MIN_DIV_1000 = I64_MIN / 1000n;

/**
 * EXPIRE / PEXPIRE / EXPIREAT / PEXPIREAT. `relative`: the time is added to now; `seconds`: the
 * argument is in seconds. A time at or before now deletes the key (event "del", as Redis).
 */
function expireGeneric(c: Client, argv: string[], relative: boolean, seconds: boolean): void {
  const flags = expireFlagsOrReply(c, argv);
  if (flags === null) return;
  const arg = parseI64(argv[2]);
  if (arg === null) return c.addErrorNotInt();
  const basetime = relative ? c.server.cmdTime : 0;
  let when = BigInt(arg);
  const invalid = `ERR invalid expire time in '${
    c.lastCmd?.fullName ?? argv[0].toLowerCase()
  }' command`;
  if (seconds) {
    if (when > I64_MAX_DIV_1000 || when < I64_MIN_DIV_1000) return c.addError(invalid);
    when *= 1000n;
  }
  if (when > I64_MAX - BigInt(basetime)) return c.addError(invalid);
  when += BigInt(basetime);
  const whenMs = Number(when);

  const db = c.db;
  const key = argv[1];
  if (db.lookupWrite(key) === undefined) return c.addInt(0);
  if (flags !== 0) {
    const current = db.getExpire(key);
    if (flags & EXPIRE_NX && current !== undefined) return c.addInt(0);
    if (flags & EXPIRE_XX && current === undefined) return c.addInt(0);
    // No TTL counts as an infinite one: GT never beats it, LT always does.
    if (flags & EXPIRE_GT && (current === undefined || whenMs <= current)) return c.addInt(0);
    if (flags & EXPIRE_LT && current !== undefined && whenMs >= current) return c.addInt(0);
  }
  if (whenMs <= c.server.cmdTime && !c.server.loading) {
    db.removeKey(key);
    c.server.dirty++;
    // Replicated as an explicit DEL (UNLINK under lazyfree-lazy-expire).
    c.propagateArgv = [lazyfree(c.server, "expire") ? "UNLINK" : "DEL", key];
    c.server.signalModifiedKey(db, key);
    c.server.notify("g", "del", key, db.id);
    return c.addInt(1);
  }
  db.setExpire(key, whenMs);
  // Replicated as PEXPIREAT <ms>, the condition (NX/XX/GT/LT) kept.
  const prop = argv.slice();
  prop[0] = "PEXPIREAT";
  if (relative || seconds) prop[2] = String(whenMs);
  c.propagateArgv = prop;
  c.addInt(1);
  c.server.signalModifiedKey(db, key);
  c.server.notify("g", "expire", key, db.id);
  c.server.dirty++;
}

/** An expire time or TTL as an int64 reply (times beyond 2^53 ms are doubles: clamp). */
function addMs(c: Client, v: number): void {
  if (Number.isSafeInteger(v)) return c.addInt(v);
  let b = BigInt(Math.trunc(v));
  if (b > I64_MAX) b = I64_MAX;
  if (b < I64_MIN) b = I64_MIN;
  c.addInt(b);
}

/** TTL / PTTL / EXPIRETIME / PEXPIRETIME. */
function ttlGeneric(c: Client, argv: string[], ms: boolean, abs: boolean): void {
  const key = argv[1];
  if (lookupReadStats(c, key, false) === undefined) return c.addInt(-2);
  const expire = c.db.getExpire(key);
  if (expire === undefined) return c.addInt(-1);
  let ttl = abs ? expire : expire - c.server.cmdTime;
  if (ttl < 0) ttl = 0;
  addMs(c, ms ? ttl : Math.floor((ttl + 500) / 1000));
}

function persistCommand(c: Client, argv: string[]): void {
  const db = c.db;
  const key = argv[1];
  if (db.lookupWrite(key) !== undefined && db.persist(key)) {
    c.server.signalModifiedKey(db, key);
    c.server.notify("g", "persist", key, db.id);
    c.addInt(1);
    c.server.dirty++;
  } else c.addInt(0);
}

// ---- table -------------------------------------------------------------------------------------

const KEY0: ArgDoc = { name: "key", type: "key", keySpecIndex: 0 };
const KEYS_MULTI: ArgDoc = { name: "key", type: "key", keySpecIndex: 0, multiple: true };
const MULTI_SHARD_SUM = ["request_policy:multi_shard", "response_policy:agg_sum"];
const ALL_SHARDS_OK = ["request_policy:all_shards", "response_policy:all_succeeded"];
const EXPIRE_CONDITION: ArgDoc = {
  name: "condition",
  type: "oneof",
  since: "7.0.0",
  optional: true,
  arguments: [
    { name: "nx", type: "pure-token", token: "NX" },
    { name: "xx", type: "pure-token", token: "XX" },
    { name: "gt", type: "pure-token", token: "GT" },
    { name: "lt", type: "pure-token", token: "LT" },
  ],
};
const EXPIRE_HISTORY: [string, string][] = [["7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`."]];
const FLUSH_ARGS: ArgDoc[] = [{
  name: "async",
  type: "oneof",
  optional: true,
  arguments: [
    { name: "async", type: "pure-token", token: "ASYNC", since: "4.0.0" },
    { name: "sync", type: "pure-token", token: "SYNC", since: "6.2.0" },
  ],
}];
const FLUSH_HISTORY: [string, string][] = [
  ["4.0.0", "Added the `ASYNC` flushing mode modifier."],
  ["6.2.0", "Added the `SYNC` flushing mode modifier."],
];

const G = "generic";

function expireRow(
  name: string,
  relative: boolean,
  seconds: boolean,
  summary: string,
  since: string,
  arg: { name: string; type: "integer" | "unix-time" },
): CommandDef {
  return cmd(
    name,
    -3,
    "write fast",
    [1, 1, 1],
    "keyspace",
    (c, argv) => expireGeneric(c, argv, relative, seconds),
    {
      summary,
      since,
      group: G,
      complexity: "O(1)",
      history: EXPIRE_HISTORY,
      keySpecs: [keySpec("RW UPDATE", 1)],
      arguments: [KEY0, arg, EXPIRE_CONDITION],
    },
  );
}

function ttlRow(
  name: string,
  ms: boolean,
  abs: boolean,
  summary: string,
  since: string,
  extra: { tips?: string[]; history?: [string, string][] },
): CommandDef {
  return cmd(
    name,
    2,
    "readonly fast",
    [1, 1, 1],
    "keyspace",
    (c, argv) => ttlGeneric(c, argv, ms, abs),
    {
      summary,
      since,
      group: G,
      complexity: "O(1)",
      ...extra,
      keySpecs: [keySpec("RO ACCESS", 1)],
      arguments: [KEY0],
    },
  );
}

function objectSub(
  name: string,
  summary: string,
  since: string,
  handler: typeof objectFreqCommand,
) {
  return cmd(name, 3, "readonly", [2, 2, 1], "keyspace", handler, {
    summary,
    since,
    group: G,
    complexity: "O(1)",
    tips: ["nondeterministic_output"],
    keySpecs: [keySpec("RO", 2)],
    arguments: [KEY0],
  });
}

export const keyspaceCommands: CommandDef[] = [
  cmd("del", -2, "write", [1, -1, 1], "keyspace", delGeneric, {
    summary: "Delete a key",
    since: "1.0.0",
    group: G,
    complexity:
      "O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).",
    tips: MULTI_SHARD_SUM,
    keySpecs: [keySpec("RM DELETE", 1, -1)],
    arguments: [KEYS_MULTI],
  }),
  cmd("unlink", -2, "write fast", [1, -1, 1], "keyspace", delGeneric, {
    summary:
      "Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.",
    since: "4.0.0",
    group: G,
    complexity:
      "O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of.",
    tips: MULTI_SHARD_SUM,
    keySpecs: [keySpec("RM DELETE", 1, -1)],
    arguments: [KEYS_MULTI],
  }),
  cmd("exists", -2, "readonly fast", [1, -1, 1], "keyspace", existsCommand, {
    summary: "Determine if a key exists",
    since: "1.0.0",
    group: G,
    complexity: "O(N) where N is the number of keys to check.",
    history: [["3.0.3", "Accepts multiple `key` arguments."]],
    tips: MULTI_SHARD_SUM,
    keySpecs: [keySpec("RO", 1, -1)],
    arguments: [KEYS_MULTI],
  }),
  cmd("type", 2, "readonly fast", [1, 1, 1], "keyspace", typeCommand, {
    summary: "Determine the type stored at key",
    since: "1.0.0",
    group: G,
    complexity: "O(1)",
    keySpecs: [keySpec("RO", 1)],
    arguments: [KEY0],
  }),
  cmd("touch", -2, "readonly fast", [1, -1, 1], "keyspace", touchCommand, {
    summary:
      "Alters the last access time of a key(s). Returns the number of existing keys specified.",
    since: "3.2.1",
    group: G,
    complexity: "O(N) where N is the number of keys that will be touched.",
    tips: MULTI_SHARD_SUM,
    keySpecs: [keySpec("RO", 1, -1)],
    arguments: [KEYS_MULTI],
  }),
  cmd("rename", 3, "write", [1, 2, 1], "keyspace", (c, argv) => renameGeneric(c, argv, false), {
    summary: "Rename a key",
    since: "1.0.0",
    group: G,
    complexity: "O(1)",
    keySpecs: [keySpec("RW ACCESS DELETE", 1), keySpec("OW UPDATE", 2)],
    arguments: [KEY0, { name: "newkey", type: "key", keySpecIndex: 1 }],
  }),
  cmd(
    "renamenx",
    3,
    "write fast",
    [1, 2, 1],
    "keyspace",
    (c, argv) => renameGeneric(c, argv, true),
    {
      summary: "Rename a key, only if the new key does not exist",
      since: "1.0.0",
      group: G,
      complexity: "O(1)",
      history: [[
        "3.2.0",
        "The command no longer returns an error when source and destination names are the same.",
      ]],
      keySpecs: [keySpec("RW ACCESS DELETE", 1), keySpec("OW INSERT", 2)],
      arguments: [KEY0, { name: "newkey", type: "key", keySpecIndex: 1 }],
    },
  ),
  cmd("move", 3, "write fast", [1, 1, 1], "keyspace", moveCommand, {
    summary: "Move a key to another database",
    since: "1.0.0",
    group: G,
    complexity: "O(1)",
    keySpecs: [keySpec("RW ACCESS UPDATE", 1)],
    arguments: [KEY0, { name: "db", type: "integer" }],
  }),
  cmd("copy", -3, "write denyoom", [1, 2, 1], "keyspace", copyCommand, {
    summary: "Copy a key",
    since: "6.2.0",
    group: G,
    complexity:
      "O(N) worst case for collections, where N is the number of nested items. O(1) for string values.",
    keySpecs: [keySpec("RO ACCESS", 1), keySpec("OW UPDATE", 2)],
    arguments: [
      { name: "source", type: "key", keySpecIndex: 0 },
      { name: "destination", type: "key", keySpecIndex: 1 },
      { name: "destination-db", type: "integer", token: "DB", optional: true },
      { name: "replace", type: "pure-token", token: "REPLACE", optional: true },
    ],
  }),
  cmd("swapdb", 3, "write fast", [0, 0, 0], "keyspace dangerous", swapdbCommand, {
    summary: "Swaps two Redis databases",
    since: "4.0.0",
    group: "server",
    complexity:
      "O(N) where N is the count of clients watching or blocking on keys from both databases.",
    arguments: [{ name: "index1", type: "integer" }, { name: "index2", type: "integer" }],
  }),
  cmd("dbsize", 1, "readonly fast", [0, 0, 0], "keyspace", dbsizeCommand, {
    summary: "Return the number of keys in the selected database",
    since: "1.0.0",
    group: "server",
    complexity: "O(1)",
    tips: ["request_policy:all_shards", "response_policy:agg_sum"],
  }),
  cmd("flushdb", -1, "write", [0, 0, 0], "keyspace dangerous", flushdbCommand, {
    summary: "Remove all keys from the current database",
    since: "1.0.0",
    group: "server",
    complexity: "O(N) where N is the number of keys in the selected database",
    history: FLUSH_HISTORY,
    tips: ALL_SHARDS_OK,
    arguments: FLUSH_ARGS,
  }),
  cmd("flushall", -1, "write", [0, 0, 0], "keyspace dangerous", flushallCommand, {
    summary: "Remove all keys from all databases",
    since: "1.0.0",
    group: "server",
    complexity: "O(N) where N is the total number of keys in all databases",
    history: FLUSH_HISTORY,
    tips: ALL_SHARDS_OK,
    arguments: FLUSH_ARGS,
  }),
  cmd("keys", 2, "readonly", [0, 0, 0], "keyspace dangerous", keysCommand, {
    summary: "Find all keys matching the given pattern",
    since: "1.0.0",
    group: G,
    complexity:
      "O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length.",
    tips: ["request_policy:all_shards", "nondeterministic_output_order"],
    arguments: [{ name: "pattern", type: "pattern" }],
  }),
  cmd("scan", -2, "readonly", [0, 0, 0], "keyspace", scanCommand, {
    summary: "Incrementally iterate the keys space",
    since: "2.8.0",
    group: G,
    complexity:
      "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.",
    history: [["6.0.0", "Added the `TYPE` subcommand."]],
    tips: ["nondeterministic_output", "request_policy:special"],
    arguments: [
      { name: "cursor", type: "integer" },
      { name: "pattern", type: "pattern", token: "MATCH", optional: true },
      { name: "count", type: "integer", token: "COUNT", optional: true },
      { name: "type", type: "string", token: "TYPE", since: "6.0.0", optional: true },
    ],
  }),
  cmd("randomkey", 1, "readonly", [0, 0, 0], "keyspace", randomkeyCommand, {
    summary: "Return a random key from the keyspace",
    since: "1.0.0",
    group: G,
    complexity: "O(1)",
    tips: ["request_policy:all_shards", "nondeterministic_output"],
  }),
  cmd("object", -2, "", [0, 0, 0], "", undefined, {
    summary: "A container for object introspection commands",
    since: "2.2.3",
    group: G,
    complexity: "Depends on subcommand.",
    subcommands: [
      objectSub(
        "freq",
        "Get the logarithmic access frequency counter of a Redis object",
        "4.0.0",
        objectFreqCommand,
      ),
      objectSub(
        "encoding",
        "Inspect the internal encoding of a Redis object",
        "2.2.3",
        objectEncodingCommand,
      ),
      objectSub(
        "idletime",
        "Get the time since a Redis object was last accessed",
        "2.2.3",
        objectIdletimeCommand,
      ),
      cmd("help", 2, "loading stale", [0, 0, 0], "keyspace", objectHelpCommand, {
        summary: "Show helpful text about the different subcommands",
        since: "6.2.0",
        group: G,
        complexity: "O(1)",
      }),
      objectSub(
        "refcount",
        "Get the number of references to the value of the key",
        "2.2.3",
        objectRefcountCommand,
      ),
    ],
  }),
  expireRow("expire", true, true, "Set a key's time to live in seconds", "1.0.0", {
    name: "seconds",
    type: "integer",
  }),
  expireRow("pexpire", true, false, "Set a key's time to live in milliseconds", "2.6.0", {
    name: "milliseconds",
    type: "integer",
  }),
  expireRow(
    "expireat",
    false,
    true,
    "Set the expiration for a key as a UNIX timestamp",
    "1.2.0",
    { name: "unix-time-seconds", type: "unix-time" },
  ),
  expireRow(
    "pexpireat",
    false,
    false,
    "Set the expiration for a key as a UNIX timestamp specified in milliseconds",
    "2.6.0",
    { name: "unix-time-milliseconds", type: "unix-time" },
  ),
  ttlRow("ttl", false, false, "Get the time to live for a key in seconds", "1.0.0", {
    tips: ["nondeterministic_output"],
    history: [["2.8.0", "Added the -2 reply."]],
  }),
  ttlRow("pttl", true, false, "Get the time to live for a key in milliseconds", "2.6.0", {
    tips: ["nondeterministic_output"],
    history: [["2.8.0", "Added the -2 reply."]],
  }),
  ttlRow("expiretime", false, true, "Get the expiration Unix timestamp for a key", "7.0.0", {}),
  ttlRow(
    "pexpiretime",
    true,
    true,
    "Get the expiration Unix timestamp for a key in milliseconds",
    "7.0.0",
    {},
  ),
  cmd("persist", 2, "write fast", [1, 1, 1], "keyspace", persistCommand, {
    summary: "Remove the expiration from a key",
    since: "2.2.0",
    group: G,
    complexity: "O(1)",
    keySpecs: [keySpec("RW UPDATE", 1)],
    arguments: [KEY0],
  }),
];
