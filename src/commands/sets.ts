/**
 * Set family: SADD, SREM, SMEMBERS, SISMEMBER, SMISMEMBER, SCARD, SPOP, SRANDMEMBER, SMOVE, SINTER,
 * SINTERCARD, SINTERSTORE, SUNION, SUNIONSTORE, SDIFF, SDIFFSTORE, SSCAN — Redis 7.0's t_set.c
 * replies, errors, order of checks, keyspace statistics and events.
 *
 * The data lives in src/types/set.ts (encodings, order, random picks). Around each command:
 * - Reads (SMEMBERS, SISMEMBER, SMISMEMBER, SCARD, SRANDMEMBER, SSCAN and every source key of the
 *   set algebra) count keyspace hits/misses and fire "keymiss" (lookupKeyRead); SADD, SREM, SPOP,
 *   SMOVE look up without statistics (lookupKeyWrite).
 * - Events as t_set.c: "new" when a command creates a key (dbAdd), then "sadd", "srem", "spop",
 *   "sinterstore", "sunionstore", "sdiffstore"; "del" when a set becomes empty or a STORE variant
 *   with an empty result deletes its destination. SMOVE fires "srem" on the source (and "del" if
 *   it emptied) and "sadd" on the destination only when the member was new there.
 * - The STORE variants replace the destination as SET does (TTL cleared), with a new set that
 *   starts as an intset (so the result may be an intset even if the sources were not).
 * - SMEMBERS is SINTER over one key, as in Redis (a RESP3 set reply).
 *
 * Deviations:
 * - Hashtable sets iterate in insertion order, not Redis's hash order (both unspecified).
 * - SSCAN over a hashtable: cursors are handles on server-side iterators (src/store/scan.ts);
 *   an intset comes back whole with cursor 0, as in Redis.
 * - SPOP/SRANDMEMBER pick with Math.random; the order of a multi-member reply is not Redis's.
 * - Propagation (src/server/propagate.ts): SPOP is replicated as SREM of the popped member; SPOP
 *   with a count as one SREM per popped member (wrapped in MULTI/EXEC), or DEL when the count
 *   covers the whole set, as Redis 7.0 does.
 * - SRANDMEMBER with a huge negative count writes that many replies, as Redis does; Redis stops
 *   early only when an output-buffer limit closes the client, which Rexis does not enforce yet.
 */
import type { Client } from "../server/client.ts";
import { alsoPropagate } from "../server/propagate.ts";
import type { RValue } from "../store/db.ts";
import { cmd, type CommandDef, keySpec } from "./types.ts";
import { eqi, parseI64, parseScanArgs } from "./args.ts";
import { stringMatch } from "../store/glob.ts";
import { parseScanCursor } from "../store/scan.ts";
import { isIntMember, SetObject } from "../types/set.ts";

const LONG_MAX = 9223372036854775807n;

// ---- helpers -----------------------------------------------------------------------------------

/** lookupKeyRead: expire if stale, count a hit or a miss, fire "keymiss". */
function lookupRead(c: Client, key: string): RValue | undefined {
  const v = c.db.lookupRead(key);
  if (v === undefined) {
    c.server.stats.keyspaceMisses++;
    c.server.notify("m", "keymiss", key, c.db.id);
  } else c.server.stats.keyspaceHits++;
  return v;
}

/** checkType for a set: replies WRONGTYPE and returns true when `v` is another type. */
function notSet(c: Client, v: RValue | undefined): boolean {
  if (v === undefined || v instanceof SetObject) return false;
  c.addErrorWrongType();
  return true;
}

/** A read lookup of a set: the set, null when missing (after replying `onMissing`), or false. */
function readSetOr(c: Client, key: string, onMissing: () => void): SetObject | null | false {
  const v = lookupRead(c, key);
  if (v === undefined) {
    onMissing();
    return null;
  }
  if (!(v instanceof SetObject)) {
    c.addErrorWrongType();
    return false;
  }
  return v;
}

