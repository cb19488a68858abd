/**
 * Hash family: HSET, HSETNX, HMSET, HGET, HMGET, HGETALL, HDEL, HEXISTS, HLEN, HKEYS, HVALS,
 * HSTRLEN, HINCRBY, HINCRBYFLOAT, HRANDFIELD, HSCAN — with Redis 7.0's replies, errors, order of
 * checks, keyspace statistics and events (t_hash.c).
 *
 * The value is a HashObject (src/types/hash.ts). Around each command, as Redis does:
 * - reads count keyspace hits/misses and fire "keymiss" (lookupKeyRead); writes look up without
 *   statistics (lookupKeyWrite);
 * - HSET, HSETNX, HINCRBY, HINCRBYFLOAT create a missing key before anything else
 *   (hashTypeLookupWriteOrCreate: "new" fires even if the command then fails on the value);
 * - events: "hset" (HSET, HMSET, HSETNX), "hdel" (plus "del" when the last field goes),
 *   "hincrby", "hincrbyfloat"; `dirty` grows by the number of fields written or deleted.
 * - HINCRBYFLOAT uses the long-double arithmetic and formatting of INCRBYFLOAT
 *   (src/types/longdouble.ts).
 *
 * Deviation: Redis replicates HINCRBYFLOAT as HSET with the final value; replication and AOF do
 * not exist yet, so there is nothing to rewrite.
 */
import type { Client } from "../server/client.ts";
import type { RValue } from "../store/db.ts";
import { HashObject } from "../types/hash.ts";
import { type ArgDoc, cmd, type CommandDef, keySpec } from "./types.ts";
import { eqi, I64_MAX, I64_MIN, parseI64, parseScanArgs } from "./args.ts";
import { LD_FINITE, LD_ZERO, ldAdd, ldFormatHuman, parseLongDouble } from "../types/longdouble.ts";
import { parseScanCursor } from "../store/scan.ts";
import { stringMatch } from "../store/glob.ts";

const RESP_ZERO = new TextEncoder().encode(":0\r\n");
const RESP_ONE = new TextEncoder().encode(":1\r\n");

// ---- lookups ----------------------------------------------------------------------------------

/** lookupKeyRead: expire if stale, count a hit or a miss, fire "keymiss". */
function lookupRead(c: Client, key: string): RValue | undefined {
  const v = c.db.lookupRead(key);
  if (v === undefined) {
    c.server.stats.keyspaceMisses++;
    c.server.notify("m", "keymiss", key, c.db.id);
  } else c.server.stats.keyspaceHits++;
  return v;
}

/**
 * The hash at `key` for a read: undefined when missing (nothing replied), null after a WRONGTYPE
 * reply.
 */
function readHash(c: Client, key: string): HashObject | undefined | null {
  const v = lookupRead(c, key);
  if (v === undefined) return undefined;
  if (!(v instanceof HashObject)) {
    c.addErrorWrongType();
    return null;
  }
  return v;
}

/** hashTypeLookupWriteOrCreate: null after a WRONGTYPE reply. */
function writeHashOrCreate(c: Client, key: string): HashObject | null {
  const db = c.db;
  const v = db.lookupWrite(key);
  if (v !== undefined) {
    if (!(v instanceof HashObject)) {
      c.addErrorWrongType();
      return null;
    }
    return v;
  }
  const h = new HashObject();
  db.set(key, h);
  c.server.notify("n", "new", key, db.id);
  return h;
}

/** The listpack limits of a server's config, followed through CONFIG SET. */
interface Limits {
  entries: number;
  value: number;
}
const limitsByConfig = new WeakMap<object, Limits>();

