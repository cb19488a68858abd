/**
 * The config table: every directive Rexis reads, one row each, in redis.conf order. A row says how
 * to parse a value (file line or CONFIG SET), how CONFIG GET prints it, how CONFIG REWRITE writes it
 * back, its bounds and whether it may change at run time. Parsing, CONFIG GET/SET/REWRITE and INFO
 * read this table; nothing else keeps a list of directive names.
 *
 * Types follow Redis's config.c: bool (yes/no), int (string2ll), memory (memtoull: 1k, 1kb, 1m,
 * 1mb, 1g, 1gb), octal (strtoll base 8), enum, string, special (own parse/format/rewrite). Bounds
 * errors print like Redis's numericBoundaryCheck (unsigned C types compare as unsigned, so -1 is
 * "out of range", not "not an integer").
 *
 * A directive is either acted on or rejected: features that do not exist yet accept only the value
 * that means "off" (`save ""`, `appendonly no`, `daemonize no`) and refuse the others with a reason.
 */
import { parseDouble, parseI64Big } from "../commands/args.ts";
import { errnoText, formatMemory, memToBigInt, reprString } from "./parse.ts";
import { tlsSameAsStart, validateTlsCiphers, validateTlsProtocols } from "../server/tls_options.ts";
import type { RewriteState } from "./rewrite.ts";
import { keyspaceEventsFlagsToString, keyspaceEventsStringToFlags } from "../server/notify.ts";

export type ConfigValue = string | number | boolean;

export type ConfigType = "bool" | "int" | "memory" | "octal" | "enum" | "string" | "special";

/** A parse failure: the reason Redis prints after "CONFIG SET failed ... - " or in the FATAL block. */
export interface Invalid {
  error: string;
}

export interface ConfigDef {
  name: string;
  /** Old name still accepted everywhere (hash-max-ziplist-entries for hash-max-listpack-entries). */
  alias?: string;
  type: ConfigType;
  default: ConfigValue;
  /** Numeric bounds (bigint so LONG_MAX prints exactly). */
  min?: bigint;
  max?: bigint;
  /** The C type is unsigned: a negative input wraps and fails the bounds check. */
  unsigned?: boolean;
  /** Enum values, canonical spelling. */
  values?: readonly string[];
  /** Cannot change with CONFIG SET ("can't set immutable config"). */
  immutable?: boolean;
  /** Changes need enable-protected-configs ("can't set protected config"). */
  protected?: boolean;
  /** The value is a secret (redacted from logs, SLOWLOG, MONITOR). */
  sensitive?: boolean;
  /** Takes several arguments (save, bind): a file line may give them as one quoted argument. */
  multiArg?: boolean;
  /** A string whose empty value means "unset": CONFIG REWRITE removes its lines. */
  emptyIsNull?: boolean;
  /** Check after parsing; returns a refusal reason. */
  validate?: (v: ConfigValue) => string | null;
  /**
   * Parse for special types (args already split). `current` is the value before this line or CONFIG
   * SET, for directives that update part of it (client-output-buffer-limit <class> ...).
   */
  parse?: (args: string[], current: ConfigValue) => ConfigValue | Invalid;
  /** Bring an accepted value into range (hz is clamped, not refused). */
  normalize?: (v: ConfigValue) => ConfigValue;
  /** Side effect of setting the value, at load and on CONFIG SET (dir: chdir). */
  store?: (v: ConfigValue) => string | null;
  /** The live value when it lives outside the table (dir = the working directory). */
  read?: () => ConfigValue;
  /** CONFIG GET text for special types. */
  format?: (v: ConfigValue) => string;
  /** CONFIG REWRITE for special types. */
  rewrite?: (state: RewriteState, def: ConfigDef, v: ConfigValue) => void;
  /** Applied after a CONFIG SET changed the value; returns a refusal reason (rolls back). */
  apply?: (v: ConfigValue) => string | null;
}

export function isInvalid(v: ConfigValue | Invalid): v is Invalid {
  return typeof v === "object";
}

const INT_MIN = -2147483648n;
const INT_MAX = 2147483647n;
const UINT_MAX = 4294967295n;
const LONG_MAX = 9223372036854775807n;
const ULLONG_MAX = 18446744073709551615n;

