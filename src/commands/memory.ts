/**
 * MEMORY family: USAGE, STATS, DOCTOR, MALLOC-STATS, PURGE, HELP.
 *
 * STATS and DOCTOR report the figures of src/server/evict.ts (used_memory is the accounted
 * dataset plus the measured base), in Redis 7.0's fields and texts; the allocator figures are V8's
 * (allocated = heap used + external, active = heap total + external, resident = RSS).
 *
 * MEMORY USAGE estimates what a key costs in the V8 heap, with the sizes V8 uses on x86-64
 * without pointer compression (what Deno ships):
 * - a one-byte string of n bytes: 16 bytes of header + n rounded up to 8;
 * - a Map/Set entry: 3 slots (key, value, chain) plus its share of the bucket array ≈ 32 bytes;
 * - an array slot: 8 bytes; a small object header: 24–56 bytes.
 * A key costs its dict entry and key string (plus an expires entry when it has a TTL); the value
 * is measured by type. As Redis does, collections are sampled: the first `samples` elements
 * (default 5, 0 = all) give an average element size that is multiplied by the element count.
 */
import { RawString } from "../types/rawstring.ts";
import type { Client } from "../server/client.ts";
import { cmd, type CommandDef, keySpec } from "./types.ts";
import { parseI64 } from "./args.ts";
import { addReplyHelp, addReplySubcommandSyntaxError } from "./command.ts";
import type { RValue } from "../store/db.ts";
import { ListValue } from "../types/list.ts";
import { HashObject } from "../types/hash.ts";
import { SetObject } from "../types/set.ts";
import { ZSet } from "../types/zset.ts";
import { StreamValue } from "../types/stream.ts";
import { purgeMemory } from "../server/memory.ts";
import type { Server } from "../server/server.ts";
import { EXPIRE_COST, KEY_OVERHEAD } from "../store/accounting.ts";

const ENTRY = 32;
const SLOT = 8;
const OBJECT = 56;

export function stringBytes(s: string): number {
  return 16 + ((s.length + 7) & ~7);
}

/** Average over the first `samples` items (all when samples is Infinity), times `count`. */
function sampled(items: Iterable<number>, count: number, samples: number): number {
  if (count === 0) return 0;
  let n = 0;
  let sum = 0;
  for (const b of items) {
    sum += b;
    if (++n >= samples) break;
  }
  return n === 0 ? 0 : Math.round((sum / n) * count);
}

function* take<T>(it: Iterable<T>, f: (x: T) => number): Iterable<number> {
  for (const x of it) yield f(x);
}

/** Estimated heap bytes of a value. */
export function valueBytes(v: RValue, samples: number): number {
  if (typeof v === "string") return stringBytes(v);
  if (v instanceof RawString) return v.heapBytes();
  if (v instanceof ListValue) {
    const n = v.length;
    const items = function* () {
      for (let i = 0; i < n; i++) yield stringBytes(v.get(i)) + SLOT;
    };
    return OBJECT + sampled(items(), n, samples);
  }
  if (v instanceof HashObject) {
    const fields = v.fieldArray();
    return OBJECT +
      sampled(
        take(fields, (f) => ENTRY + stringBytes(f) + stringBytes(v.get(f) ?? "")),
        v.size,
        samples,
      );
  }
  if (v instanceof SetObject) {
    return OBJECT + sampled(take(v.values(), (m) => ENTRY + stringBytes(m)), v.size, samples);
  }
  if (v instanceof ZSet) {
    // Member→score map entry, the member string, and its two leaf-array slots (score, member).
    const members = v.members(0, Math.min(v.size, Number.isFinite(samples) ? samples : v.size) - 1);
    return OBJECT +
      sampled(take(members, (m) => ENTRY + stringBytes(m) + 2 * SLOT), v.size, samples);
  }
  if (v instanceof StreamValue) return v.memory(Number.isFinite(samples) ? samples : 0);
  return OBJECT;
}

function memoryUsageCommand(c: Client, argv: string[]): void {
  let samples = 5;
  for (let j = 3; j < argv.length; j++) {
    if (argv[j].toUpperCase() === "SAMPLES" && j + 1 < argv.length) {
      const n = parseI64(argv[j + 1]);
      if (n === null) return c.addErrorNotInt();
      if (n < 0) return c.addErrorSyntax();
      samples = n === 0 ? Infinity : Number(n);
      j++;
    } else return c.addErrorSyntax();
  }
  const key = argv[2];
  const v = c.db.peek(key);
  if (v === undefined) return c.addNull();
  let bytes = ENTRY + stringBytes(key) + valueBytes(v, samples);
  if (c.db.getExpire(key) !== undefined) bytes += ENTRY;
  c.addInt(bytes);
}