function limits(c: Client): Limits {
  const cfg = c.server.config;
  let l = limitsByConfig.get(cfg);
  if (l === undefined) {
    const lim: Limits = {
      entries: cfg.getNumber("hash-max-listpack-entries"),
      value: cfg.getNumber("hash-max-listpack-value"),
    };
    cfg.onChange("hash-max-listpack-entries", (v) => void (lim.entries = Number(v)));
    cfg.onChange("hash-max-listpack-value", (v) => void (lim.value = Number(v)));
    limitsByConfig.set(cfg, lim);
    l = lim;
  }
  return l;
}

function maxEntries(c: Client): number {
  return limits(c).entries;
}

function maxValue(c: Client): number {
  return limits(c).value;
}

// ---- writes -----------------------------------------------------------------------------------

function hsetGeneric(c: Client, argv: string[], name: string): void {
  const argc = argv.length;
  if (argc % 2 === 1) return c.addErrorArity(name);
  const key = argv[1];
  const h = writeHashOrCreate(c, key);
  if (h === null) return;
  const mv = maxValue(c);
  h.tryConversion(argv, 2, argc - 1, mv);
  const me = maxEntries(c);
  let created = 0;
  for (let i = 2; i < argc; i += 2) {
    if (!h.set(argv[i], argv[i + 1], me, mv)) created++;
  }
  if (name === "hset") c.addInt(created);
  else c.addOk();
  c.server.signalModifiedKey(c.db, key);
  c.server.notify("h", "hset", key, c.db.id);
  c.server.dirty += (argc - 2) >> 1;
}

function hsetCommand(c: Client, argv: string[]): void {
  hsetGeneric(c, argv, "hset");
}

function hmsetCommand(c: Client, argv: string[]): void {
  hsetGeneric(c, argv, "hmset");
}

function hsetnxCommand(c: Client, argv: string[]): void {
  const key = argv[1];
  const h = writeHashOrCreate(c, key);
  if (h === null) return;
  if (h.has(argv[2])) return c.writeBytes(RESP_ZERO);
  const mv = maxValue(c);
  h.tryConversion(argv, 2, 3, mv);
  h.set(argv[2], argv[3], maxEntries(c), mv);
  c.writeBytes(RESP_ONE);
  c.server.signalModifiedKey(c.db, key);
  c.server.notify("h", "hset", key, c.db.id);
  c.server.dirty++;
}

function hdelCommand(c: Client, argv: string[]): void {
  const key = argv[1];
  const db = c.db;
  const v = db.lookupWrite(key);
  if (v === undefined) return c.writeBytes(RESP_ZERO);
  if (!(v instanceof HashObject)) return c.addErrorWrongType();
  let deleted = 0;
  let removed = false;
  for (let j = 2; j < argv.length; j++) {
    if (v.delete(argv[j])) {
      deleted++;
      if (v.size === 0) {
        db.delete(key);
        removed = true;
        break;
      }
    }
  }
  if (deleted > 0) {
    c.server.signalModifiedKey(db, key);
    c.server.notify("h", "hdel", key, db.id);
    if (removed) c.server.notify("g", "del", key, db.id);
    c.server.dirty += deleted;
  }
  c.addInt(deleted);
}

function hincrbyCommand(c: Client, argv: string[]): void {
  const incr = parseI64(argv[3]);
  if (incr === null) return c.addErrorNotInt();
  const key = argv[1];
  const h = writeHashOrCreate(c, key);
  if (h === null) return;
  const field = argv[2];
  const old = h.get(field);
  let value: number | bigint = 0;
  if (old !== undefined) {
    const v = parseI64(old);
    if (v === null) return c.addError("ERR hash value is not an integer");
    value = v;
  }
  let res: number | bigint;
  if (typeof value === "number" && typeof incr === "number" && Number.isSafeInteger(value + incr)) {
    res = value + incr;
  } else {
    const r = BigInt(value) + BigInt(incr);
    if (r > I64_MAX || r < I64_MIN) return c.addError("ERR increment or decrement would overflow");
    res = r <= 9007199254740991n && r >= -9007199254740991n ? Number(r) : r;
  }
  h.set(field, String(res), maxEntries(c), maxValue(c));
  c.addInt(res);
  c.server.signalModifiedKey(c.db, key);
  c.server.notify("h", "hincrby", key, c.db.id);
  c.server.dirty++;
}