function maxIntset(c: Client): number {
  return c.server.config.getNumber("set-max-intset-entries");
}

/** A new set for a first member (setTypeCreate). */
function createFor(member: string): SetObject {
  return new SetObject(isIntMember(member));
}

/** dbAdd: store a new key, fire "new". */
function addKey(c: Client, key: string, v: SetObject): void {
  c.db.set(key, v);
  c.server.notify("n", "new", key, c.db.id);
}

/** dbDelete + "del" for a set that became empty (signal and dirty are the caller's). */
function deleteEmptied(c: Client, key: string): void {
  c.db.removeKey(key);
  c.server.notify("g", "del", key, c.db.id);
}

/** Redis's empty set reply: "*0" in RESP2, "~0" in RESP3. */
function addEmptySet(c: Client): void {
  c.addSetLen(0);
}

function addMembers(c: Client, members: Iterable<string>, n: number, asSet: boolean): void {
  if (asSet) c.addSetLen(n);
  else c.addArrayLen(n);
  for (const m of members) c.addBulk(m);
}

// ---- SADD / SREM / SMOVE -----------------------------------------------------------------------

function saddCommand(c: Client, argv: string[]): void {
  const db = c.db;
  const key = argv[1];
  const v = db.lookupWrite(key);
  if (notSet(c, v)) return;
  let s = v as SetObject | undefined;
  if (s === undefined) {
    s = createFor(argv[2]);
    addKey(c, key, s);
  }
  const max = maxIntset(c);
  let added = 0;
  for (let j = 2; j < argv.length; j++) if (s.add(argv[j], max)) added++;
  if (added) {
    c.server.signalModifiedKey(db, key);
    c.server.notify("s", "sadd", key, db.id);
  }
  c.server.dirty += added;
  c.addInt(added);
}

function sremCommand(c: Client, argv: string[]): void {
  const db = c.db;
  const key = argv[1];
  const v = db.lookupWrite(key);
  if (v === undefined) return c.addInt(0);
  if (notSet(c, v)) return;
  const s = v as SetObject;
  let deleted = 0;
  let removed = false;
  for (let j = 2; j < argv.length; j++) {
    if (s.remove(argv[j])) {
      deleted++;
      if (s.size === 0) {
        db.removeKey(key);
        removed = true;
        break;
      }
    }
  }
  if (deleted) {
    c.server.signalModifiedKey(db, key);
    c.server.notify("s", "srem", key, db.id);
    if (removed) c.server.notify("g", "del", key, db.id);
    c.server.dirty += deleted;
  }
  c.addInt(deleted);
}

function smoveCommand(c: Client, argv: string[]): void {
  const db = c.db;
  const [, srcKey, dstKey, member] = argv;
  const src = db.lookupWrite(srcKey);
  const dst0 = db.lookupWrite(dstKey);
  if (src === undefined) return c.addInt(0);
  if (notSet(c, src) || notSet(c, dst0)) return;
  const s = src as SetObject;
  if (src === dst0) return c.addInt(s.has(member) ? 1 : 0);
  if (!s.remove(member)) return c.addInt(0);
  c.server.notify("s", "srem", srcKey, db.id);
  if (s.size === 0) deleteEmptied(c, srcKey);
  let d = dst0 as SetObject | undefined;
  if (d === undefined) {
    d = createFor(member);
    addKey(c, dstKey, d);
  }
  c.server.signalModifiedKey(db, srcKey);
  c.server.dirty++;
  if (d.add(member, maxIntset(c))) {
    c.server.dirty++;
    c.server.signalModifiedKey(db, dstKey);
    c.server.notify("s", "sadd", dstKey, db.id);
  }
  c.addInt(1);
}

// ---- SISMEMBER / SMISMEMBER / SCARD ------------------------------------------------------------

