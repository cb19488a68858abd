/**
 * DUMP and RESTORE (the generic family; Redis keeps them in cluster.c). Payloads are Redis 7.0's:
 * the value in RDB object encoding, the RDB version (2 bytes LE) and a CRC64 of both (8 bytes LE),
 * see src/persist/rdb.ts, so a payload moves between Rexis and redis-server either way.
 */
import type { Client } from "../server/client.ts";
import { cmd, type CommandDef, keySpec } from "./types.ts";
import { eqi, parseI64 } from "./args.ts";
import { createDumpPayload, loadDumpPayload, verifyDumpPayload } from "../persist/rdb.ts";
import { objLimits, saveOptions } from "../persist/options.ts";
import { bytesToStr, strToBytes } from "../persist/bytes.ts";
import { memPolicy } from "../store/accounting.ts";
import { lfuTimeInMinutes } from "../store/lfu.ts";

const G = "generic";
const LRU_CLOCK_MAX = 0xffffff;

function dumpCommand(c: Client, argv: string[]): void {
  const v = c.db.lookupRead(argv[1]);
  if (v === undefined) {
    c.server.stats.keyspaceMisses++;
    c.server.notify("m", "keymiss", argv[1], c.db.id);
    return c.addNull();
  }
  c.server.stats.keyspaceHits++;
  let payload: Uint8Array;
  try {
    payload = createDumpPayload(v, saveOptions(c.server.config));
  } catch (e) {
    return c.addError(`ERR ${(e as Error).message}`);
  }
  c.addBulk(bytesToStr(payload));
}

/** getLongLongFromObjectOrReply: an int64 (as a number; huge values are clamped). */
function longLongOrReply(c: Client, s: string): number | null {
  const v = parseI64(s);
  if (v === null) {
    c.addError("ERR value is not an integer or out of range");
    return null;
  }
  return typeof v === "bigint" ? Number(v) : v;
}

function restoreCommand(c: Client, argv: string[]): void {
  let replace = false;
  let absttl = false;
  let lfuFreq = -1;
  let lruIdle = -1;
  for (let j = 4; j < argv.length; j++) {
    const additional = argv.length - j - 1;
    if (eqi(argv[j], "REPLACE")) replace = true;
    else if (eqi(argv[j], "ABSTTL")) absttl = true;
    else if (eqi(argv[j], "IDLETIME") && additional >= 1 && lfuFreq === -1) {
      const v = longLongOrReply(c, argv[j + 1]);
      if (v === null) return;
      if (v < 0) return c.addError("ERR Invalid IDLETIME value, must be >= 0");
      lruIdle = v;
      j++;
    } else if (eqi(argv[j], "FREQ") && additional >= 1 && lruIdle === -1) {
      const v = longLongOrReply(c, argv[j + 1]);
      if (v === null) return;
      if (v < 0 || v > 255) return c.addError("ERR Invalid FREQ value, must be >= 0 and <= 255");
      lfuFreq = v;
      j++;
    } else return c.addErrorSyntax();
  }
  const db = c.db;
  const key = argv[1];
  if (!replace && db.lookupWrite(key) !== undefined) {
    return c.addError("BUSYKEY Target key name already exists.");
  }
  let ttl = longLongOrReply(c, argv[2]);
  if (ttl === null) return;
  if (ttl < 0) return c.addError("ERR Invalid TTL value, must be >= 0");
  const payload = strToBytes(argv[3]);
  if (!verifyDumpPayload(payload)) {
    return c.addError("ERR DUMP payload version or checksum are wrong");
  }
  const obj = loadDumpPayload(payload, objLimits(c.server.config));
  if (obj === null) return c.addError("ERR Bad data format");
  let deleted = false;
  if (replace) deleted = db.delete(key);
  if (ttl && !absttl) ttl += Date.now();
  if (ttl && ttl < Date.now()) {
    // Already expired (checkAlreadyExpired): the key is deleted, not created.
    if (deleted) {
      c.propagateArgv = ["DEL", key];
      c.server.signalModifiedKey(db, key);
      c.server.notify("g", "del", key, db.id);
      c.server.dirty++;
    }
    return c.addOk();
  }
  db.set(key, obj);
  c.server.notify("n", "new", key, db.id);
  if (ttl) db.setExpire(key, ttl);
  // A relative TTL is replicated as an absolute one.
  if (ttl && !absttl) {
    c.propagateArgv = [...argv.slice(0, 2), String(ttl), ...argv.slice(3), "ABSTTL"];
  }
  // objectSetLRUOrLFU
  if (memPolicy.lfu) {
    if (lfuFreq >= 0) db.setLru(key, (lfuTimeInMinutes(Date.now()) << 8) | lfuFreq);
  } else if (lruIdle >= 0) {
    const clock = Math.floor(Date.now() / 1000) & LRU_CLOCK_MAX;
    let abs = clock - Math.min(lruIdle, LRU_CLOCK_MAX);
    if (abs < 0) abs += LRU_CLOCK_MAX;
    db.setLru(key, abs);
  }
  c.server.signalModifiedKey(db, key);
  c.server.notify("g", "restore", key, db.id);
  c.server.dirty++;
  c.addOk();
}

export const dumpCommands: CommandDef[] = [
  cmd("dump", 2, "readonly", [1, 1, 1], "keyspace", dumpCommand, {
    summary: "Return a serialized version of the value stored at the specified key.",
    since: "2.6.0",
    group: G,
    complexity:
      "O(1) to access the key and additional O(N*M) to serialize it, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1).",
    tips: ["nondeterministic_output"],
    keySpecs: [keySpec("RO ACCESS", 1)],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0 }],
  }),
  cmd("restore", -4, "write denyoom", [1, 1, 1], "keyspace dangerous", restoreCommand, {
    summary: "Create a key using the provided serialized value, previously obtained using DUMP.",
    since: "2.6.0",
    group: G,
    complexity:
      "O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).",
    history: [
      ["3.0.0", "Added the `REPLACE` modifier."],
      ["5.0.0", "Added the `ABSTTL` modifier."],
      ["5.0.0", "Added the `IDLETIME` and `FREQ` options."],
    ],
    keySpecs: [keySpec("OW UPDATE", 1)],
    arguments: [
      { name: "key", type: "key", keySpecIndex: 0 },
      { name: "ttl", type: "integer" },
      { name: "serialized-value", type: "string" },
      { name: "replace", type: "pure-token", token: "REPLACE", optional: true, since: "3.0.0" },
      { name: "absttl", type: "pure-token", token: "ABSTTL", optional: true, since: "5.0.0" },
      {
        name: "seconds",
        type: "integer",
        token: "IDLETIME",
        optional: true,
        since: "5.0.0",
      },
      { name: "frequency", type: "integer", token: "FREQ", optional: true, since: "5.0.0" },
    ],
  }),
];
