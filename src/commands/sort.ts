/**
 * SORT and SORT_RO (Redis 7.0's sort.c): sort the elements of a list, set or sorted set
 * numerically or with ALPHA, optionally BY the values of other keys (`weight_*`, hash fields with
 * `*->field`, or a constant pattern meaning "don't sort"), with LIMIT, GET patterns (`#` is the
 * element itself) and STORE into a list (SORT only).
 *
 * Redis's rules kept here:
 * - options are parsed first (a bad LIMIT number or unknown option fails before the key is read);
 *   SORT_RO does not know STORE (a syntax error);
 * - a BY pattern without '*' skips sorting: lists and sorted sets then keep their own order (DESC
 *   reverses it, LIMIT takes that range directly), a set keeps its iteration order unless the
 *   result is STOREd, when it is sorted ALPHA so replicas agree;
 * - numeric sorting reads each weight with strtod (leading spaces allowed, the empty string is 0,
 *   a missing weight key is 0); NaN, overflow or trailing bytes make the command reply
 *   `One or more scores can't be converted into double`; equal scores fall back to comparing the
 *   elements bytewise, so the result is deterministic;
 * - ALPHA compares bytes (Redis uses strcoll, which is byte order in the C/C.UTF-8 locales Redis
 *   runs in); with BY, a missing weight sorts first and equal weights keep no particular order;
 * - GET of a missing key, of a key of another type, or of a missing hash field is a null reply
 *   (an empty string when STOREd);
 * - STORE replaces the destination with a list (clearing its TTL) and fires "sortstore"; an empty
 *   result deletes the destination instead ("del").
 * Weight and GET keys are read with lookupKeyRead (they count as keyspace hits and misses).
 *
 * Deviations: BY/GET patterns are allowed regardless of ACL key patterns (Redis refuses them
 * unless the user may read every key) and cluster mode does not exist. Redis
 * tests `errno == ERANGE` after strtod without clearing errno first, so after one out-of-range
 * weight its later numeric SORTs may fail spuriously until errno is reset; that bug is not copied.
 */
import { isString, stringOf } from "../types/rawstring.ts";
import { aclFullKeyAccess } from "../server/acl.ts";
import type { Client } from "../server/client.ts";
import type { RValue } from "../store/db.ts";
import { type ArgDoc, cmd, type CommandDef, type KeySpec, keySpec } from "./types.ts";
import { eqi, parseDouble, parseI64 } from "./args.ts";
import { HashObject } from "../types/hash.ts";
import { SetObject } from "../types/set.ts";
import { ZSet } from "../types/zset.ts";
import { ListValue } from "../types/list.ts";

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
 * lookupKeyByPattern: the value `pattern` names for element `subst`: "#" is the element itself;
 * the first '*' is replaced by the element; a "->field" after it reads that field of a hash.
 * undefined when there is no '*', the key is missing or of the wrong type, or the field is missing.
 */
function lookupByPattern(c: Client, pattern: string, subst: string): string | undefined {
  if (pattern === "#") return subst;
  const p = pattern.indexOf("*");
  if (p < 0) return undefined;
  const f = pattern.indexOf("->", p + 1);
  const hasField = f >= 0 && f + 2 < pattern.length;
  const key = pattern.slice(0, p) + subst + pattern.slice(p + 1, hasField ? f : pattern.length);
  const o = lookupRead(c, key);
  if (o === undefined) return undefined;
  if (hasField) {
    if (!(o instanceof HashObject)) return undefined;
    return o.get(pattern.slice(f + 2));
  }
  return isString(o) ? stringOf(o) : undefined;
}

const MIN_NORMAL = 2.2250738585072014e-308;

/** A weight as sort.c reads it with strtod; null when it "can't be converted into double". */
function sortScore(s: string): number | null {
  const nul = s.indexOf("\0");
  if (nul >= 0) s = s.slice(0, nul); // a C string ends there
  if (s.length === 0) return 0; // strtod converts nothing and stops at the terminator
  let i = 0;
  while (i < s.length) {
    const ch = s.charCodeAt(i);
    if (ch !== 32 && (ch < 9 || ch > 13)) break;
    i++;
  }
  const v = parseDouble(i === 0 ? s : s.slice(i));
  if (v === null) return null;
  // glibc also reports ERANGE for results in the subnormal range.
  if (v !== 0 && Math.abs(v) < MIN_NORMAL) return null;
  return v;
}

interface SortItem {
  obj: string;
  score: number;
  cmp: string | undefined;
}

function byteCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A LIMIT argument (a C long). */
function limitArg(c: Client, s: string): number | null {
  const v = parseI64(s);
  if (v === null) {
    c.addErrorNotInt();
    return null;
  }
  if (typeof v === "bigint") return v > 0n ? Number.MAX_SAFE_INTEGER : -Number.MAX_SAFE_INTEGER;
  return v;
}