function sismemberCommand(c: Client, argv: string[]): void {
  const s = readSetOr(c, argv[1], () => c.addInt(0));
  if (s) c.addInt(s.has(argv[2]) ? 1 : 0);
}

function smismemberCommand(c: Client, argv: string[]): void {
  const v = lookupRead(c, argv[1]);
  if (notSet(c, v)) return;
  const s = v as SetObject | undefined;
  c.addArrayLen(argv.length - 2);
  for (let j = 2; j < argv.length; j++) c.addInt(s !== undefined && s.has(argv[j]) ? 1 : 0);
}

function scardCommand(c: Client, argv: string[]): void {
  const s = readSetOr(c, argv[1], () => c.addInt(0));
  if (s) c.addInt(s.size);
}

// ---- SPOP / SRANDMEMBER ------------------------------------------------------------------------

/** SPOP's "create a new set" threshold (SPOP_MOVE_STRATEGY_MUL). */
const SPOP_MOVE_STRATEGY_MUL = 5;
/** SRANDMEMBER's "copy and remove" threshold (SRANDMEMBER_SUB_STRATEGY_MUL). */
const SRANDMEMBER_SUB_STRATEGY_MUL = 3;

function spopWithCount(c: Client, argv: string[]): void {
  const db = c.db;
  const key = argv[1];
  const l = parseI64(argv[2]);
  if (l === null || l < 0) return c.addError("ERR value is out of range, must be positive");
  const v = db.lookupWrite(key);
  if (v === undefined) return addEmptySet(c);
  if (notSet(c, v)) return;
  if (l === 0) return addEmptySet(c);
  const s = v as SetObject;
  const size = s.size;
  const count = typeof l === "bigint" || l > size ? size : l;
  c.server.notify("s", "spop", key, db.id);
  c.server.dirty += count;
  if (count >= size) {
    // The whole set, in the order SUNION over it would give (lookupKeyRead counts a hit).
    c.server.stats.keyspaceHits++;
    const result = unionOf([s], maxIntset(c));
    addMembers(c, result.values(), result.size, true);
    db.removeKey(key);
    c.propagateArgv = ["DEL", key]; // the whole set went
    c.server.notify("g", "del", key, db.id);
    c.server.signalModifiedKey(db, key);
    return;
  }
  // Replicated as one SREM per popped member (a transaction), not as SPOP.
  const server = c.server;
  c.preventPropagate = true;
  c.addSetLen(count);
  let remaining = size - count;
  if (remaining * SPOP_MOVE_STRATEGY_MUL > count) {
    for (let i = 0; i < count; i++) {
      const m = s.random() as string;
      s.remove(m);
      c.addBulk(m);
      alsoPropagate(server, db.id, ["SREM", key, m]);
    }
  } else {
    // Move the survivors to a new set (which may start as an intset), reply with the rest.
    let fresh: SetObject | null = null;
    const max = maxIntset(c);
    while (remaining-- > 0) {
      const m = s.random() as string;
      if (fresh === null) fresh = createFor(m);
      fresh.add(m, max);
      s.remove(m);
    }
    for (const m of s.values()) {
      c.addBulk(m);
      alsoPropagate(server, db.id, ["SREM", key, m]);
    }
    db.replace(key, fresh as SetObject);
  }
  c.server.signalModifiedKey(db, key);
}

function spopCommand(c: Client, argv: string[]): void {
  if (argv.length === 3) return spopWithCount(c, argv);
  if (argv.length > 3) return c.addErrorSyntax();
  const db = c.db;
  const key = argv[1];
  const v = db.lookupWrite(key);
  if (v === undefined) return c.addNull();
  if (notSet(c, v)) return;
  const s = v as SetObject;
  const m = s.random() as string;
  s.remove(m);
  c.propagateArgv = ["SREM", key, m];
  c.server.notify("s", "spop", key, db.id);
  c.addBulk(m);
  if (s.size === 0) deleteEmptied(c, key);
  c.server.signalModifiedKey(db, key);
  c.server.dirty++;
}