function memoryPurgeCommand(c: Client): void {
  purgeMemory();
  // Right after a full GC the heap is the best measure of what is not the dataset.
  c.server.evictor.calibrate(Deno.memoryUsage().heapUsed);
  c.addOk();
}

/** Redis's struct redisMemOverhead, from Rexis's figures. */
export interface MemOverhead {
  peakAllocated: number;
  totalAllocated: number;
  startupAllocated: number;
  clientsNormal: number;
  dbs: { id: number; main: number; expires: number }[];
  overheadTotal: number;
  totalKeys: number;
  bytesPerKey: number;
  dataset: number;
  datasetPerc: number;
  peakPerc: number;
  allocated: number;
  active: number;
  resident: number;
  rss: number;
}

export function memoryOverhead(server: Server): MemOverhead {
  const used = server.usedMemory();
  const startup = Math.min(server.memStartup, used);
  let clients = 0;
  for (const c of server.clients.values()) clients += c.query.buf.length + c.out.length;
  let overhead = startup + clients;
  const dbs: MemOverhead["dbs"] = [];
  let keys = 0;
  for (const db of server.dbs) {
    const n = db.size;
    if (n === 0) continue;
    keys += n;
    const main = n * KEY_OVERHEAD;
    const expires = db.volatileSize * EXPIRE_COST;
    overhead += main + expires;
    dbs.push({ id: db.id, main, expires });
  }
  const net = used - startup || 1;
  const dataset = Math.max(0, used - overhead);
  const peak = Math.max(server.memPeak, used);
  const m = Deno.memoryUsage();
  return {
    peakAllocated: peak,
    totalAllocated: used,
    startupAllocated: startup,
    clientsNormal: clients,
    dbs,
    overheadTotal: overhead,
    totalKeys: keys,
    bytesPerKey: keys ? Math.floor((used - startup) / keys) : 0,
    dataset,
    datasetPerc: dataset * 100 / net,
    peakPerc: used * 100 / peak,
    allocated: m.heapUsed + m.external,
    active: m.heapTotal + m.external,
    resident: m.rss,
    rss: m.rss,
  };
}

function memoryStatsCommand(c: Client): void {
  const mh = memoryOverhead(c.server);
  const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);
  c.addMapLen(27 + mh.dbs.length);
  const field = (name: string, v: number) => {
    c.addBulk(name);
    c.addInt(Math.round(v));
  };
  const dbl = (name: string, v: number) => {
    c.addBulk(name);
    c.addDouble(v);
  };
  field("peak.allocated", mh.peakAllocated);
  field("total.allocated", mh.totalAllocated);
  field("startup.allocated", mh.startupAllocated);
  field("replication.backlog", 0);
  field("clients.slaves", 0);
  field("clients.normal", mh.clientsNormal);
  field("cluster.links", 0);
  field("aof.buffer", 0);
  field("lua.caches", 0);
  field("functions.caches", 0);
  for (const db of mh.dbs) {
    c.addBulk(`db.${db.id}`);
    c.addMapLen(3);
    field("overhead.hashtable.main", db.main);
    field("overhead.hashtable.expires", db.expires);
    field("overhead.hashtable.slot-to-keys", 0);
  }
  field("overhead.total", mh.overheadTotal);
  field("keys.count", mh.totalKeys);
  field("keys.bytes-per-key", mh.bytesPerKey);
  field("dataset.bytes", mh.dataset);
  dbl("dataset.percentage", mh.datasetPerc);
  dbl("peak.percentage", mh.peakPerc);
  field("allocator.allocated", mh.allocated);
  field("allocator.active", mh.active);
  field("allocator.resident", mh.resident);
  dbl("allocator-fragmentation.ratio", ratio(mh.active, mh.allocated));
  field("allocator-fragmentation.bytes", mh.active - mh.allocated);
  dbl("allocator-rss.ratio", ratio(mh.resident, mh.active));
  field("allocator-rss.bytes", mh.resident - mh.active);
  dbl("rss-overhead.ratio", ratio(mh.rss, mh.resident));
  field("rss-overhead.bytes", mh.rss - mh.resident);
  dbl("fragmentation", ratio(mh.rss, mh.totalAllocated));
  field("fragmentation.bytes", mh.rss - mh.totalAllocated);
}

