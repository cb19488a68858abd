/**
 * The shape of one row of the command table. Every command (and every subcommand of a container
 * command such as CONFIG or CLIENT) is declared once as a CommandDef in its family's file; COMMAND,
 * ACL, dispatch, MULTI and cluster routing all read these rows.
 */
import type { Client } from "../server/client.ts";
import type { LatencyHistogram } from "../server/latency.ts";

/** A handler parses its arguments, does the work, and writes the reply into the client. */
export type Handler = (c: Client, argv: string[]) => void;

/** Redis 7 key specification (COMMAND INFO element 9 / COMMAND DOCS key_specs). */
export interface KeySpec {
  flags: string[]; // e.g. ["RO", "ACCESS"], ["RW", "UPDATE"], ["OW", "UPDATE"], ["RM", "DELETE"]
  beginSearch:
    | { type: "index"; index: number }
    | { type: "keyword"; keyword: string; startFrom: number }
    | { type: "unknown" };
  findKeys:
    | { type: "range"; lastKey: number; step: number; limit: number }
    | { type: "keynum"; keyNumIdx: number; firstKey: number; step: number }
    | { type: "unknown" };
  notes?: string;
}

/** One argument of COMMAND DOCS (Redis 7's argument tree). */
export interface ArgDoc {
  name: string;
  type:
    | "string"
    | "integer"
    | "double"
    | "key"
    | "pattern"
    | "unix-time"
    | "pure-token"
    | "oneof"
    | "block";
  token?: string;
  keySpecIndex?: number;
  /** COMMAND DOCS `summary` of an argument (rare in Redis 7.0). */
  summary?: string;
  optional?: boolean;
  multiple?: boolean;
  multipleToken?: boolean;
  since?: string;
  deprecatedSince?: string;
  displayText?: string;
  arguments?: ArgDoc[];
}

export interface CommandDef {
  /** Lower-case name; for a subcommand, the subcommand's own name ("get" under "config"). */
  name: string;
  /** Positive: exact count including the name; negative: minimum. Subcommands count the parent. */
  arity: number;
  /** Redis's flag names, lower case: write, readonly, denyoom, admin, pubsub, noscript, ... */
  flags: string[];
  firstKey: number;
  lastKey: number;
  step: number;
  /** Explicit ACL categories without '@' (implicit ones are derived from flags). */
  acl: string[];
  handler?: Handler;
  summary: string;
  since: string;
  group: string;
  complexity?: string;
  /** COMMAND DOCS doc_flags: "deprecated", "syscmd". */
  docFlags?: string[];
  deprecatedSince?: string;
  replacedBy?: string;
  /** COMMAND DOCS history: [version, change] pairs. */
  history?: [string, string][];
  /** Command tips (request_policy:..., nondeterministic_output, ...). */
  tips?: string[];
  keySpecs?: KeySpec[];
  arguments?: ArgDoc[];
  subcommands?: CommandDef[];
  /** For commands whose keys move (movablekeys): key positions for a given argv. */
  getKeys?: (argv: string[]) => number[];
  /** Key-spec flags of each key getKeys found (COMMAND GETKEYSANDFLAGS), as Redis's getkeys_proc. */
  getKeyFlags?: (argv: string[], keys: number[]) => string[][];
  /**
   * Flags that depend on the arguments (EVAL/FCALL: a script's declared flags replace write,
   * denyoom, stale and may_replicate, as Redis's getCommandFlags): used by the CLIENT PAUSE guard.
   */
  dynamicFlags?: (c: Client, argv: string[]) => number;
  /** Set by the table builder. */
  fullName?: string;
  parent?: CommandDef;
  /** Set by the table builder: explicit + implicit categories. */
  categories?: string[];
  /** Set by the table builder: a bit per flag for the hot path. */
  flagBits?: number;
  /** Per-command statistics (INFO commandstats). */
  stats?: CommandStats;
}