function srandmemberWithCount(c: Client, argv: string[]): void {
  const l = parseI64(argv[2]);
  if (l === null) return c.addErrorNotInt();
  if (typeof l === "bigint" && l < -LONG_MAX) {
    return c.addError(
      "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
    );
  }
  const s = readSetOr(c, argv[1], () => c.addEmptyArray());
  if (!s) return;
  const uniq = l >= 0;
  // Counts past 2^53 cannot be served anyway; clamp so arithmetic stays exact.
  const big = typeof l === "bigint";
  let count = big ? Number.MAX_SAFE_INTEGER : Math.abs(l as number);
  if (count === 0) return c.addEmptyArray();
  const size = s.size;
  if (!uniq || count === 1) {
    if (big) count = Number.MAX_SAFE_INTEGER;
    c.addArrayLen(count);
    for (let i = 0; i < count; i++) {
      c.addBulk(s.random() as string);
      if (c.closedForWrite) break; // output buffer limit reached (Redis's CLIENT_CLOSE_ASAP)
    }
    return;
  }
  if (count >= size) return addMembers(c, s.values(), size, false);
  c.addArrayLen(count);
  if (count * SRANDMEMBER_SUB_STRATEGY_MUL > size) {
    // Copy, then drop random members until `count` remain (partial Fisher-Yates).
    const arr = [...s.values()];
    let n = arr.length;
    while (n > count) {
      const i = Math.floor(Math.random() * n);
      arr[i] = arr[--n];
    }
    for (let i = 0; i < count; i++) c.addBulk(arr[i]);
    return;
  }
  const picked = new Set<string>();
  while (picked.size < count) picked.add(s.random() as string);
  for (const m of picked) c.addBulk(m);
}

function srandmemberCommand(c: Client, argv: string[]): void {
  if (argv.length === 3) return srandmemberWithCount(c, argv);
  if (argv.length > 3) return c.addErrorSyntax();
  const s = readSetOr(c, argv[1], () => c.addNull());
  if (s) c.addBulk(s.random() as string);
}

// ---- SINTER / SINTERCARD / SINTERSTORE / SMEMBERS ----------------------------------------------

/** Read-look up every key; null after a WRONGTYPE reply. Missing keys are undefined. */
function lookupSets(c: Client, keys: string[]): (SetObject | undefined)[] | null {
  const sets: (SetObject | undefined)[] = [];
  for (const k of keys) {
    const v = lookupRead(c, k);
    if (notSet(c, v)) return null;
    sets.push(v as SetObject | undefined);
  }
  return sets;
}

/** setKey for a STORE result: replace the destination (TTL cleared), "new" if it was absent. */
function storeResult(c: Client, dst: string, result: SetObject, event: string): void {
  const db = c.db;
  const existed = db.lookupWrite(dst) !== undefined;
  db.set(dst, result);
  if (!existed) c.server.notify("n", "new", dst, db.id);
  c.server.signalModifiedKey(db, dst);
  c.addInt(result.size);
  c.server.notify("s", event, dst, db.id);
  c.server.dirty++;
}

/** An empty STORE result: reply 0 and delete the destination. */
function storeEmpty(c: Client, dst: string): void {
  const db = c.db;
  c.addInt(0);
  if (db.delete(dst)) {
    c.server.dirty++;
    c.server.signalModifiedKey(db, dst);
    c.server.notify("g", "del", dst, db.id);
  }
}

const MODE_REPLY = 0;
const MODE_CARD = 1;
const MODE_STORE = 2;