/** Redis's getMemoryDoctorReport, on Rexis's figures. */
export function memoryDoctorReport(server: Server): string {
  const mh = memoryOverhead(server);
  const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);
  let empty = false;
  let bigPeak = false;
  let highFrag = false;
  let highAllocFrag = false;
  let highAllocRss = false;
  let highProcRss = false;
  let bigClientBuf = false;
  let reports = 0;
  if (mh.totalAllocated < 1024 * 1024 * 5) {
    empty = true;
    reports++;
  } else {
    const MB10 = 10 << 20;
    if (mh.peakAllocated / mh.totalAllocated > 1.5) bigPeak = true, reports++;
    if (ratio(mh.rss, mh.totalAllocated) > 1.4 && mh.rss - mh.totalAllocated > MB10) {
      highFrag = true, reports++;
    }
    if (ratio(mh.active, mh.allocated) > 1.1 && mh.active - mh.allocated > MB10) {
      highAllocFrag = true, reports++;
    }
    if (ratio(mh.resident, mh.active) > 1.1 && mh.resident - mh.active > MB10) {
      highAllocRss = true, reports++;
    }
    if (ratio(mh.rss, mh.resident) > 1.1 && mh.rss - mh.resident > MB10) {
      highProcRss = true, reports++;
    }
    const clients = Math.max(1, server.clients.size);
    if (mh.clientsNormal / clients > 1024 * 200) bigClientBuf = true, reports++;
  }
  if (reports === 0) {
    return "Hi Sam, I can't find any memory issue in your instance. " +
      "I can only account for what occurs on this base.\n";
  }
  if (empty) {
    return "Hi Sam, this instance is empty or is using very little memory, " +
      "my issues detector can't be used in these conditions. " +
      "Please, leave for your mission on Earth and fill it with some data. " +
      "The new Sam and I will be back to our programming as soon as I " +
      "finished rebooting.\n";
  }
  let s = "Sam, I detected a few issues in this Redis instance memory implants:\n\n";
  if (bigPeak) s += DOCTOR_PEAK;
  if (highFrag) s += DOCTOR_FRAG;
  if (highAllocFrag) s += DOCTOR_ALLOC_FRAG;
  if (highAllocRss) s += DOCTOR_ALLOC_RSS;
  if (highProcRss) s += DOCTOR_PROC_RSS;
  if (bigClientBuf) s += DOCTOR_CLIENT_BUF;
  return s + "I'm here to keep you safe, Sam. I want to help you.\n";
}

const DOCTOR_PEAK =
  " * Peak memory: In the past this instance used more than 150% the memory that is currently using. The allocator is normally not able to release memory after a peak, so you can expect to see a big fragmentation ratio, however this is actually harmless and is only due to the memory peak, and if the Redis instance Resident Set Size (RSS) is currently bigger than expected, the memory will be used as soon as you fill the Redis instance with more data. If the memory peak was only occasional and you want to try to reclaim memory, please try the MEMORY PURGE command, otherwise the only other option is to shutdown and restart the instance.\n\n";
const DOCTOR_FRAG =
  ' * High total RSS: This instance has a memory fragmentation and RSS overhead greater than 1.4 (this means that the Resident Set Size of the Redis process is much larger than the sum of the logical allocations Redis performed). This problem is usually due either to a large peak memory (check if there is a peak memory entry above in the report) or may result from a workload that causes the allocator to fragment memory a lot. If the problem is a large peak memory, then there is no issue. Otherwise, make sure you are using the Jemalloc allocator and not the default libc malloc. Note: The currently used allocator is "v8".\n\n';
const DOCTOR_ALLOC_FRAG =
  " * High allocator fragmentation: This instance has an allocator external fragmentation greater than 1.1. This problem is usually due either to a large peak memory (check if there is a peak memory entry above in the report) or may result from a workload that causes the allocator to fragment memory a lot. You can try enabling 'activedefrag' config option.\n\n";
const DOCTOR_ALLOC_RSS =
  " * High allocator RSS overhead: This instance has an RSS memory overhead is greater than 1.1 (this means that the Resident Set Size of the allocator is much larger than the sum what the allocator actually holds). This problem is usually due to a large peak memory (check if there is a peak memory entry above in the report), you can try the MEMORY PURGE command to reclaim it.\n\n";