// ---- parsing by type ---------------------------------------------------------------------------

/** Parse one value for a row (Redis's interface.set without the store). */
export function parseValue(
  def: ConfigDef,
  args: string[],
  current: ConfigValue = def.default,
): ConfigValue | Invalid {
  let v: ConfigValue | Invalid;
  switch (def.type) {
    case "bool":
      v = parseBool(args[0]);
      break;
    case "int":
    case "memory":
    case "octal":
      v = parseNumeric(def, args[0]);
      break;
    case "enum": {
      const a = args[0].toLowerCase();
      const found = def.values!.find((x) => x === a);
      v = found ?? { error: `argument(s) must be one of the following: ${def.values!.join(", ")}` };
      break;
    }
    case "string":
      v = args[0];
      break;
    case "special":
      v = def.parse!(args, current);
      break;
  }
  if (isInvalid(v)) return v;
  if (def.validate) {
    const err = def.validate(v);
    if (err !== null) return { error: err };
  }
  return def.normalize ? def.normalize(v) : v;
}

function parseBool(s: string): boolean | Invalid {
  const l = s.toLowerCase();
  if (l === "yes") return true;
  if (l === "no") return false;
  return { error: "argument must be 'yes' or 'no'" };
}

/** numericParseString + numericBoundaryCheck. */
function parseNumeric(def: ConfigDef, s: string): number | Invalid {
  let v: bigint | null = null;
  if (def.type === "memory") {
    v = memToBigInt(s);
    if (v === null) return { error: "argument must be a memory value" };
  } else if (def.type === "octal") {
    v = strtollOctal(s);
    if (v === null) return { error: "argument couldn't be parsed as an octal number" };
  } else {
    v = parseI64Big(s);
    if (v === null) return { error: "argument couldn't be parsed into an integer" };
  }
  const min = def.min!;
  const max = def.max!;
  if (def.unsigned) {
    const u = BigInt.asUintN(64, v);
    if (u > max || u < min) {
      const f = (x: bigint) => def.type === "octal" ? x.toString(8) : x.toString();
      return { error: `argument must be between ${f(min)} and ${f(max)} inclusive` };
    }
    v = u;
  } else {
    v = BigInt.asIntN(64, v);
    if (v > max || v < min) {
      return { error: `argument must be between ${min} and ${max} inclusive` };
    }
  }
  return Number(v);
}

/** strtoll(s, &end, 8) with *end == '\0' and no overflow. "" is 0 (no digits, end at NUL). */
function strtollOctal(s: string): bigint | null {
  if (s === "") return 0n;
  const m = /^[ \t\n\v\f\r]*([+-]?)([0-7]+)$/.exec(s);
  if (!m) return null;
  const v = BigInt("0o" + m[2]);
  const r = m[1] === "-" ? -v : v;
  if (r > LONG_MAX || r < -LONG_MAX - 1n) return null;
  return r;
}

// ---- CONFIG GET / REWRITE by type --------------------------------------------------------------

/** The CONFIG GET text of a value. */
export function formatValue(def: ConfigDef, v: ConfigValue): string {
  switch (def.type) {
    case "bool":
      return v ? "yes" : "no";
    case "octal":
      return (v as number).toString(8);
    case "special":
      return def.format ? def.format(v) : String(v);
    default:
      return String(v);
  }
}

/** The CONFIG REWRITE line(s) of a row (Redis's per-type rewrite functions). */
export function rewriteValue(state: RewriteState, def: ConfigDef, v: ConfigValue): void {
  const name = def.name;
  const force = v !== def.default;
  switch (def.type) {
    case "bool":
      return state.rewriteLine(name, `${name} ${v ? "yes" : "no"}`, force);
    case "int":
    case "enum":
      return state.rewriteLine(name, `${name} ${v}`, force);
    case "memory":
      return state.rewriteLine(name, `${name} ${formatMemory(v as number)}`, force);
    case "octal":
      return state.rewriteLine(name, `${name} ${(v as number).toString(8)}`, force);
    case "string":
      if (def.emptyIsNull && v === "") return state.markProcessed(name);
      return state.rewriteLine(name, `${name} ${reprString(v as string)}`, force);
    case "special":
      return def.rewrite!(state, def, v);
  }
}