function sinterGeneric(
  c: Client,
  keys: string[],
  mode: number,
  dst: string,
  limit: number,
): void {
  const found = lookupSets(c, keys);
  if (found === null) return;
  if (found.some((s) => s === undefined)) {
    if (mode === MODE_STORE) {
      const db = c.db;
      if (db.delete(dst)) {
        c.server.signalModifiedKey(db, dst);
        c.server.notify("g", "del", dst, db.id);
        c.server.dirty++;
      }
      c.addInt(0);
    } else if (mode === MODE_CARD) c.addInt(0);
    else addEmptySet(c);
    return;
  }
  const sets = (found as SetObject[]).slice().sort((a, b) => a.size - b.size);
  const first = sets[0];
  const others = sets.filter((s) => s !== first);
  const inAll = (m: string) => {
    for (const o of others) if (!o.members.has(m)) return false;
    return true;
  };
  if (mode === MODE_CARD) {
    let n = 0;
    for (const m of first.values()) {
      if (inAll(m) && ++n === limit) break;
    }
    return c.addInt(n);
  }
  if (mode === MODE_STORE) {
    const result = new SetObject(true);
    const max = maxIntset(c);
    for (const m of first.values()) if (inAll(m)) result.add(m, max);
    if (result.size > 0) storeResult(c, dst, result, "sinterstore");
    else storeEmpty(c, dst);
    return;
  }
  const at = c.deferLen();
  let n = 0;
  for (const m of first.values()) {
    if (inAll(m)) {
      c.addBulk(m);
      n++;
    }
  }
  c.setDeferredSet(at, n);
}

function sinterCommand(c: Client, argv: string[]): void {
  sinterGeneric(c, argv.slice(1), MODE_REPLY, "", 0);
}

function sinterstoreCommand(c: Client, argv: string[]): void {
  sinterGeneric(c, argv.slice(2), MODE_STORE, argv[1], 0);
}

function sintercardCommand(c: Client, argv: string[]): void {
  const nk = parseI64(argv[1]);
  if (nk === null || nk < 1) return c.addError("ERR numkeys should be greater than 0");
  if (nk > argv.length - 2) {
    return c.addError("ERR Number of keys can't be greater than number of args");
  }
  const numkeys = Number(nk);
  let limit = 0;
  for (let j = 2 + numkeys; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (eqi(argv[j], "LIMIT") && more) {
      const v = parseI64(argv[++j]);
      if (v === null || v < 0) return c.addError("ERR LIMIT can't be negative");
      limit = typeof v === "bigint" ? Number.MAX_SAFE_INTEGER : v;
    } else return c.addErrorSyntax();
  }
  sinterGeneric(c, argv.slice(2, 2 + numkeys), MODE_CARD, "", limit);
}

// ---- SUNION / SDIFF and their STORE variants ---------------------------------------------------

/** The union of `sets` into a new set that starts as an intset (as Redis builds it). */
function unionOf(sets: (SetObject | undefined)[], max: number): SetObject {
  const out = new SetObject(true);
  for (const s of sets) {
    if (s === undefined) continue;
    for (const m of s.values()) out.add(m, max);
  }
  return out;
}

function diffOf(sets: (SetObject | undefined)[], max: number): SetObject {
  const out = new SetObject(true);
  const first = sets[0];
  if (first === undefined) return out;
  for (let j = 1; j < sets.length; j++) if (sets[j] === first) return out; // same set: empty
  // Redis's choice of algorithm: walk the first set checking the others (1), or copy the first
  // set and remove the members of the others (2), whichever touches fewer members.
  let work1 = 0;
  let work2 = 0;
  for (const s of sets) {
    if (s === undefined) continue;
    work1 += first.size;
    work2 += s.size;
  }
  const rest = sets.slice(1).filter((s): s is SetObject => s !== undefined);
  if (Math.floor(work1 / 2) <= work2) {
    rest.sort((a, b) => b.size - a.size);
    for (const m of first.values()) {
      let keep = true;
      for (const o of rest) {
        if (o.members.has(m)) {
          keep = false;
          break;
        }
      }
      if (keep) out.add(m, max);
    }
  } else {
    for (const m of first.values()) out.add(m, max);
    for (const o of rest) {
      for (const m of o.values()) out.remove(m);
      if (out.size === 0) break;
    }
  }
  return out;
}