function hincrbyfloatCommand(c: Client, argv: string[]): void {
  const incr = parseLongDouble(argv[3]);
  if (incr === null) return c.addError("ERR value is not a valid float");
  if (incr.kind !== LD_FINITE) return c.addError("ERR value is NaN or Infinity");
  const key = argv[1];
  const h = writeHashOrCreate(c, key);
  if (h === null) return;
  const field = argv[2];
  const old = h.get(field);
  let value = LD_ZERO;
  if (old !== undefined) {
    const v = parseLongDouble(old);
    if (v === null) return c.addError("ERR hash value is not a float");
    value = v;
  }
  const sum = ldAdd(value, incr);
  if (sum.kind !== LD_FINITE) return c.addError("ERR increment would produce NaN or Infinity");
  const s = ldFormatHuman(sum);
  h.set(field, s, maxEntries(c), maxValue(c));
  c.addBulk(s);
  c.server.signalModifiedKey(c.db, key);
  c.server.notify("h", "hincrbyfloat", key, c.db.id);
  c.server.dirty++;
  c.propagateArgv = ["HSET", key, field, s]; // the final value, as Redis replicates it
}

// ---- reads ------------------------------------------------------------------------------------

function hgetCommand(c: Client, argv: string[]): void {
  const h = readHash(c, argv[1]);
  if (h === null) return;
  if (h === undefined) return c.addNull();
  c.addBulkOrNull(h.get(argv[2]));
}

function hmgetCommand(c: Client, argv: string[]): void {
  const h = readHash(c, argv[1]);
  if (h === null) return;
  c.addArrayLen(argv.length - 2);
  for (let j = 2; j < argv.length; j++) c.addBulkOrNull(h?.get(argv[j]));
}

function hexistsCommand(c: Client, argv: string[]): void {
  const h = readHash(c, argv[1]);
  if (h === null) return;
  c.writeBytes(h !== undefined && h.has(argv[2]) ? RESP_ONE : RESP_ZERO);
}

function hlenCommand(c: Client, argv: string[]): void {
  const h = readHash(c, argv[1]);
  if (h === null) return;
  c.addInt(h === undefined ? 0 : h.size);
}

function hstrlenCommand(c: Client, argv: string[]): void {
  const h = readHash(c, argv[1]);
  if (h === null) return;
  c.addInt(h?.get(argv[2])?.length ?? 0);
}

const WANT_KEYS = 1;
const WANT_VALUES = 2;

/** genericHgetallCommand: HKEYS, HVALS (arrays) and HGETALL (a map). */
function hgetallGeneric(c: Client, key: string, what: number): void {
  const h = readHash(c, key);
  if (h === null) return;
  const both = what === (WANT_KEYS | WANT_VALUES);
  if (h === undefined) {
    if (both) c.addMapLen(0);
    else c.addArrayLen(0);
    return;
  }
  if (both) {
    c.addMapLen(h.size);
    for (const [f, v] of h.map) {
      c.addBulk(f);
      c.addBulk(v);
    }
  } else if (what === WANT_KEYS) {
    c.addArrayLen(h.size);
    for (const f of h.map.keys()) c.addBulk(f);
  } else {
    c.addArrayLen(h.size);
    for (const v of h.map.values()) c.addBulk(v);
  }
}

function hkeysCommand(c: Client, argv: string[]): void {
  hgetallGeneric(c, argv[1], WANT_KEYS);
}

function hvalsCommand(c: Client, argv: string[]): void {
  hgetallGeneric(c, argv[1], WANT_VALUES);
}

function hgetallCommand(c: Client, argv: string[]): void {
  hgetallGeneric(c, argv[1], WANT_KEYS | WANT_VALUES);
}

