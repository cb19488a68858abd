/**
 * HyperLogLog family: PFADD, PFCOUNT, PFMERGE, PFDEBUG, PFSELFTEST — Redis 7.0's hyperloglog.c
 * replies, errors, statistics and events. Values are Redis's HLL strings byte for byte (the format
 * is described in src/types/hll.ts), so keys move between Rexis and Redis with GET/SET, DUMP or
 * RDB. The register work runs in the WASM kernel through src/wasm/hll.ts.
 *
 * - A value that fails isHLLObjectOrReply's checks (magic, encoding, dense length) gets
 *   "WRONGTYPE Key is not a valid HyperLogLog string value."; corrupt sparse opcodes found while
 *   working get "INVALIDOBJ Corrupted HLL object detected". Neither ever throws.
 * - PFADD and PFMERGE fire "pfadd"; PFCOUNT of one key stores the cardinality it computed in the
 *   header (signalModifiedKey, dirty, no event), as Redis does.
 * - `hll-sparse-max-bytes` (config) is the size past which a sparse value is promoted to dense.
 */
import type { Client } from "../server/client.ts";
import type { RValue } from "../store/db.ts";
import { cmd, type CommandDef, keySpec } from "./types.ts";
import { eqi } from "./args.ts";
import { hll } from "../wasm/hll.ts";
import {
  HLL_EMPTY,
  HLL_HDR_SIZE,
  HLL_REGISTERS,
  HLL_SPARSE,
  hllCachedCard,
  hllIsValid,
} from "../types/hll.ts";
import { isString, type RawString, stringOf } from "../types/rawstring.ts";

const ERR_INVALID = "INVALIDOBJ Corrupted HLL object detected";
const ERR_NOT_HLL = "WRONGTYPE Key is not a valid HyperLogLog string value.";

function lookupRead(c: Client, key: string): RValue | undefined {
  const v = c.db.lookupRead(key);
  if (v === undefined) {
    c.server.stats.keyspaceMisses++;
    c.server.notify("m", "keymiss", key, c.db.id);
  } else c.server.stats.keyspaceHits++;
  return v;
}

/** isHLLObjectOrReply: the value as a string, or null after the error reply. */
function hllOrReply(c: Client, o: RValue): string | null {
  if (!isString(o)) {
    c.addErrorWrongType();
    return null;
  }
  const v = stringOf(o);
  if (!hllIsValid(v)) {
    c.addError(ERR_NOT_HLL);
    return null;
  }
  return v;
}

function sparseMaxBytes(c: Client): number {
  return c.server.config.get("hll-sparse-max-bytes") as number;
}

/** The value with the cache-invalid bit set (HLL_INVALIDATE_CACHE). */
function invalidate(s: string): string {
  const b = s.charCodeAt(15);
  if (b & 0x80) return s;
  return s.slice(0, 15) + String.fromCharCode(b | 0x80) + s.slice(16);
}

function pfaddCommand(c: Client, argv: string[]): void {
  const key = argv[1];
  const db = c.db;
  const old = db.lookupWrite(key);
  let v: string;
  let updated = 0;
  if (old === undefined) {
    v = HLL_EMPTY;
    updated++;
  } else {
    const s = hllOrReply(c, old);
    if (s === null) return;
    v = s;
  }
  if (argv.length > 2) {
    const r = hll.add(v, argv, sparseMaxBytes(c), 2);
    if (r === null) {
      c.addError(ERR_INVALID);
      return;
    }
    v = r.value;
    updated += r.updated;
  }
  if (old === undefined) {
    db.set(key, invalidate(v));
    c.server.notify("n", "new", key, db.id);
  } else if (v !== old) db.replace(key, v);
  if (updated) {
    c.server.signalModifiedKey(db, key);
    c.server.notify("$", "pfadd", key, db.id);
    c.server.dirty += updated;
  }
  c.addInt(updated ? 1 : 0);
}