function sunionDiffGeneric(c: Client, keys: string[], dst: string | null, union: boolean): void {
  const sets = lookupSets(c, keys);
  if (sets === null) return;
  const max = maxIntset(c);
  const result = union ? unionOf(sets, max) : diffOf(sets, max);
  if (dst === null) return addMembers(c, result.values(), result.size, true);
  if (result.size > 0) storeResult(c, dst, result, union ? "sunionstore" : "sdiffstore");
  else storeEmpty(c, dst);
}

function smembersCommand(c: Client, argv: string[]): void {
  sinterGeneric(c, [argv[1]], MODE_REPLY, "", 0);
}

function sunionCommand(c: Client, argv: string[]): void {
  sunionDiffGeneric(c, argv.slice(1), null, true);
}

function sunionstoreCommand(c: Client, argv: string[]): void {
  sunionDiffGeneric(c, argv.slice(2), argv[1], true);
}

function sdiffCommand(c: Client, argv: string[]): void {
  sunionDiffGeneric(c, argv.slice(1), null, false);
}

function sdiffstoreCommand(c: Client, argv: string[]): void {
  sunionDiffGeneric(c, argv.slice(2), argv[1], false);
}

// ---- SSCAN -------------------------------------------------------------------------------------

function sscanCommand(c: Client, argv: string[]): void {
  const cursor = parseScanCursor(argv[2]);
  if (cursor === null) return c.addError("ERR invalid cursor");
  const s = readSetOr(c, argv[1], () => {
    c.addArrayLen(2);
    c.addBulk("0");
    c.addEmptyArray();
  });
  if (!s) return;
  const opts = parseScanArgs(c, argv, 3, false);
  if (opts === null) return;
  const { count, pattern } = opts;
  let next = "0";
  let members: Iterable<string>;
  if (s.isIntset) members = s.sorted();
  else {
    const step = s.scanCursors().step(
      cursor,
      s.members as unknown as Map<string, unknown>,
      count,
    );
    next = step.cursor;
    members = step.keys;
  }
  const out: string[] = [];
  for (const m of members) if (pattern === null || stringMatch(pattern, m)) out.push(m);
  c.addArrayLen(2);
  c.addBulk(next);
  c.addBulkArray(out);
}

// ---- table -------------------------------------------------------------------------------------

const G = "set";