function sortGeneric(c: Client, argv: string[], readonly: boolean): void {
  let desc = false;
  let alpha = false;
  let limitStart = 0;
  let limitCount = -1;
  let dontsort = false;
  let sortby: string | null = null;
  let storekey: string | null = null;
  const gets: string[] = [];
  const argc = argv.length;
  // BY and GET patterns reach arbitrary keys: they need access to every key (Redis's sort.c).
  const fullKeys = c.aclUser.unrestricted || aclFullKeyAccess(c, argv);
  for (let j = 2; j < argc; j++) {
    const a = argv[j];
    const left = argc - j - 1;
    if (eqi(a, "ASC")) desc = false;
    else if (eqi(a, "DESC")) desc = true;
    else if (eqi(a, "ALPHA")) alpha = true;
    else if (eqi(a, "LIMIT") && left >= 2) {
      const s = limitArg(c, argv[j + 1]);
      if (s === null) return;
      const n = limitArg(c, argv[j + 2]);
      if (n === null) return;
      limitStart = s;
      limitCount = n;
      j += 2;
    } else if (!readonly && eqi(a, "STORE") && left >= 1) {
      storekey = argv[++j];
    } else if (eqi(a, "BY") && left >= 1) {
      sortby = argv[++j];
      // A pattern without '*' is constant: nothing to sort by.
      dontsort = sortby.indexOf("*") < 0;
      if (!dontsort && !fullKeys) {
        return c.addError("ERR BY option of SORT denied due to insufficient ACL permissions.");
      }
    } else if (eqi(a, "GET") && left >= 1) {
      if (!fullKeys) {
        return c.addError("ERR GET option of SORT denied due to insufficient ACL permissions.");
      }
      gets.push(argv[++j]);
    } else return c.addErrorSyntax();
  }

  const db = c.db;
  const sortval = lookupRead(c, argv[1]);
  let kind: "list" | "set" | "zset" | "none";
  if (sortval === undefined) kind = "none";
  else if (sortval instanceof SetObject) kind = "set";
  else if (sortval instanceof ZSet) kind = "zset";
  else if (sortval instanceof ListValue) kind = "list";
  else return c.addErrorWrongType();

  // A set in its iteration order would differ between master and replica: sort it when stored,
  // or when a script reads it.
  if (dontsort && kind === "set" && (storekey !== null || c.flagScript)) {
    dontsort = false;
    alpha = true;
    sortby = null;
  }
  // Redis converts a listpack zset to a skiplist for good here.
  if (kind === "zset") (sortval as ZSet).listpack = false;

  const len = kind === "none"
    ? 0
    : kind === "list"
    ? (sortval as ListValue).length
    : kind === "set"
    ? (sortval as SetObject).size
    : (sortval as ZSet).size;
  let start = Math.min(Math.max(limitStart, 0), len);
  const count = Math.min(Math.max(limitCount, -1), len);
  let end = count < 0 ? len - 1 : start + count - 1;
  if (start >= len) {
    start = len - 1;
    end = len - 2;
  }
  if (end >= len) end = len - 1;

  let elems: string[];
  if ((kind === "list" || kind === "zset") && dontsort) {
    // The range straight from the ordered collection (reversed for DESC).
    if (end >= start) {
      const from = desc ? len - 1 - end : start;
      const to = desc ? len - 1 - start : end;
      elems = kind === "list"
        ? (sortval as ListValue).range(from, to)
        : (sortval as ZSet).members(from, to);
      if (desc) elems.reverse();
    } else elems = [];
    end -= start;
    start = 0;
  } else if (kind === "list") elems = (sortval as ListValue).range(0, len - 1);
  else if (kind === "set") elems = [...(sortval as SetObject).values()];
  else if (kind === "zset") elems = (sortval as ZSet).members(0, len - 1);
  else elems = [];

  let conversionError = false;
  if (!dontsort) {
    const items: SortItem[] = new Array(elems.length);
    for (let j = 0; j < elems.length; j++) {
      const obj = elems[j];
      const item: SortItem = { obj, score: 0, cmp: undefined };
      items[j] = item;
      let byval: string | undefined = obj;
      if (sortby !== null) {
        byval = lookupByPattern(c, sortby, obj);
        if (byval === undefined) continue;
      }
      if (alpha) {
        if (sortby !== null) item.cmp = byval;
      } else {
        const sc = sortScore(byval);
        if (sc === null) conversionError = true;
        else item.score = sc;
      }
    }
    let compare: (a: SortItem, b: SortItem) => number;
    if (!alpha) {
      compare = (a, b) =>
        a.score > b.score ? 1 : a.score < b.score ? -1 : byteCompare(a.obj, b.obj);
    } else if (sortby !== null) {
      compare = (a, b) => {
        if (a.cmp === undefined || b.cmp === undefined) {
          return a.cmp === b.cmp ? 0 : a.cmp === undefined ? -1 : 1;
        }
        return byteCompare(a.cmp, b.cmp);
      };
    } else compare = (a, b) => byteCompare(a.obj, b.obj);
    items.sort(desc ? (a, b) => -compare(a, b) : compare);
    for (let j = 0; j < items.length; j++) elems[j] = items[j].obj;
  }

  const n = end - start + 1;
  const outputlen = gets.length > 0 ? gets.length * n : n;
  if (conversionError) {
    return c.addError("ERR One or more scores can't be converted into double");
  }
  if (storekey === null) {
    c.addArrayLen(outputlen);
    for (let j = start; j <= end; j++) {
      if (gets.length === 0) c.addBulk(elems[j]);
      for (const g of gets) c.addBulkOrNull(lookupByPattern(c, g, elems[j]));
    }
    return;
  }
  const out: string[] = [];
  for (let j = start; j <= end; j++) {
    if (gets.length === 0) out.push(elems[j]);
    else for (const g of gets) out.push(lookupByPattern(c, g, elems[j]) ?? "");
  }
  if (outputlen > 0) {
    const exists = db.lookupWrite(storekey) !== undefined;
    db.set(storekey, ListValue.from(out));
    if (!exists) c.server.notify("n", "new", storekey, db.id);
    c.server.signalModifiedKey(db, storekey);
    c.server.notify("l", "sortstore", storekey, db.id);
    c.server.dirty += outputlen;
  } else if (db.delete(storekey)) {
    c.server.signalModifiedKey(db, storekey);
    c.server.notify("g", "del", storekey, db.id);
    c.server.dirty++;
  }
  c.addInt(outputlen);
}