// ---- special directives ------------------------------------------------------------------------

/** "" alone (or nothing) means an empty list, as in Redis's save/bind/percentiles setters. */
function emptyList(args: string[]): boolean {
  return args.length === 0 || (args.length === 1 && args[0] === "");
}

/**
 * save <seconds> <changes> [...]: checked like Redis; the value is the pairs joined by spaces ("" =
 * no snapshots). (In a file the first save line replaces the defaults and later ones add to it.)
 */
function parseSave(args: string[]): ConfigValue | Invalid {
  const pairs = emptyList(args) ? [] : args;
  if (pairs.length & 1) return { error: "Invalid save parameters" };
  for (let j = 0; j < pairs.length; j++) {
    const v = strtollPrefix(pairs[j]);
    if (v === null || ((j & 1) === 0 && v < 1) || ((j & 1) === 1 && v < 0)) {
      return { error: "Invalid save parameters" };
    }
  }
  return pairs.map((x) => String(Number(x.trim()))).join(" ");
}

/** strtoll(s, &eptr, 10) with eptr at the end: optional spaces and sign, decimal digits. */
function strtollPrefix(s: string): number | null {
  if (s === "") return 0;
  const m = /^[ \t\n\v\f\r]*[+-]?\d+$/.exec(s);
  return m ? Number(s.trim()) : null;
}

function rewriteSave(state: RewriteState, def: ConfigDef, v: ConfigValue): void {
  const s = v as string;
  if (s === "") state.rewriteLine(def.name, 'save ""', true);
  else {
    const p = s.split(" ");
    for (let j = 0; j < p.length; j += 2) {
      state.rewriteLine(def.name, `save ${p[j]} ${p[j + 1]}`, true);
    }
  }
  state.markProcessed(def.name);
}

export const CONFIG_BINDADDR_MAX = 16;
const DEFAULT_BIND = "* -::*";

function parseBind(args: string[]): ConfigValue | Invalid {
  if (args.length > CONFIG_BINDADDR_MAX) return { error: "Too many bind addresses specified." };
  return emptyList(args) ? "" : args.join(" ");
}

function rewriteBind(state: RewriteState, def: ConfigDef, v: ConfigValue): void {
  if (v === DEFAULT_BIND) return state.markProcessed(def.name);
  state.rewriteLine(def.name, `${def.name} ${v === "" ? '""' : v}`, true);
}

function parsePercentiles(args: string[]): ConfigValue | Invalid {
  if (emptyList(args)) return "";
  const out: string[] = [];
  for (const a of args) {
    const d = parseDouble(a);
    if (d === null || a[0] === " ") {
      return { error: "Invalid latency-tracking-info-percentiles parameters" };
    }
    if (d > 100 || d < 0) {
      return {
        error: "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]",
      };
    }
    out.push(formatPercentile(d));
  }
  return out.join(" ");
}

/** sprintf("%f") then trimDoubleString. */
function formatPercentile(d: number): string {
  let s = d.toFixed(6);
  if (s.includes(".")) s = s.replace(/0+$/, "").replace(/\.$/, "");
  return s;
}

function rewritePercentiles(state: RewriteState, def: ConfigDef, v: ConfigValue): void {
  state.rewriteLine(def.name, `${def.name} ${v === "" ? '""' : v}`, true);
}

function parseDir(args: string[]): ConfigValue | Invalid {
  if (args.length !== 1) return { error: "wrong number of arguments" };
  return args[0];
}

function storeDir(v: ConfigValue): string | null {
  try {
    Deno.chdir(v as string);
    return null;
  } catch (e) {
    return errnoText(e);
  }
}

function cwd(): string {
  try {
    return Deno.cwd();
  } catch {
    return "";
  }
}

function rewriteDir(state: RewriteState, def: ConfigDef): void {
  const d = cwd();
  if (d === "") return state.markProcessed(def.name);
  state.rewriteLine(def.name, `${def.name} ${reprString(d)}`, true);
}