// ---- HRANDFIELD -------------------------------------------------------------------------------

const LONG_MAX = 9223372036854775807n;

/** One field (and value) of an HRANDFIELD reply. */
function addRandPair(c: Client, h: HashObject, f: string, withValues: boolean): void {
  if (withValues && c.resp > 2) c.addArrayLen(2);
  c.addBulk(f);
  if (withValues) c.addBulk(h.get(f)!);
}

function hrandfieldWithCount(c: Client, key: string, l: number, withValues: boolean): void {
  const h = lookupRead(c, key);
  if (h === undefined) return c.addArrayLen(0);
  if (!(h instanceof HashObject)) return c.addErrorWrongType();
  const size = h.size;
  const uniq = l >= 0;
  let count = Math.abs(l);
  if (count === 0) return c.addArrayLen(0);
  const flat = withValues && c.resp === 2;

  // Repetitions allowed (negative count), or a single element: independent picks.
  if (!uniq || count === 1) {
    c.addArrayLen(flat ? count * 2 : count);
    const fields = h.fieldArray();
    while (count-- > 0) {
      addRandPair(c, h, fields[Math.floor(Math.random() * fields.length)], withValues);
      if (c.closedForWrite) break; // output buffer limit reached (Redis's CLIENT_CLOSE_ASAP)
    }
    return;
  }

  const n = count < size ? count : size;
  c.addArrayLen(flat ? n * 2 : n);
  // The whole hash.
  if (count >= size) {
    for (const f of h.map.keys()) addRandPair(c, h, f, withValues);
    return;
  }
  const all = h.fieldArray();
  // Few fields wanted from many: random picks, skipping repeats (Redis's CASE 4).
  if (count * 3 <= size) {
    const picked = new Set<number>();
    while (picked.size < count) {
      const i = Math.floor(Math.random() * size);
      if (picked.has(i)) continue;
      picked.add(i);
      addRandPair(c, h, all[i], withValues);
    }
    return;
  }
  // Most of the fields: a partial Fisher–Yates shuffle over a copy of them.
  const fields = all.slice();
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(Math.random() * (fields.length - i));
    const t = fields[i];
    fields[i] = fields[j];
    fields[j] = t;
    addRandPair(c, h, fields[i], withValues);
  }
}

function hrandfieldCommand(c: Client, argv: string[]): void {
  const argc = argv.length;
  if (argc >= 3) {
    const v = parseI64(argv[2]);
    if (v === null) return c.addErrorNotInt();
    if (v < -LONG_MAX) {
      return c.addError(
        "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
      );
    }
    let withValues = false;
    if (argc > 4 || (argc === 4 && !eqi(argv[3], "WITHVALUES"))) return c.addErrorSyntax();
    if (argc === 4) {
      withValues = true;
      if (v < -(LONG_MAX / 2n) || v > LONG_MAX / 2n) {
        return c.addError("ERR value is out of range");
      }
    }
    // Counts past 2^53 cannot be served anyway (Redis would build a reply of that many elements);
    // clamp them to what a JS number holds.
    const l = typeof v === "bigint"
      ? (v > 0n ? Number.MAX_SAFE_INTEGER : -Number.MAX_SAFE_INTEGER)
      : v;
    return hrandfieldWithCount(c, argv[1], l, withValues);
  }
  const h = readHash(c, argv[1]);
  if (h === null) return;
  if (h === undefined) return c.addNull();
  c.addBulk(h.randomField());
}

// ---- HSCAN ------------------------------------------------------------------------------------