function pfcountCommand(c: Client, argv: string[]): void {
  if (argv.length > 2) {
    const values: string[] = [];
    for (let j = 1; j < argv.length; j++) {
      const o = lookupRead(c, argv[j]);
      if (o === undefined) continue;
      const s = hllOrReply(c, o);
      if (s === null) return;
      values.push(s);
    }
    const card = hll.union(values);
    if (card < 0) c.addError(ERR_INVALID);
    else c.addInt(card);
    return;
  }
  const key = argv[1];
  const o = lookupRead(c, key);
  if (o === undefined) {
    c.addInt(0);
    return;
  }
  const s = hllOrReply(c, o);
  if (s === null) return;
  let card = hllCachedCard(s);
  if (card < 0) {
    card = hll.count(s);
    if (card < 0) {
      c.addError(ERR_INVALID);
      return;
    }
    c.db.replace(key, hll.withCard(s, card));
    c.server.signalModifiedKey(c.db, key);
    c.server.dirty++;
  }
  c.addInt(card);
}

function pfmergeCommand(c: Client, argv: string[]): void {
  const values: string[] = [];
  for (let j = 1; j < argv.length; j++) {
    const o = lookupRead(c, argv[j]);
    if (o === undefined) continue;
    const s = hllOrReply(c, o);
    if (s === null) return;
    values.push(s);
  }
  const key = argv[1];
  const db = c.db;
  const o = db.lookupWrite(key) as string | RawString | undefined;
  const old = o === undefined ? undefined : stringOf(o);
  const v = hll.merge(old ?? HLL_EMPTY, values, sparseMaxBytes(c));
  if (v === null) {
    c.addError(ERR_INVALID);
    return;
  }
  if (old === undefined) {
    db.set(key, v);
    c.server.notify("n", "new", key, db.id);
  } else db.replace(key, v);
  c.server.signalModifiedKey(db, key);
  c.server.notify("$", "pfadd", key, db.id);
  c.server.dirty++;
  c.addOk();
}

/** PFDEBUG DECODE's text for a sparse value. */
function decodeSparse(s: string): string {
  const parts: string[] = [];
  let p = HLL_HDR_SIZE;
  while (p < s.length) {
    const op = s.charCodeAt(p);
    if ((op & 0xc0) === 0) {
      parts.push(`z:${(op & 0x3f) + 1}`);
      p++;
    } else if ((op & 0xc0) === 0x40) {
      // A truncated XZERO reads the terminator, as Redis's sds does.
      const lo = p + 1 < s.length ? s.charCodeAt(p + 1) : 0;
      parts.push(`Z:${(((op & 0x3f) << 8) | lo) + 1}`);
      p += 2;
    } else {
      parts.push(`v:${((op >> 2) & 0x1f) + 1},${(op & 3) + 1}`);
      p++;
    }
  }
  return parts.join(" ");
}

function pfdebugCommand(c: Client, argv: string[]): void {
  const sub = argv[1];
  const key = argv[2];
  const db = c.db;
  const o = db.lookupWrite(key);
  if (o === undefined) {
    c.addError("ERR The specified key does not exist");
    return;
  }
  const s = hllOrReply(c, o);
  if (s === null) return;
  if (eqi(sub, "GETREG")) {
    let d = s;
    if (s.charCodeAt(4) === HLL_SPARSE) {
      const t = hll.toDense(s);
      if (t === null) {
        c.addError(ERR_INVALID);
        return;
      }
      d = t;
      db.replace(key, d);
      c.server.dirty++;
    }
    const regs = hll.registers(d);
    c.addArrayLen(HLL_REGISTERS);
    for (let j = 0; j < HLL_REGISTERS; j++) c.addInt(regs[j]);
  } else if (eqi(sub, "DECODE")) {
    if (s.charCodeAt(4) !== HLL_SPARSE) {
      c.addError("ERR HLL encoding is not sparse");
      return;
    }
    c.addBulk(decodeSparse(s));
  } else if (eqi(sub, "ENCODING")) {
    c.addStatus(s.charCodeAt(4) === HLL_SPARSE ? "sparse" : "dense");
  } else if (eqi(sub, "TODENSE")) {
    let conv = 0;
    if (s.charCodeAt(4) === HLL_SPARSE) {
      const t = hll.toDense(s);
      if (t === null) {
        c.addError(ERR_INVALID);
        return;
      }
      db.replace(key, t);
      conv = 1;
      c.server.dirty++;
    }
    c.addInt(conv);
  } else {
    c.addError(`ERR Unknown PFDEBUG subcommand '${sub}'`);
  }
}

