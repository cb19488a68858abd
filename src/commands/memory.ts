/**
 * MEMORY family: USAGE, PURGE, HELP. (STATS, DOCTOR and MALLOC-STATS belong to the memory-limits
 * work and do not exist yet.)
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
  c.addOk();
}

const HELP = [
  "PURGE",
  "    Attempt to purge dirty pages for reclamation by the allocator.",
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
    ],
  }),
];