export interface CommandStats {
  calls: number;
  usec: number;
  rejectedCalls: number;
  failedCalls: number;
  /** INFO latencystats: created on the first recorded call (src/server/latency.ts). */
  latency?: LatencyHistogram;
}

export const CMD_WRITE = 1 << 0;
export const CMD_READONLY = 1 << 1;
export const CMD_DENYOOM = 1 << 2;
export const CMD_ADMIN = 1 << 3;
export const CMD_PUBSUB = 1 << 4;
export const CMD_NOSCRIPT = 1 << 5;
export const CMD_BLOCKING = 1 << 6;
export const CMD_LOADING = 1 << 7;
export const CMD_STALE = 1 << 8;
export const CMD_SKIP_MONITOR = 1 << 9;
export const CMD_SKIP_SLOWLOG = 1 << 10;
export const CMD_FAST = 1 << 11;
export const CMD_NO_AUTH = 1 << 12;
export const CMD_MAY_REPLICATE = 1 << 13;
export const CMD_NO_MULTI = 1 << 14;
export const CMD_MOVABLE_KEYS = 1 << 15;
export const CMD_ALLOW_BUSY = 1 << 16;
export const CMD_NO_MANDATORY_KEYS = 1 << 17;
export const CMD_PROTECTED = 1 << 18;

export const FLAG_BITS: Record<string, number> = {
  write: CMD_WRITE,
  readonly: CMD_READONLY,
  denyoom: CMD_DENYOOM,
  admin: CMD_ADMIN,
  pubsub: CMD_PUBSUB,
  noscript: CMD_NOSCRIPT,
  blocking: CMD_BLOCKING,
  loading: CMD_LOADING,
  stale: CMD_STALE,
  skip_monitor: CMD_SKIP_MONITOR,
  skip_slowlog: CMD_SKIP_SLOWLOG,
  fast: CMD_FAST,
  no_auth: CMD_NO_AUTH,
  may_replicate: CMD_MAY_REPLICATE,
  no_multi: CMD_NO_MULTI,
  movablekeys: CMD_MOVABLE_KEYS,
  allow_busy: CMD_ALLOW_BUSY,
  no_mandatory_keys: CMD_NO_MANDATORY_KEYS,
  protected: CMD_PROTECTED,
  asking: 0,
  no_async_loading: 0,
  module: 0,
  sentinel: 0,
  only_sentinel: 0,
};

/**
 * A key spec whose keys start at argv[index]: one key (lastKey 0), or a range up to lastKey
 * (negative counts from the end) every `step` arguments.
 */
export function keySpec(flags: string, index = 1, lastKey = 0, step = 1, notes?: string): KeySpec {
  const ks: KeySpec = {
    flags: flags.split(" "),
    beginSearch: { type: "index", index },
    findKeys: { type: "range", lastKey, step, limit: 0 },
  };
  if (notes) ks.notes = notes;
  return ks;
}

/** Shorthand for declaring a row; fills the defaults. */
export function cmd(
  name: string,
  arity: number,
  flags: string,
  keys: [number, number, number],
  acl: string,
  handler: Handler | undefined,
  doc: {
    summary: string;
    since: string;
    group: string;
    complexity?: string;
    docFlags?: string[];
    deprecatedSince?: string;
    replacedBy?: string;
    history?: [string, string][];
    tips?: string[];
    keySpecs?: KeySpec[];
    arguments?: ArgDoc[];
    subcommands?: CommandDef[];
    getKeys?: (argv: string[]) => number[];
    getKeyFlags?: (argv: string[], keys: number[]) => string[][];
  },
): CommandDef {
  return {
    name,
    arity,
    flags: flags ? flags.split(" ") : [],
    firstKey: keys[0],
    lastKey: keys[1],
    step: keys[2],
    acl: acl ? acl.split(" ") : [],
    handler,
    ...doc,
  };
}