const PROTECTED_ACTION = ["no", "yes", "local"] as const;

/** notify-keyspace-events: class letters, stored as flag bits (src/server/pubsub.ts). */
function parseNotify(args: string[]): ConfigValue | Invalid {
  if (args.length !== 1) return { error: "wrong number of arguments" };
  const flags = keyspaceEventsStringToFlags(args[0]);
  if (flags === -1) return { error: "Invalid event class character. Use 'Ag$lshzxeKEtmdn'." };
  return flags;
}

function rewriteNotify(state: RewriteState, def: ConfigDef, v: ConfigValue): void {
  const s = keyspaceEventsFlagsToString(v as number);
  state.rewriteLine(def.name, `${def.name} ${reprString(s)}`, v !== def.default);
}

const OBUF_DEFAULT = "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60";
const OBUF_ERR = "Error in hard, soft or soft_seconds setting in buffer limit configuration.";

/**
 * client-output-buffer-limit <class> <hard> <soft> <soft-seconds> [...]: each group replaces its
 * class in the current value (normal, replica/slave, pubsub), printed as Redis prints it.
 */
function parseObuf(args: string[], current: ConfigValue): ConfigValue | Invalid {
  if (args.length === 0 || args.length % 4 !== 0) {
    return { error: "Wrong number of arguments in buffer limit configuration." };
  }
  const cur = (current as string).split(" ");
  const slot: Record<string, number> = { normal: 0, slave: 4, replica: 4, pubsub: 8 };
  for (let j = 0; j < args.length; j += 4) {
    const at = slot[args[j].toLowerCase()];
    if (at === undefined) {
      return { error: "Invalid client class specified in buffer limit configuration." };
    }
    const hard = memToBigInt(args[j + 1]);
    const soft = memToBigInt(args[j + 2]);
    const secs = parseI64Big(args[j + 3]);
    if (hard === null || soft === null || secs === null || secs < 0n) return { error: OBUF_ERR };
    cur[at + 1] = BigInt.asUintN(64, hard).toString();
    cur[at + 2] = BigInt.asUintN(64, soft).toString();
    cur[at + 3] = secs.toString();
  }
  return cur.join(" ");
}

function rewriteObuf(state: RewriteState, def: ConfigDef, v: ConfigValue): void {
  const cur = (v as string).split(" ");
  const dflt = OBUF_DEFAULT.split(" ");
  for (let at = 0; at < 12; at += 4) {
    const same = cur.slice(at, at + 4).join(" ") === dflt.slice(at, at + 4).join(" ");
    const mem = (i: number) => formatMemory(Number(cur[at + i]));
    const line = `${def.name} ${cur[at]} ${mem(1)} ${mem(2)} ${cur[at + 3]}`;
    state.rewriteLine(def.name, line, !same);
  }
}

// ---- the table ---------------------------------------------------------------------------------

function int(
  name: string,
  def: number,
  min: bigint,
  max: bigint,
  more: Partial<ConfigDef> = {},
): ConfigDef {
  return { name, type: "int", default: def, min, max, ...more };
}

function mem(
  name: string,
  def: number,
  min: bigint,
  max: bigint,
  more: Partial<ConfigDef> = {},
): ConfigDef {
  return { name, type: "memory", default: def, min, max, ...more };
}

function bool(name: string, def: boolean, more: Partial<ConfigDef> = {}): ConfigDef {
  return { name, type: "bool", default: def, ...more };
}