function hscanCommand(c: Client, argv: string[]): void {
  const cursor = parseScanCursor(argv[2]);
  if (cursor === null) return c.addError("ERR invalid cursor");
  const h = readHash(c, argv[1]);
  if (h === null) return;
  if (h === undefined) {
    c.addArrayLen(2);
    c.addBulk("0");
    return c.addArrayLen(0);
  }
  const opts = parseScanArgs(c, argv, 3, false);
  if (opts === null) return;
  const { count, pattern } = opts;
  let next = "0";
  let fields: Iterable<string>;
  if (h.listpack) fields = h.map.keys();
  else {
    const step = h.scanStep(cursor, count);
    next = step.cursor;
    fields = step.keys;
  }
  const out: string[] = [];
  for (const f of fields) {
    if (pattern !== null && !stringMatch(pattern, f)) continue;
    const v = h.get(f);
    if (v === undefined) continue;
    out.push(f, v);
  }
  c.addArrayLen(2);
  c.addBulk(next);
  c.addBulkArray(out);
}

// ---- the table --------------------------------------------------------------------------------

const KEY: ArgDoc = { name: "key", type: "key", keySpecIndex: 0 };
const FIELD: ArgDoc = { name: "field", type: "string" };
const FIELDS: ArgDoc = { name: "field", type: "string", multiple: true };
const FIELD_VALUE: ArgDoc = {
  name: "field_value",
  type: "block",
  multiple: true,
  arguments: [FIELD, { name: "value", type: "string" }],
};
const G = "hash";
const ORDER = ["nondeterministic_output_order"];
const ALL_COMPLEXITY = "O(N) where N is the size of the hash.";