export const setCommands: CommandDef[] = [
  cmd("sadd", -3, "write denyoom fast", [1, 1, 1], "set", saddCommand, {
    summary: "Add one or more members to a set",
    since: "1.0.0",
    group: G,
    complexity:
      "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
    history: [["2.4.0", "Accepts multiple `member` arguments."]],
    keySpecs: [
      keySpec("RW INSERT"),
    ],
    arguments: [
      { name: "key", type: "key", keySpecIndex: 0 },
      { name: "member", type: "string", multiple: true },
    ],
  }),
  cmd("srem", -3, "write fast", [1, 1, 1], "set", sremCommand, {
    summary: "Remove one or more members from a set",
    since: "1.0.0",
    group: G,
    complexity: "O(N) where N is the number of members to be removed.",
    history: [["2.4.0", "Accepts multiple `member` arguments."]],
    keySpecs: [
      keySpec("RW DELETE"),
    ],
    arguments: [
      { name: "key", type: "key", keySpecIndex: 0 },
      { name: "member", type: "string", multiple: true },
    ],
  }),
  cmd("smembers", 2, "readonly", [1, 1, 1], "set", smembersCommand, {
    summary: "Get all the members in a set",
    since: "1.0.0",
    group: G,
    complexity: "O(N) where N is the set cardinality.",
    tips: ["nondeterministic_output_order"],
    keySpecs: [
      keySpec("RO ACCESS"),
    ],
    arguments: [
      { name: "key", type: "key", keySpecIndex: 0 },
    ],
  }),
  cmd("sismember", 3, "readonly fast", [1, 1, 1], "set", sismemberCommand, {
    summary: "Determine if a given value is a member of a set",
    since: "1.0.0",
    group: G,
    complexity: "O(1)",
    keySpecs: [
      keySpec("RO"),
    ],
    arguments: [
      { name: "key", type: "key", keySpecIndex: 0 },
      { name: "member", type: "string" },
    ],
  }),
  cmd("smismember", -3, "readonly fast", [1, 1, 1], "set", smismemberCommand, {
    summary: "Returns the membership associated with the given elements for a set",
    since: "6.2.0",
    group: G,
    complexity: "O(N) where N is the number of elements being checked for membership",
    keySpecs: [
      keySpec("RO ACCESS"),
    ],
    arguments: [
      { name: "key", type: "key", keySpecIndex: 0 },
      { name: "member", type: "string", multiple: true },
    ],
  }),
  cmd("scard", 2, "readonly fast", [1, 1, 1], "set", scardCommand, {
    summary: "Get the number of members in a set",
    since: "1.0.0",
    group: G,
    complexity: "O(1)",
    keySpecs: [
      keySpec("RO"),
    ],
    arguments: [
      { name: "key", type: "key", keySpecIndex: 0 },
    ],
  }),
  cmd("spop", -2, "write fast", [1, 1, 1], "set", spopCommand, {
    summary: "Remove and return one or multiple random members from a set",
    since: "1.0.0",
    group: G,
    complexity:
      "Without the count argument O(1), otherwise O(N) where N is the value of the passed count.",
    history: [["3.2.0", "Added the `count` argument."]],
    tips: ["nondeterministic_output"],
    keySpecs: [
      keySpec("RW ACCESS DELETE"),
    ],
    arguments: [
      { name: "key", type: "key", keySpecIndex: 0 },
      { name: "count", type: "integer", since: "3.2.0", optional: true },
    ],
  }),
  cmd("srandmember", -2, "readonly", [1, 1, 1], "set", srandmemberCommand, {
    summary: "Get one or multiple random members from a set",
    since: "1.0.0",
    group: G,
    complexity:
      "Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.",
    history: [["2.6.0", "Added the optional `count` argument."]],
    tips: ["nondeterministic_output"],
    keySpecs: [
      keySpec("RO ACCESS"),
    ],
    arguments: [
      { name: "key", type: "key", keySpecIndex: 0 },
      { name: "count", type: "integer", since: "2.6.0", optional: true },
    ],
  }),
  cmd("smove", 4, "write fast", [1, 2, 1], "set", smoveCommand, {
    summary: "Move a member from one set to another",
    since: "1.0.0",
    group: G,
    complexity: "O(1)",
    keySpecs: [
      keySpec("RW ACCESS DELETE"),
      keySpec("RW INSERT", 2, 0),
    ],
    arguments: [
      { name: "source", type: "key", keySpecIndex: 0 },
      { name: "destination", type: "key", keySpecIndex: 1 },
      { name: "member", type: "string" },
    ],
  }),
  cmd("sinter", -2, "readonly", [1, -1, 1], "set", sinterCommand, {
    summary: "Intersect multiple sets",
    since: "1.0.0",
    group: G,
    complexity:
      "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.",
    tips: ["nondeterministic_output_order"],
    keySpecs: [
      keySpec("RO ACCESS", 1, -1),
    ],
    arguments: [
      { name: "key", type: "key", keySpecIndex: 0, multiple: true },
    ],
  }),
  cmd("sintercard", -3, "readonly movablekeys", [0, 0, 0], "set", sintercardCommand, {
    summary: "Intersect multiple sets and return the cardinality of the result",
    since: "7.0.0",
    group: G,
    complexity:
      "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.",
    keySpecs: [
      {
        flags: ["RO", "ACCESS"],
        beginSearch: { type: "index", index: 1 },
        findKeys: { type: "keynum", keyNumIdx: 0, firstKey: 1, step: 1 },
      },
    ],
    arguments: [
      { name: "numkeys", type: "integer" },
      { name: "key", type: "key", keySpecIndex: 0, multiple: true },
      { name: "limit", type: "integer", token: "LIMIT", optional: true },
    ],
  }),
  cmd("sinterstore", -3, "write denyoom", [1, -1, 1], "set", sinterstoreCommand, {
    summary: "Intersect multiple sets and store the resulting set in a key",
    since: "1.0.0",
    group: G,
    complexity:
      "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.",
    keySpecs: [
      keySpec("RW UPDATE"),
      keySpec("RO ACCESS", 2, -1),
    ],
    arguments: [
      { name: "destination", type: "key", keySpecIndex: 0 },
      { name: "key", type: "key", keySpecIndex: 1, multiple: true },
    ],
  }),
  cmd("sunion", -2, "readonly", [1, -1, 1], "set", sunionCommand, {
    summary: "Add multiple sets",
    since: "1.0.0",
    group: G,
    complexity: "O(N) where N is the total number of elements in all given sets.",
    tips: ["nondeterministic_output_order"],
    keySpecs: [
      keySpec("RO ACCESS", 1, -1),
    ],
    arguments: [
      { name: "key", type: "key", keySpecIndex: 0, multiple: true },
    ],
  }),
  cmd("sunionstore", -3, "write denyoom", [1, -1, 1], "set", sunionstoreCommand, {
    summary: "Add multiple sets and store the resulting set in a key",
    since: "1.0.0",
    group: G,
    complexity: "O(N) where N is the total number of elements in all given sets.",
    keySpecs: [
      keySpec("OW UPDATE"),
      keySpec("RO ACCESS", 2, -1),
    ],
    arguments: [
      { name: "destination", type: "key", keySpecIndex: 0 },
      { name: "key", type: "key", keySpecIndex: 1, multiple: true },
    ],
  }),
  cmd("sdiff", -2, "readonly", [1, -1, 1], "set", sdiffCommand, {
    summary: "Subtract multiple sets",
    since: "1.0.0",
    group: G,
    complexity: "O(N) where N is the total number of elements in all given sets.",
    tips: ["nondeterministic_output_order"],
    keySpecs: [
      keySpec("RO ACCESS", 1, -1),
    ],
    arguments: [
      { name: "key", type: "key", keySpecIndex: 0, multiple: true },
    ],
  }),
  cmd("sdiffstore", -3, "write denyoom", [1, -1, 1], "set", sdiffstoreCommand, {
    summary: "Subtract multiple sets and store the resulting set in a key",
    since: "1.0.0",
    group: G,
    complexity: "O(N) where N is the total number of elements in all given sets.",
    keySpecs: [
      keySpec("OW UPDATE"),
      keySpec("RO ACCESS", 2, -1),
    ],
    arguments: [
      { name: "destination", type: "key", keySpecIndex: 0 },
      { name: "key", type: "key", keySpecIndex: 1, multiple: true },
    ],
  }),
  cmd("sscan", -3, "readonly", [1, 1, 1], "set", sscanCommand, {
    summary: "Incrementally iterate Set elements",
    since: "2.8.0",
    group: G,
    complexity:
      "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..",
    tips: ["nondeterministic_output"],
    keySpecs: [
      keySpec("RO ACCESS"),
    ],
    arguments: [
      { name: "key", type: "key", keySpecIndex: 0 },
      { name: "cursor", type: "integer" },
      { name: "pattern", type: "pattern", token: "MATCH", optional: true },
      { name: "count", type: "integer", token: "COUNT", optional: true },
    ],
  }),
];