function sortCommand(c: Client, argv: string[]): void {
  sortGeneric(c, argv, false);
}

function sortroCommand(c: Client, argv: string[]): void {
  sortGeneric(c, argv, true);
}

/** sortGetKeys: the sorted key, and the destination of the last STORE. */
function sortGetKeys(argv: string[]): number[] {
  const keys = [1];
  let store = -1;
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i];
    if (eqi(a, "LIMIT")) i += 2;
    else if (eqi(a, "GET") || eqi(a, "BY")) i += 1;
    else if (eqi(a, "STORE") && i + 1 < argv.length) store = i + 1;
  }
  if (store > 0) keys.push(store);
  return keys;
}

/** The sorted key is read, the STORE destination overwritten. */
function sortGetKeyFlags(_argv: string[], keys: number[]): string[][] {
  return keys.map((_, i) => i === 0 ? SORT_KEY.flags : STORE_KEY.flags);
}

function sortroGetKeys(_argv: string[]): number[] {
  return [1];
}

// ---- the table --------------------------------------------------------------------------------

const SORT_KEY: KeySpec = keySpec("RO ACCESS");
const PATTERN_KEYS: KeySpec = {
  notes:
    "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort",
  flags: ["RO", "ACCESS"],
  beginSearch: { type: "unknown" },
  findKeys: { type: "unknown" },
};
const STORE_KEY: KeySpec = {
  notes:
    "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array",
  flags: ["OW", "UPDATE"],
  beginSearch: { type: "unknown" },
  findKeys: { type: "unknown" },
};

const SORT_ARGS: ArgDoc[] = [
  { name: "key", type: "key", keySpecIndex: 0 },
  { name: "pattern", type: "pattern", keySpecIndex: 1, token: "BY", optional: true },
  {
    name: "offset_count",
    type: "block",
    token: "LIMIT",
    optional: true,
    arguments: [{ name: "offset", type: "integer" }, { name: "count", type: "integer" }],
  },
  {
    name: "pattern",
    type: "pattern",
    keySpecIndex: 1,
    token: "GET",
    optional: true,
    multiple: true,
    multipleToken: true,
  },
  {
    name: "order",
    type: "oneof",
    optional: true,
    arguments: [
      { name: "asc", type: "pure-token", token: "ASC" },
      { name: "desc", type: "pure-token", token: "DESC" },
    ],
  },
  { name: "sorting", type: "pure-token", token: "ALPHA", optional: true },
];

const COMPLEXITY =
  "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).";

export const sortCommands: CommandDef[] = [
  cmd("sort", -2, "write denyoom", [1, 1, 1], "set sortedset list dangerous", sortCommand, {
    summary: "Sort the elements in a list, set or sorted set",
    since: "1.0.0",
    group: "generic",
    complexity: COMPLEXITY,
    keySpecs: [SORT_KEY, PATTERN_KEYS, STORE_KEY],
    arguments: [
      ...SORT_ARGS,
      { name: "destination", type: "key", keySpecIndex: 2, token: "STORE", optional: true },
    ],
    getKeys: sortGetKeys,
    getKeyFlags: sortGetKeyFlags,
  }),
  cmd("sort_ro", -2, "readonly", [1, 1, 1], "set sortedset list dangerous", sortroCommand, {
    summary: "Sort the elements in a list, set or sorted set. Read-only variant of SORT.",
    since: "7.0.0",
    group: "generic",
    complexity: COMPLEXITY,
    keySpecs: [SORT_KEY, PATTERN_KEYS],
    arguments: SORT_ARGS,
    getKeys: sortroGetKeys,
  }),
];