function pfselftestCommand(c: Client): void {
  const err = hll.selftest(sparseMaxBytes(c));
  if (err === null) c.addOk();
  else c.addError(err);
}

/**
 * A value too big for the kernel's memory (hundreds of MB of corrupt "HLL": module memory cannot
 * grow past 4 GB) gets an error reply instead of taking the server down.
 */
function guarded(h: (c: Client, argv: string[]) => void): (c: Client, argv: string[]) => void {
  return (c, argv) => {
    try {
      h(c, argv);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      c.addError("ERR HyperLogLog value too large for the kernel's memory");
    }
  };
}

const G = "hyperloglog";

export const hyperloglogCommands: CommandDef[] = [
  cmd("pfadd", -2, "write denyoom fast", [1, 1, 1], "hyperloglog", guarded(pfaddCommand), {
    summary: "Adds the specified elements to the specified HyperLogLog.",
    since: "2.8.9",
    group: G,
    complexity: "O(1) to add every element.",
    keySpecs: [keySpec("RW INSERT")],
    arguments: [
      { name: "key", type: "key", keySpecIndex: 0 },
      { name: "element", type: "string", optional: true, multiple: true },
    ],
  }),
  cmd("pfcount", -2, "readonly may_replicate", [1, -1, 1], "hyperloglog", guarded(pfcountCommand), {
    summary:
      "Return the approximated cardinality of the set(s) observed by the HyperLogLog at key(s).",
    since: "2.8.9",
    group: G,
    complexity:
      "O(1) with a very small average constant time when called with a single key. O(N) with N being the number of keys, and much bigger constant times, when called with multiple keys.",
    keySpecs: [
      keySpec(
        "RW ACCESS",
        1,
        -1,
        1,
        "RW because it may change the internal representation of the key, and propagate to replicas",
      ),
    ],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0, multiple: true }],
  }),
  cmd("pfmerge", -2, "write denyoom", [1, -1, 1], "hyperloglog", guarded(pfmergeCommand), {
    summary: "Merge N different HyperLogLogs into a single one.",
    since: "2.8.9",
    group: G,
    complexity: "O(N) to merge N HyperLogLogs, but with high constant times.",
    keySpecs: [keySpec("RW ACCESS INSERT"), keySpec("RO ACCESS", 2, -1)],
    arguments: [
      { name: "destkey", type: "key", keySpecIndex: 0 },
      { name: "sourcekey", type: "key", keySpecIndex: 1, multiple: true },
    ],
  }),
  cmd("pfdebug", 3, "write denyoom admin", [2, 2, 1], "hyperloglog", guarded(pfdebugCommand), {
    summary: "Internal commands for debugging HyperLogLog values",
    since: "2.8.9",
    group: G,
    complexity: "N/A",
    docFlags: ["syscmd"],
    keySpecs: [keySpec("RW ACCESS", 2)],
    arguments: [
      { name: "subcommand", type: "string" },
      { name: "key", type: "key", keySpecIndex: 0 },
    ],
  }),
  cmd("pfselftest", 1, "admin", [0, 0, 0], "hyperloglog", pfselftestCommand, {
    summary: "An internal command for testing HyperLogLog values",
    since: "2.8.9",
    group: G,
    complexity: "N/A",
    docFlags: ["syscmd"],
  }),
];