export const hashCommands: CommandDef[] = [
  cmd("hset", -4, "write denyoom fast", [1, 1, 1], "hash", hsetCommand, {
    summary: "Set the string value of a hash field",
    since: "2.0.0",
    group: G,
    complexity:
      "O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.",
    history: [["4.0.0", "Accepts multiple `field` and `value` arguments."]],
    keySpecs: [keySpec("RW UPDATE")],
    arguments: [KEY, FIELD_VALUE],
  }),
  cmd("hsetnx", 4, "write denyoom fast", [1, 1, 1], "hash", hsetnxCommand, {
    summary: "Set the value of a hash field, only if the field does not exist",
    since: "2.0.0",
    group: G,
    complexity: "O(1)",
    keySpecs: [keySpec("RW INSERT")],
    arguments: [KEY, FIELD, { name: "value", type: "string" }],
  }),
  cmd("hmset", -4, "write denyoom fast", [1, 1, 1], "hash", hmsetCommand, {
    summary: "Set multiple hash fields to multiple values",
    since: "2.0.0",
    group: G,
    complexity: "O(N) where N is the number of fields being set.",
    docFlags: ["deprecated"],
    deprecatedSince: "4.0.0",
    replacedBy: "`HSET` with multiple field-value pairs",
    keySpecs: [keySpec("RW UPDATE")],
    arguments: [KEY, FIELD_VALUE],
  }),
  cmd("hget", 3, "readonly fast", [1, 1, 1], "hash", hgetCommand, {
    summary: "Get the value of a hash field",
    since: "2.0.0",
    group: G,
    complexity: "O(1)",
    keySpecs: [keySpec("RO ACCESS")],
    arguments: [KEY, FIELD],
  }),
  cmd("hmget", -3, "readonly fast", [1, 1, 1], "hash", hmgetCommand, {
    summary: "Get the values of all the given hash fields",
    since: "2.0.0",
    group: G,
    complexity: "O(N) where N is the number of fields being requested.",
    keySpecs: [keySpec("RO ACCESS")],
    arguments: [KEY, FIELDS],
  }),
  cmd("hgetall", 2, "readonly", [1, 1, 1], "hash", hgetallCommand, {
    summary: "Get all the fields and values in a hash",
    since: "2.0.0",
    group: G,
    complexity: ALL_COMPLEXITY,
    tips: ORDER,
    keySpecs: [keySpec("RO ACCESS")],
    arguments: [KEY],
  }),
  cmd("hdel", -3, "write fast", [1, 1, 1], "hash", hdelCommand, {
    summary: "Delete one or more hash fields",
    since: "2.0.0",
    group: G,
    complexity: "O(N) where N is the number of fields to be removed.",
    history: [["2.4.0", "Accepts multiple `field` arguments."]],
    keySpecs: [keySpec("RW DELETE")],
    arguments: [KEY, FIELDS],
  }),
  cmd("hexists", 3, "readonly fast", [1, 1, 1], "hash", hexistsCommand, {
    summary: "Determine if a hash field exists",
    since: "2.0.0",
    group: G,
    complexity: "O(1)",
    keySpecs: [keySpec("RO")],
    arguments: [KEY, FIELD],
  }),
  cmd("hlen", 2, "readonly fast", [1, 1, 1], "hash", hlenCommand, {
    summary: "Get the number of fields in a hash",
    since: "2.0.0",
    group: G,
    complexity: "O(1)",
    keySpecs: [keySpec("RO")],
    arguments: [KEY],
  }),
  cmd("hkeys", 2, "readonly", [1, 1, 1], "hash", hkeysCommand, {
    summary: "Get all the fields in a hash",
    since: "2.0.0",
    group: G,
    complexity: ALL_COMPLEXITY,
    tips: ORDER,
    keySpecs: [keySpec("RO ACCESS")],
    arguments: [KEY],
  }),
  cmd("hvals", 2, "readonly", [1, 1, 1], "hash", hvalsCommand, {
    summary: "Get all the values in a hash",
    since: "2.0.0",
    group: G,
    complexity: ALL_COMPLEXITY,
    tips: ORDER,
    keySpecs: [keySpec("RO ACCESS")],
    arguments: [KEY],
  }),
  cmd("hstrlen", 3, "readonly fast", [1, 1, 1], "hash", hstrlenCommand, {
    summary: "Get the length of the value of a hash field",
    since: "3.2.0",
    group: G,
    complexity: "O(1)",
    keySpecs: [keySpec("RO")],
    arguments: [KEY, FIELD],
  }),
  cmd("hincrby", 4, "write denyoom fast", [1, 1, 1], "hash", hincrbyCommand, {
    summary: "Increment the integer value of a hash field by the given number",
    since: "2.0.0",
    group: G,
    complexity: "O(1)",
    keySpecs: [keySpec("RW ACCESS UPDATE")],
    arguments: [KEY, FIELD, { name: "increment", type: "integer" }],
  }),
  cmd("hincrbyfloat", 4, "write denyoom fast", [1, 1, 1], "hash", hincrbyfloatCommand, {
    summary: "Increment the float value of a hash field by the given amount",
    since: "2.6.0",
    group: G,
    complexity: "O(1)",
    keySpecs: [keySpec("RW ACCESS UPDATE")],
    arguments: [KEY, FIELD, { name: "increment", type: "double" }],
  }),
  cmd("hrandfield", -2, "readonly", [1, 1, 1], "hash", hrandfieldCommand, {
    summary: "Get one or multiple random fields from a hash",
    since: "6.2.0",
    group: G,
    complexity: "O(N) where N is the number of fields returned",
    tips: ["nondeterministic_output"],
    keySpecs: [keySpec("RO ACCESS")],
    arguments: [KEY, {
      name: "options",
      type: "block",
      optional: true,
      arguments: [
        { name: "count", type: "integer" },
        { name: "withvalues", type: "pure-token", token: "WITHVALUES", optional: true },
      ],
    }],
  }),
  cmd("hscan", -3, "readonly", [1, 1, 1], "hash", hscanCommand, {
    summary: "Incrementally iterate hash fields and associated values",
    since: "2.8.0",
    group: G,
    complexity:
      "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..",
    tips: ["nondeterministic_output"],
    keySpecs: [keySpec("RO ACCESS")],
    arguments: [
      KEY,
      { name: "cursor", type: "integer" },
      { name: "pattern", type: "pattern", token: "MATCH", optional: true },
      { name: "count", type: "integer", token: "COUNT", optional: true },
    ],
  }),
];