/** Every directive Rexis implements, in the order of the shipped redis.conf. */
export const CONFIG_TABLE: readonly ConfigDef[] = [
  // NETWORK
  {
    name: "bind",
    type: "special",
    default: DEFAULT_BIND,
    multiArg: true,
    parse: parseBind,
    rewrite: rewriteBind,
  },
  bool("protected-mode", true),
  int("port", 6379, 0n, 65535n),
  int("tcp-keepalive", 300, 0n, INT_MAX),
  int("timeout", 0, 0n, INT_MAX),
  { name: "unixsocket", type: "string", default: "", immutable: true, emptyIsNull: true },
  {
    name: "unixsocketperm",
    type: "octal",
    default: 0,
    min: 0n,
    max: 0o777n,
    unsigned: true,
    immutable: true,
  },
  // GENERAL
  bool("daemonize", false, {
    immutable: true,
    validate: (v) =>
      v
        ? "daemonize yes is not supported: Rexis runs on Deno, which cannot fork; run it under a supervisor (systemd, docker) or in the background with &"
        : null,
  }),
  { name: "pidfile", type: "string", default: "", immutable: true, emptyIsNull: true },
  {
    name: "loglevel",
    type: "enum",
    default: "notice",
    values: ["debug", "verbose", "notice", "warning"],
  },
  { name: "logfile", type: "string", default: "", immutable: true },
  int("databases", 16, 1n, INT_MAX, { immutable: true }),
  // Start-up banner with the port and pid (src/main.ts); the upstream suite's own-server mode waits
  // for its "PID:" line.
  bool("always-show-logo", false, { immutable: true }),
  // TLS/SSL (src/server/tls.ts says what Deno's TLS can honour)
  int("tls-port", 0, 0n, 65535n, { apply: (v) => tlsSameAsStart("tls-port", v) }),
  {
    name: "tls-cert-file",
    type: "string",
    default: "",
    apply: (v) => tlsSameAsStart("tls-cert-file", v),
    emptyIsNull: true,
  },
  {
    name: "tls-key-file",
    type: "string",
    default: "",
    apply: (v) => tlsSameAsStart("tls-key-file", v),
    emptyIsNull: true,
  },
  {
    name: "tls-key-file-pass",
    type: "string",
    default: "",
    apply: (v) => tlsSameAsStart("tls-key-file-pass", v),
    sensitive: true,
    emptyIsNull: true,
  },
  {
    name: "tls-ca-cert-file",
    type: "string",
    default: "",
    apply: (v) => tlsSameAsStart("tls-ca-cert-file", v),
    emptyIsNull: true,
  },
  {
    name: "tls-ca-cert-dir",
    type: "string",
    default: "",
    apply: (v) => tlsSameAsStart("tls-ca-cert-dir", v),
    emptyIsNull: true,
  },
  {
    name: "tls-auth-clients",
    type: "enum",
    default: "yes",
    values: ["no", "yes", "optional"],
    apply: (v) => tlsSameAsStart("tls-auth-clients", v),
  },
  {
    name: "tls-protocols",
    type: "string",
    default: "",
    apply: (v) => tlsSameAsStart("tls-protocols", v),
    emptyIsNull: true,
    validate: (v) => validateTlsProtocols(v as string),
  },
  {
    name: "tls-ciphers",
    type: "string",
    default: "",
    apply: (v) => tlsSameAsStart("tls-ciphers", v),
    emptyIsNull: true,
    validate: (v) => validateTlsCiphers(v as string),
  },
  {
    name: "tls-ciphersuites",
    type: "string",
    default: "",
    apply: (v) => tlsSameAsStart("tls-ciphersuites", v),
    emptyIsNull: true,
    validate: (v) => validateTlsCiphers(v as string),
  },
  // SNAPSHOTTING (without any `save` line, Redis's built-in rules; the first line replaces them)
  {
    name: "save",
    type: "special",
    default: "3600 1 300 100 60 10000",
    multiArg: true,
    parse: parseSave,
    rewrite: rewriteSave,
  },
  {
    name: "dir",
    type: "special",
    default: "",
    protected: true,
    parse: parseDir,
    store: storeDir,
    read: cwd,
    rewrite: rewriteDir,
  },
  {
    name: "dbfilename",
    type: "string",
    default: "dump.rdb",
    protected: true,
    validate: (v) => String(v).includes("/") ? "dbfilename can't be a path, just a filename" : null,
  },
  bool("rdbcompression", true),
  bool("rdbchecksum", true, { immutable: true }),
  bool("stop-writes-on-bgsave-error", true),
  bool("rdb-del-sync-files", false),
  int("rdb-key-save-delay", 0, INT_MIN, INT_MAX),
  {
    name: "sanitize-dump-payload",
    type: "enum",
    default: "no",
    values: ["no", "yes", "clients"],
  },
  // KEYS TRACKING
  int("tracking-table-max-keys", 1000000, 0n, LONG_MAX, { unsigned: true }),
  // SECURITY
  int("acllog-max-len", 128, 0n, LONG_MAX, { unsigned: true }),
  { name: "aclfile", type: "string", default: "", immutable: true },
  {
    name: "acl-pubsub-default",
    type: "enum",
    default: "resetchannels",
    values: ["allchannels", "resetchannels"],
  },
  {
    name: "requirepass",
    type: "string",
    default: "",
    sensitive: true,
    emptyIsNull: true,
  },
  // CLIENTS
  int("maxclients", 10000, 1n, UINT_MAX, { unsigned: true }),
  {
    name: "client-output-buffer-limit",
    type: "special",
    default: OBUF_DEFAULT,
    multiArg: true,
    parse: parseObuf,
    rewrite: rewriteObuf,
  },
  // MEMORY MANAGEMENT (src/server/evict.ts)
  mem("maxmemory", 0, 0n, ULLONG_MAX, { unsigned: true }),
  {
    name: "maxmemory-policy",
    type: "enum",
    default: "noeviction",
    values: [
      "volatile-lru",
      "volatile-lfu",
      "volatile-random",
      "volatile-ttl",
      "allkeys-lru",
      "allkeys-lfu",
      "allkeys-random",
      "noeviction",
    ],
  },
  int("maxmemory-samples", 5, 1n, INT_MAX),
  int("maxmemory-eviction-tenacity", 10, 0n, 100n),
  bool("replica-ignore-maxmemory", true, { alias: "slave-ignore-maxmemory" }),
  // LAZY FREEING
  bool("lazyfree-lazy-eviction", false),
  bool("lazyfree-lazy-expire", false),
  bool("lazyfree-lazy-server-del", false),
  bool("lazyfree-lazy-user-del", false),
  bool("lazyfree-lazy-user-flush", false),
  // REPLICATION (no replication yet: these only keep their value, as Redis does without replicas)
  bool("replica-serve-stale-data", true, { alias: "slave-serve-stale-data" }),
  bool("replica-read-only", true, { alias: "slave-read-only" }),
  int("repl-diskless-sync-delay", 5, 0n, INT_MAX),
  {
    name: "propagation-error-behavior",
    type: "enum",
    default: "ignore",
    values: ["ignore", "panic", "panic-on-replicas"],
  },
  // APPEND ONLY MODE
  // (src/persist/aof.ts; CONFIG SET appendonly starts or stops the AOF through a listener)
  bool("appendonly", false),
  {
    name: "appendfilename",
    type: "string",
    default: "appendonly.aof",
    immutable: true,
    validate: (v) =>
      v === ""
        ? "appendfilename can't be empty"
        : /[/\\]/.test(String(v))
        ? "appendfilename can't be a path, just a filename"
        : null,
  },
  {
    name: "appenddirname",
    type: "string",
    default: "appendonlydir",
    immutable: true,
    validate: (v) =>
      v === ""
        ? "appenddirname can't be empty"
        : /[/\\]/.test(String(v))
        ? "appenddirname can't be a path, just a dirname"
        : null,
  },
  { name: "appendfsync", type: "enum", default: "everysec", values: ["always", "everysec", "no"] },
  bool("no-appendfsync-on-rewrite", false),
  int("auto-aof-rewrite-percentage", 100, 0n, INT_MAX),
  mem("auto-aof-rewrite-min-size", 64 * 1024 * 1024, 0n, LONG_MAX),
  bool("aof-load-truncated", true),
  bool("aof-use-rdb-preamble", true),
  bool("aof-timestamp-enabled", false),
  bool("aof-rewrite-incremental-fsync", true),
  bool("aof-disable-auto-gc", false),
  // LUA SCRIPTING (busy-reply-threshold is the 7.0 name; lua-time-limit the older alias)
  int("busy-reply-threshold", 5000, 0n, LONG_MAX, { alias: "lua-time-limit" }),
  // SLOW LOG
  int("slowlog-log-slower-than", 10000, -1n, LONG_MAX),
  int("slowlog-max-len", 128, 0n, LONG_MAX, { unsigned: true }),
  // LATENCY MONITOR
  int("latency-monitor-threshold", 0, 0n, LONG_MAX),
  // EVENT NOTIFICATION
  {
    name: "notify-keyspace-events",
    type: "special",
    default: 0,
    parse: parseNotify,
    format: (v) => keyspaceEventsFlagsToString(v as number),
    rewrite: rewriteNotify,
  },
  // LATENCY TRACKING
  bool("latency-tracking", true),
  {
    name: "latency-tracking-info-percentiles",
    type: "special",
    default: "50 99 99.9",
    multiArg: true,
    parse: parsePercentiles,
    rewrite: rewritePercentiles,
  },
  // ADVANCED CONFIG
  int("hash-max-listpack-entries", 512, 0n, LONG_MAX, {
    alias: "hash-max-ziplist-entries",
    unsigned: true,
  }),
  mem("hash-max-listpack-value", 64, 0n, LONG_MAX, {
    alias: "hash-max-ziplist-value",
    unsigned: true,
  }),
  int("list-max-listpack-size", -2, INT_MIN, INT_MAX, { alias: "list-max-ziplist-size" }),
  int("list-compress-depth", 0, 0n, INT_MAX),
  int("set-max-intset-entries", 512, 0n, LONG_MAX, { unsigned: true }),
  int("zset-max-listpack-entries", 128, 0n, LONG_MAX, {
    alias: "zset-max-ziplist-entries",
    unsigned: true,
  }),
  mem("zset-max-listpack-value", 64, 0n, LONG_MAX, {
    alias: "zset-max-ziplist-value",
    unsigned: true,
  }),
  mem("hll-sparse-max-bytes", 3000, 0n, LONG_MAX, { unsigned: true }),
  mem("stream-node-max-bytes", 4096, 0n, LONG_MAX, { unsigned: true }),
  int("stream-node-max-entries", 100, 0n, LONG_MAX),
  mem("client-query-buffer-limit", 1024 * 1024 * 1024, 1024n * 1024n, LONG_MAX, {
    unsigned: true,
  }),
  mem("proto-max-bulk-len", 512 * 1024 * 1024, 1024n * 1024n, LONG_MAX),
  int("hz", 10, 0n, INT_MAX, {
    normalize: (v) => Math.max(CONFIG_MIN_HZ, Math.min(CONFIG_MAX_HZ, v as number)),
  }),
  // Map-based dictionaries rehash as they grow: there is no incremental rehashing to switch off.
  bool("activerehashing", true),
  int("active-expire-effort", 1, 1n, 10n),
  int("lfu-log-factor", 10, 0n, INT_MAX),
  int("lfu-decay-time", 1, 0n, INT_MAX),
  // Who may use DEBUG and change protected configs (dir): no, yes, or local connections only.
  {
    name: "enable-protected-configs",
    type: "enum",
    default: "no",
    values: PROTECTED_ACTION,
    immutable: true,
  },
  {
    name: "enable-debug-command",
    type: "enum",
    default: "no",
    values: PROTECTED_ACTION,
    immutable: true,
  },
  // Who may use MODULE LOAD/LOADEX/UNLOAD (dispatch.ts checks it; src/commands/module.ts).
  {
    name: "enable-module-command",
    type: "enum",
    default: "no",
    values: PROTECTED_ACTION,
    immutable: true,
  },
];

/**
 * Directives Redis 7.0 still reads and ignores (deprecated: loadServerConfigFromString's
 * deprecated_configs). Accepted in files with exactly one argument, with no effect, exactly as in
 * Redis; CONFIG GET/SET do not know them and CONFIG REWRITE comments them out ("# ???").
 */
export const DEPRECATED_DIRECTIVES: readonly string[] = [
  "list-max-ziplist-entries",
  "list-max-ziplist-value",
  "lua-replicate-commands",
];

/** hz is a hint: values outside 1..500 are clamped, as Redis's updateHZ does. */
export const CONFIG_MIN_HZ = 1;
export const CONFIG_MAX_HZ = 500;