const DOCTOR_PROC_RSS =
  " * High process RSS overhead: This instance has non-allocator RSS memory overhead is greater than 1.1 (this means that the Resident Set Size of the Redis process is much larger than the RSS the allocator holds). This problem may be due to Lua scripts or Modules.\n\n";
const DOCTOR_CLIENT_BUF =
  " * Big client buffers: The clients output buffers in this instance are greater than 200K per client (on average). This may result from different causes, like Pub/Sub clients subscribed to channels bot not receiving data fast enough, so that data piles on the Redis instance output buffer, or clients sending commands with large replies or very large sequences of commands in the same pipeline. Please use the CLIENT LIST command in order to investigate the issue if it causes problems in your instance, or to understand better why certain clients are using a big amount of memory.\n\n";

function memoryDoctorCommand(c: Client): void {
  c.addVerbatim(memoryDoctorReport(c.server));
}

/** Not jemalloc: Redis's answer for other allocators. */
function memoryMallocStatsCommand(c: Client): void {
  c.addBulk("Stats not supported for the current allocator");
}

const HELP = [
  "DOCTOR",
  "    Return memory problems reports.",
  "MALLOC-STATS",
  "    Return internal statistics report from the memory allocator.",
  "PURGE",
  "    Attempt to purge dirty pages for reclamation by the allocator.",
  "STATS",
  "    Return information about the memory usage of the server.",
  "USAGE <key> [SAMPLES <count>]",
  "    Return memory in bytes used by <key> and its value. Nested values are",
  "    sampled up to <count> times (default: 5, 0 means sample all).",
];

function memoryHelpCommand(c: Client, argv: string[]): void {
  if (argv.length !== 2) return addReplySubcommandSyntaxError(c, argv);
  addReplyHelp(c, "memory", HELP);
}

const G = "server";
export const memoryCommands: CommandDef[] = [
  cmd("memory", -2, "", [0, 0, 0], "", undefined, {
    summary: "A container for memory diagnostics commands",
    since: "4.0.0",
    group: G,
    complexity: "Depends on subcommand.",
    subcommands: [
      cmd("purge", 2, "", [0, 0, 0], "", memoryPurgeCommand, {
        summary: "Ask the allocator to release memory",
        since: "4.0.0",
        group: G,
        complexity: "Depends on how much memory is allocated, could be slow",
        tips: ["request_policy:all_shards", "response_policy:all_succeeded"],
      }),
      cmd("help", 2, "loading stale", [0, 0, 0], "", memoryHelpCommand, {
        summary: "Show helpful text about the different subcommands",
        since: "4.0.0",
        group: G,
        complexity: "O(1)",
      }),
      cmd("usage", -3, "readonly", [2, 2, 1], "", memoryUsageCommand, {
        summary: "Estimate the memory usage of a key",
        since: "4.0.0",
        group: G,
        complexity: "O(N) where N is the number of samples.",
        keySpecs: [keySpec("RO", 2, 0)],
        arguments: [
          { name: "key", type: "key", keySpecIndex: 0 },
          { name: "count", type: "integer", token: "SAMPLES", optional: true },
        ],
      }),
      cmd("malloc-stats", 2, "", [0, 0, 0], "", memoryMallocStatsCommand, {
        summary: "Show allocator internal stats",
        since: "4.0.0",
        group: G,
        complexity: "Depends on how much memory is allocated, could be slow",
        tips: [
          "nondeterministic_output",
          "request_policy:all_shards",
          "response_policy:special",
        ],
      }),
      cmd("stats", 2, "", [0, 0, 0], "", memoryStatsCommand, {
        summary: "Show memory usage details",
        since: "4.0.0",
        group: G,
        complexity: "O(1)",
        tips: [
          "nondeterministic_output",
          "request_policy:all_shards",
          "response_policy:special",
        ],
      }),
      cmd("doctor", 2, "", [0, 0, 0], "", memoryDoctorCommand, {
        summary: "Outputs memory problems report",
        since: "4.0.0",
        group: G,
        complexity: "O(1)",
        tips: [
          "nondeterministic_output",
          "request_policy:all_shards",
          "response_policy:special",
        ],
      }),
    ],
  }),
];
