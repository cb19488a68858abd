/**
 * Wire-level benchmark: Rexis vs Debian's redis-server, side by side, driven by redis-benchmark.
 *
 *   deno task bench [options]                 throughput (requests/s), both modes
 *   deno task bench --memory [options]        RSS after loading a dataset (1,000,000 keys by default)
 *
 * Throughput: for every test in TESTS and every mode (plain, `-P 16`), redis-benchmark runs against
 * one server then the other, back to back (the order alternates each round), for --rounds rounds.
 * The report gives the median requests/s of each server, the ratio Rexis/Redis and, per mode, the
 * geometric mean of the ratios; a readable table, then one JSON line for notes. It also gives
 * each server's CPU time (user+sys, all threads, from /proc) per request, which is much less
 * sensitive than requests/s to other load on the machine, and how many CPUs other processes used
 * during each run (the machine is shared: a run with "other CPU" well above 0 is noise).
 *
 * Memory: for every dataset in DATASETS, both servers start fresh, the dataset is piped into each
 * with `redis-cli --pipe` (RESP generated here), then VmRSS is read from /proc/<pid>/status and the
 * dataset is verified (DBSIZE etc.).
 *
 * Options:
 *   --rounds N              rounds per test and mode (default 3)
 *   --requests N            requests per run without pipelining (default 100000)
 *   --pipeline-requests N   requests per run with pipelining (default 1000000)
 *   --pipeline P            pipeline depth of the pipeline mode (default 16)
 *   --clients C             parallel connections (default 50)
 *   --keyspace R            redis-benchmark -r (default 100000)
 *   --mode plain|pipeline|both     (default both)
 *   --only SET,GET          only these tests (display name or -t name, case-insensitive)
 *   --command 'XADD s * f v'  benchmark this command line too (repeatable; split on spaces, quotes
 *                           allowed); without --only, only the --command ones run
 *   --warmup N              warm-up requests per test and server before measuring (default 20000, 0 = off)
 *   --timeout S             kill a redis-benchmark run after S seconds (default 180)
 *   --startup-timeout S     wait at most S seconds for a server to answer PING (default 60)
 *   --memory                run the memory measurement instead of the throughput one
 *   --datasets a,b          memory datasets to load (default: those marked default)
 *   --keys N                dataset size for --memory (default 1000000)
 *   --settle S              seconds to wait after loading before reading RSS (default 2)
 *   --pin                   pin the servers to CPU 0 and redis-benchmark to CPU 1 (taskset)
 *   --keep-logs             keep the temporary directory with the servers' logs
 *   --help
 *
 * Environment:
 *   REXIS_BENCH_SERVER  command that starts Rexis (default: `deno run --allow-all src/main.ts`, run from
 *                       the repository root). `--port P --save "" --appendonly no` is appended, unless the
 *                       command contains `{port}`, which is then replaced by the port instead.
 *                       E.g. REXIS_BENCH_SERVER=redis-server to check the bench against Redis itself.
 *   REDIS_BENCH_SERVER  command that starts the reference Redis (default: redis-server), same rules.
 *   REXIS_BENCH_PORTS   "rexisPort,redisPort": fixed ports instead of free ephemeral ones (e.g. an
 *                       engineer's own port range).
 */
import { createHash } from "node:crypto";

// ---------------------------------------------------------------------------------------------
// Tables: add rows here.

/** One throughput test: either a built-in redis-benchmark test (`-t`) or a custom command line. */
export interface BenchTest {
  /** Display name (also what --only matches, with `test`). */
  name: string;
  /** redis-benchmark `-t` name (e.g. "set", "lpush", "lrange_100"). */
  test?: string;
  /**
   * Custom command, passed to redis-benchmark as positional arguments after the options;
   * `__rand_int__` is replaced by a random number below --keyspace. E.g. ["XADD", "s", "*", "f", "v"].
   */
  command?: string[];
  /** Multiplies the number of requests of each run (for slow commands); default 1. */
  scale?: number;
  /**
   * Which CSV row to take when redis-benchmark prints several (e.g. -t lrange_100 also prints the
   * LPUSH that fills the list); matched as a prefix of the row name. Default: the `-t` name.
   */
  csvRow?: string;
  /** Commands sent to each server once before the test's warm-up (data the command reads). */
  setup?: string[][];
}

const LUA_INCR = "return redis.call('INCR', KEYS[1])";
const LUA_10HSET = "for i = 1, 10 do redis.call('HSET', KEYS[1], 'f' .. i, i) end return 10";

function sha1(s: string): string {
  return createHash("sha1").update(s).digest("hex");
}

/** `n` PFADD arguments (elements), for HLL setups. */
function elements(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}:${i}`);
}

export const TESTS: BenchTest[] = [
  { name: "PING_INLINE", test: "ping_inline" },
  { name: "PING_MBULK", test: "ping_mbulk" },
  { name: "SET", test: "set" },
  { name: "GET", test: "get" },
  { name: "INCR", test: "incr" },
  { name: "MSET", test: "mset", scale: 0.5 },
  // Collections (redis-benchmark's own tests).
  { name: "LPUSH", test: "lpush" },
  { name: "RPUSH", test: "rpush" },
  { name: "LPOP", test: "lpop" },
  { name: "RPOP", test: "rpop" },
  { name: "SADD", test: "sadd" },
  { name: "HSET", test: "hset" },
  { name: "SPOP", test: "spop" },
  { name: "ZADD", test: "zadd" },
  { name: "ZPOPMIN", test: "zpopmin" },
  { name: "LRANGE_100", test: "lrange_100", scale: 0.2 },
  { name: "LRANGE_300", test: "lrange_300", scale: 0.1 },
  { name: "LRANGE_500", test: "lrange_500", scale: 0.05 },
  { name: "LRANGE_600", test: "lrange_600", scale: 0.05 },
  // Streams, as `redis-benchmark ... XADD mystream '*' field value` runs them.
  { name: "XADD", command: ["XADD", "mystream", "*", "field", "value"] },
  {
    name: "XRANGE_100",
    command: ["XRANGE", "xr100", "-", "+", "COUNT", "100"],
    scale: 0.2,
    setup: [
      ["DEL", "xr100"],
      ...Array.from(
        { length: 100 },
        (_, i) => ["XADD", "xr100", `${i + 1}-0`, "field", value10(i + 1), "n", String(i + 1)],
      ),
    ],
  },
  // Geo: GEOADD points near (13, 38) (redis-benchmark fills __rand_int__ with 12 digits, so
  // "13.__rand_int__" is a valid longitude); GEOSEARCH around a fixed point of 10,000 points spread
  // over 1x1 degree (a 5 km radius holds ~76 of them, its 9 cells ~850).
  {
    name: "GEOADD",
    command: ["GEOADD", "geo:add", "13.__rand_int__", "38.__rand_int__", "m:__rand_int__"],
  },
  {
    name: "GEOSEARCH",
    command: ["GEOSEARCH", "geo:bench", "FROMLONLAT", "13.5", "38.5", "BYRADIUS", "5", "km"],
    setup: [...geoBenchPoints()],
    scale: 0.05,
  },
  {
    name: "GEOSEARCH_ASC",
    command: [
      "GEOSEARCH",
      "geo:bench",
      "FROMLONLAT",
      "13.5",
      "38.5",
      "BYRADIUS",
      "5",
      "km",
      "ASC",
      "COUNT",
      "10",
      "WITHDIST",
    ],
    setup: [...geoBenchPoints()],
    scale: 0.05,
  },
  // Scripting: EVALSHA of scripts loaded by the setup (redis.call round trips through the engine).
  {
    name: "EVALSHA_INCR",
    command: ["EVALSHA", sha1(LUA_INCR), "1", "ctr:__rand_int__"],
    setup: [["SCRIPT", "LOAD", LUA_INCR]],
  },
  {
    name: "EVALSHA_10HSET",
    command: ["EVALSHA", sha1(LUA_10HSET), "1", "h:__rand_int__"],
    scale: 0.3,
    setup: [["SCRIPT", "LOAD", LUA_10HSET]],
  },
  // HyperLogLog and bitmaps (WASM kernels).
  { name: "PFADD", command: ["PFADD", "hll", "__rand_int__"] },
  {
    name: "PFCOUNT_3KEYS",
    command: ["PFCOUNT", "hll1", "hll2", "hll3"],
    scale: 0.2,
    setup: [
      ["PFADD", "hll1", ...elements("a", 5000)],
      ["PFADD", "hll2", ...elements("b", 1000)],
      ["PFADD", "hll3", ...elements("c", 100)],
    ],
  },
  // redis-benchmark writes __rand_int__ as 12 zero-padded digits, which no bit offset accepts
  // (string2ll refuses leading zeros, in Redis too), so `SETBIT bm __rand_int__ 1` cannot run:
  // the random part goes in the key, and SETBIT_1MB sets a bit of one 1 MB bitmap (after the
  // first call the bit is already set: the reply path of a large bitmap, no copy).
  { name: "SETBIT", command: ["SETBIT", "bm:__rand_int__", "77", "1"] },
  {
    name: "SETBIT_1MB",
    command: ["SETBIT", "bm1mb", "4242", "1"],
    setup: [["SET", "bm1mb", "Rexis bitmap 1MB ".repeat(65536)]],
  },
  {
    name: "BITCOUNT_1MB",
    command: ["BITCOUNT", "bm1mb"],
    scale: 0.05,
    setup: [["SET", "bm1mb", "Rexis bitmap 1MB ".repeat(65536)]],
  },
];

/** 10,000 deterministic points in [13, 14] x [38, 39] in the key geo:bench (GEOSEARCH rows). */
function geoBenchPoints(): Iterable<string[]> {
  let seed = 1;
  const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  return batched(10_000, 100, ["GEOADD", "geo:bench"], (i) => [
    String(13 + rnd()),
    String(38 + rnd()),
    `m:${i}`,
  ]);
}

/** Verification of a loaded dataset: the command must reply with the integer `expect`. */
export interface DatasetCheck {
  command: string[];
  expect: number;
}

/** One memory dataset: the commands that build it (size n) and how to check it was loaded. */
export interface Dataset {
  name: string;
  description: string;
  /** Measured when --datasets is not given. */
  default: boolean;
  commands(n: number): Iterable<string[]>;
  checks(n: number): DatasetCheck[];
}

/** 10-byte value for index i ("v000000042"); the "v" keeps Redis from int-encoding it. */
function value10(i: number): string {
  return "v" + String(i).padStart(9, "0");
}

/** Commands that each carry `batch` items of `per(i)` arguments after `head`. */
function* batched(
  n: number,
  batch: number,
  head: string[],
  per: (i: number) => string[],
): Iterable<string[]> {
  for (let start = 0; start < n; start += batch) {
    const cmd = head.slice();
    const end = Math.min(n, start + batch);
    for (let i = start; i < end; i++) cmd.push(...per(i));
    yield cmd;
  }
}

export const DATASETS: Dataset[] = [
  {
    name: "strings",
    description: "N keys key:N -> 10-byte value (MSET, 100 keys a command)",
    default: true,
    commands: (n) => batched(n, 100, ["MSET"], (i) => [`key:${i}`, value10(i)]),
    checks: (n) => [{ command: ["DBSIZE"], expect: n }],
  },
  {
    name: "zset",
    description: "one sorted set z of N members m:N with score N (ZADD, 100 members a command)",
    default: false,
    commands: (n) => batched(n, 100, ["ZADD", "z"], (i) => [String(i), `m:${i}`]),
    checks: (n) => [{ command: ["DBSIZE"], expect: 1 }, { command: ["ZCARD", "z"], expect: n }],
  },
  {
    name: "stream",
    description: "one stream s of N entries, 2 fields each: f1 -> N, f2 -> 10-byte value (XADD)",
    default: false,
    commands: function* (n) {
      for (let i = 1; i <= n; i++) yield ["XADD", "s", `${i}-0`, "f1", String(i), "f2", value10(i)];
    },
    checks: (n) => [{ command: ["DBSIZE"], expect: 1 }, { command: ["XLEN", "s"], expect: n }],
  },
  {
    name: "hash",
    description: "one hash h of N fields f:N -> 10-byte value (HSET, 100 fields a command)",
    default: false,
    commands: (n) => batched(n, 100, ["HSET", "h"], (i) => [`f:${i}`, value10(i)]),
    checks: (n) => [{ command: ["DBSIZE"], expect: 1 }, { command: ["HLEN", "h"], expect: n }],
  },
];

// ---------------------------------------------------------------------------------------------
// Options.

interface Options {
  rounds: number;
  requests: number;
  pipelineRequests: number;
  pipeline: number;
  clients: number;
  keyspace: number;
  modes: Mode[];
  only: string[] | null;
  commands: string[][];
  warmup: number;
  timeout: number;
  startupTimeout: number;
  memory: boolean;
  datasets: string[] | null;
  keys: number;
  settle: number;
  keepLogs: boolean;
  pin: boolean;
}

type Mode = "plain" | "pipeline";

const HELP = () => {
  const src = Deno.readTextFileSync(new URL(import.meta.url));
  const m = src.match(/\/\*\*([\s\S]*?)\*\//);
  return m ? m[1].replace(/^ \* ?/gm, "").trim() : "see bench/wire.ts";
};

class UsageError extends Error {}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    rounds: 3,
    requests: 100_000,
    pipelineRequests: 1_000_000,
    pipeline: 16,
    clients: 50,
    keyspace: 100_000,
    modes: ["plain", "pipeline"],
    only: null,
    commands: [],
    warmup: 20_000,
    timeout: 180,
    startupTimeout: 60,
    memory: false,
    datasets: null,
    keys: 1_000_000,
    settle: 2,
    keepLogs: false,
    pin: false,
  };
  const list = (s: string) => s.split(",").map((x) => x.trim()).filter((x) => x !== "");
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let inline: string | undefined;
    const eq = a.indexOf("=");
    if (a.startsWith("--") && eq > 0) {
      inline = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const val = (): string => {
      if (inline !== undefined) return inline;
      if (i + 1 >= argv.length) throw new UsageError(`${a} needs a value`);
      return argv[++i];
    };
    const int = (min: number): number => {
      const s = val();
      const n = Number(s.replace(/_/g, ""));
      if (!Number.isInteger(n) || n < min) throw new UsageError(`${a}: bad number ${s}`);
      return n;
    };
    switch (a) {
      case "--rounds":
        o.rounds = int(1);
        break;
      case "--requests":
        o.requests = int(1);
        break;
      case "--pipeline-requests":
        o.pipelineRequests = int(1);
        break;
      case "--pipeline":
        o.pipeline = int(2);
        break;
      case "--clients":
        o.clients = int(1);
        break;
      case "--keyspace":
        o.keyspace = int(1);
        break;
      case "--mode": {
        const m = val();
        if (m === "both") o.modes = ["plain", "pipeline"];
        else if (m === "plain" || m === "pipeline") o.modes = [m];
        else throw new UsageError(`--mode must be plain, pipeline or both, not ${m}`);
        break;
      }
      case "--command": {
        const c = splitCommand(val());
        if (c.length === 0) throw new UsageError("--command needs a command line");
        o.commands.push(c);
        break;
      }
      case "--only":
        o.only = list(val()).map((x) => x.toUpperCase());
        break;
      case "--warmup":
        o.warmup = int(0);
        break;
      case "--timeout":
        o.timeout = int(1);
        break;
      case "--startup-timeout":
        o.startupTimeout = int(1);
        break;
      case "--memory":
        o.memory = true;
        break;
      case "--datasets":
        o.datasets = list(val()).map((x) => x.toLowerCase());
        break;
      case "--keys":
        o.keys = int(1);
        break;
      case "--settle":
        o.settle = int(0);
        break;
      case "--pin":
        o.pin = true;
        break;
      case "--keep-logs":
        o.keepLogs = true;
        break;
      case "-h":
      case "--help":
        console.log(HELP());
        Deno.exit(0);
        break;
      default:
        throw new UsageError(`unknown option ${argv[i]} (see --help)`);
    }
  }
  return o;
}

// ---------------------------------------------------------------------------------------------
// Child processes and cleanup.

const children = new Set<Deno.ChildProcess>();
let cleaningUp: Promise<void> | null = null;
/** Set on SIGINT/SIGTERM/SIGHUP: stop quietly. */
let aborting = false;

/** console.log, silenced once the run is being aborted. */
function say(...args: unknown[]) {
  if (!aborting) console.log(...args);
}

function track(child: Deno.ChildProcess): Deno.ChildProcess {
  children.add(child);
  child.status.finally(() => children.delete(child)).catch(() => {});
  return child;
}

/** Pids of all descendants of pid (via /proc/<pid>/task/<tid>/children). */
function descendants(pid: number): number[] {
  const out: number[] = [];
  let tasks: string[] = [];
  try {
    tasks = [...Deno.readDirSync(`/proc/${pid}/task`)].map((e) => e.name);
  } catch {
    return out;
  }
  for (const tid of tasks) {
    let text = "";
    try {
      text = Deno.readTextFileSync(`/proc/${pid}/task/${tid}/children`);
    } catch {
      continue;
    }
    for (const c of text.trim().split(/\s+/)) {
      if (c === "") continue;
      const cp = Number(c);
      out.push(cp, ...descendants(cp));
    }
  }
  return out;
}

function signalPids(pids: number[], sig: Deno.Signal) {
  for (const p of pids) {
    try {
      Deno.kill(p, sig);
    } catch { /* already gone */ }
  }
}

/** Stops a child (and its descendants): SIGTERM, then SIGKILL after graceMs. */
async function stopChild(child: Deno.ChildProcess, graceMs = 3000): Promise<void> {
  const pids = [child.pid, ...descendants(child.pid)];
  signalPids(pids, "SIGTERM");
  const done = await Promise.race([
    child.status.then(() => true, () => true),
    sleep(graceMs).then(() => false),
  ]);
  if (!done) signalPids([child.pid, ...descendants(child.pid), ...pids], "SIGKILL");
  else signalPids(pids.slice(1), "SIGKILL");
  await Promise.race([child.status.catch(() => {}), sleep(2000)]);
}

function cleanup(): Promise<void> {
  cleaningUp ??= Promise.all([...children].map((c) => stopChild(c))).then(() => {});
  return cleaningUp;
}

/** The servers' log directory, removed on exit unless --keep-logs or a failure. */
let logDir = "";
let keepLogs = false;

function installSignalHandlers() {
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    Deno.addSignalListener(sig, () => {
      if (aborting) return;
      aborting = true;
      console.error(`\n${sig}: stopping servers...`);
      cleanup()
        .then(() => {
          if (logDir && !keepLogs) return Deno.remove(logDir, { recursive: true });
        })
        .catch(() => {})
        .finally(() => Deno.exit(sig === "SIGINT" ? 130 : 143));
    });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

// ---------------------------------------------------------------------------------------------
// Tools: redis-server, redis-benchmark, redis-cli.

async function runQuiet(cmd: string, args: string[]): Promise<{ ok: boolean; out: string }> {
  try {
    const r = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
    const td = new TextDecoder();
    return { ok: r.success, out: td.decode(r.stdout) + td.decode(r.stderr) };
  } catch (e) {
    return { ok: false, out: String(e) };
  }
}

async function haveTool(cmd: string): Promise<boolean> {
  return (await runQuiet(cmd, ["--version"])).ok;
}

/** Makes sure the given tools exist, installing redis-server/redis-tools with apt-get if not. */
async function ensureTools(tools: string[]): Promise<void> {
  const missing = async () => {
    const m: string[] = [];
    for (const t of tools) if (!(await haveTool(t))) m.push(t);
    return m;
  };
  let m = await missing();
  if (m.length === 0) return;
  console.error(`missing ${m.join(", ")}: trying apt-get install -y redis-server redis-tools`);
  const apt = async (args: string[]) => {
    try {
      const st = await new Deno.Command("apt-get", {
        args,
        stdout: "inherit",
        stderr: "inherit",
        env: { DEBIAN_FRONTEND: "noninteractive" },
      }).output();
      return st.success;
    } catch (e) {
      console.error(`apt-get ${args[0]}: ${(e as Error).message}`);
      return false;
    }
  };
  if (!(await apt(["install", "-y", "redis-server", "redis-tools"]))) {
    await apt(["update"]);
    await apt(["install", "-y", "redis-server", "redis-tools"]);
  }
  m = await missing();
  if (m.length > 0) {
    throw new Error(
      `${m.join(", ")} not found and could not be installed; install them with ` +
        "`apt-get install -y redis-server redis-tools` (as root) and retry",
    );
  }
}

/** Splits a command line like a shell would for simple cases (quotes, backslashes). */
function splitCommand(s: string): string[] {
  const out: string[] = [];
  let cur = "";
  let has = false;
  let q: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (q) {
      if (c === q) q = null;
      else if (c === "\\" && q === '"' && i + 1 < s.length) cur += s[++i];
      else cur += c;
    } else if (c === "'" || c === '"') {
      q = c;
      has = true;
    } else if (c === "\\" && i + 1 < s.length) {
      cur += s[++i];
      has = true;
    } else if (/\s/.test(c)) {
      if (has) out.push(cur);
      cur = "";
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has) out.push(cur);
  return out;
}

/** A command line for display: empty or odd arguments quoted. */
function showCommand(argv: string[]): string {
  return argv.map((a) => /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`)
    .join(" ");
}

function serverArgv(template: string[], port: number): string[] {
  if (template.some((t) => t.includes("{port}"))) {
    return template.map((t) => t.replaceAll("{port}", String(port)));
  }
  return [...template, "--port", String(port), "--save", "", "--appendonly", "no"];
}

const REPO_ROOT = new URL("..", import.meta.url).pathname;

function rexisTemplate(): string[] {
  const env = Deno.env.get("REXIS_BENCH_SERVER");
  if (env && env.trim() !== "") return splitCommand(env);
  return [Deno.execPath(), "run", "--allow-all", "src/main.ts"];
}

function redisTemplate(): string[] {
  const env = Deno.env.get("REDIS_BENCH_SERVER");
  if (env && env.trim() !== "") return splitCommand(env);
  return ["redis-server"];
}

async function freePorts(count: number): Promise<number[]> {
  const ls = [];
  for (let i = 0; i < count; i++) ls.push(Deno.listen({ hostname: "127.0.0.1", port: 0 }));
  const ports = ls.map((l) => (l.addr as Deno.NetAddr).port);
  for (const l of ls) l.close();
  await sleep(10);
  return ports;
}

// ---------------------------------------------------------------------------------------------
// Minimal RESP client (one command a connection; enough for PING / DBSIZE / checks).

type Reply = string | number | null | { error: string };

function encodeCommand(args: string[]): string {
  let s = `*${args.length}\r\n`;
  for (const a of args) s += `$${utf8Length(a)}\r\n${a}\r\n`;
  return s;
}

function utf8Length(s: string): number {
  // Fast path for ASCII, which is all the generators produce.
  // deno-lint-ignore no-control-regex
  return /^[\x00-\x7f]*$/.test(s) ? s.length : new TextEncoder().encode(s).length;
}

/** Parses one simple reply (+ - : $) from buf; undefined when incomplete. */
function parseReply(buf: Uint8Array): Reply | undefined {
  const text = new TextDecoder().decode(buf);
  const nl = text.indexOf("\r\n");
  if (nl < 0) return undefined;
  const line = text.slice(1, nl);
  switch (text[0]) {
    case "+":
      return line;
    case "-":
      return { error: line };
    case ":":
      return Number(line);
    case "$": {
      const len = Number(line);
      if (len < 0) return null;
      if (buf.length < nl + 2 + len + 2) return undefined;
      return new TextDecoder().decode(buf.subarray(nl + 2, nl + 2 + len));
    }
    default:
      return { error: `unexpected reply type ${JSON.stringify(text.slice(0, 20))}` };
  }
}

async function command(port: number, args: string[], timeoutMs = 10_000): Promise<Reply> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const timer = setTimeout(() => conn.close(), timeoutMs);
  try {
    await conn.write(new TextEncoder().encode(encodeCommand(args)));
    let buf = new Uint8Array(0);
    const chunk = new Uint8Array(64 * 1024);
    while (true) {
      const n = await conn.read(chunk);
      if (n === null) throw new Error("connection closed before a reply");
      const nb = new Uint8Array(buf.length + n);
      nb.set(buf);
      nb.set(chunk.subarray(0, n), buf.length);
      buf = nb;
      const r = parseReply(buf);
      if (r !== undefined) return r;
    }
  } finally {
    clearTimeout(timer);
    try {
      conn.close();
    } catch { /* closed by the timer */ }
  }
}

// ---------------------------------------------------------------------------------------------
// Servers.

class Server {
  exited: Deno.CommandStatus | null = null;
  private constructor(
    readonly label: string,
    readonly argv: string[],
    readonly port: number,
    readonly child: Deno.ChildProcess,
    readonly logPath: string,
  ) {
    child.status.then((s) => this.exited = s, () => {});
  }

  get pid(): number {
    return this.child.pid;
  }

  static async start(
    label: string,
    template: string[],
    port: number,
    cwd: string,
    logDir: string,
  ): Promise<Server> {
    const argv = [...pinPrefix, ...serverArgv(template, port)];
    const logPath = `${logDir}/${label}-${port}.log`;
    let child: Deno.ChildProcess;
    try {
      child = track(
        new Deno.Command(argv[0], {
          args: argv.slice(1),
          cwd,
          stdin: "null",
          stdout: "piped",
          stderr: "piped",
        }).spawn(),
      );
    } catch (e) {
      throw new Error(`${label}: cannot start ${argv.join(" ")}: ${e}`);
    }
    const out = await Deno.open(logPath, { create: true, append: true });
    const err = await Deno.open(logPath, { create: true, append: true });
    child.stdout.pipeTo(out.writable).catch(() => {});
    child.stderr.pipeTo(err.writable).catch(() => {});
    return new Server(label, argv, port, child, logPath);
  }

  logTail(lines = 20): string {
    try {
      return Deno.readTextFileSync(this.logPath).trimEnd().split("\n").slice(-lines).join("\n");
    } catch {
      return "(no log)";
    }
  }

  describeExit(): string {
    const s = this.exited;
    if (!s) return `${this.label} is running`;
    return `${this.label} server exited (code ${s.code}${s.signal ? `, ${s.signal}` : ""}); ` +
      `log ${this.logPath}:\n${this.logTail()}`;
  }

  async waitReady(timeoutSec: number): Promise<void> {
    const deadline = Date.now() + timeoutSec * 1000;
    let last = "";
    while (Date.now() < deadline) {
      if (this.exited) throw new Error(this.describeExit());
      try {
        const r = await command(this.port, ["PING"], 2000);
        if (r === "PONG") return;
        last = JSON.stringify(r);
      } catch (e) {
        last = String(e);
      }
      await sleep(100);
    }
    throw new Error(
      `${this.label} did not answer PING on port ${this.port} within ${timeoutSec}s (last: ${last}); ` +
        `log ${this.logPath}:\n${this.logTail()}`,
    );
  }

  stop(): Promise<void> {
    return stopChild(this.child);
  }
}

/** taskset prefixes for --pin: servers on CPU 0, the benchmark client on CPU 1. */
let pinPrefix: string[] = [];
let clientPinPrefix: string[] = [];

function setupPinning(opts: Options) {
  if (!opts.pin) return;
  if (navigator.hardwareConcurrency < 2) {
    console.log("--pin ignored: fewer than 2 CPUs");
    return;
  }
  pinPrefix = ["taskset", "-c", "0"];
  clientPinPrefix = ["taskset", "-c", "1"];
}

/** Fraction of all CPUs busy over ms milliseconds (from /proc/stat). */
async function cpuBusy(ms: number): Promise<number | null> {
  try {
    const a = cpuTicks();
    await sleep(ms);
    const b = cpuTicks();
    return b.total > a.total ? (b.busy - a.busy) / (b.total - a.total) : null;
  } catch {
    return null;
  }
}

/** Warns when something else keeps the CPUs busy: the figures would be noise. */
async function checkQuiet(): Promise<number | null> {
  const busy = await cpuBusy(1000);
  if (busy !== null) {
    const cpus = navigator.hardwareConcurrency;
    const msg = `CPU busy before start: ${(busy * 100).toFixed(0)}% of ${cpus} CPU(s)`;
    if (busy > 0.15) {
      say(`WARNING: ${msg} -- other processes are running; results will be noisy`);
    } else say(msg);
  }
  return busy;
}

async function startPair(opts: Options, logDir: string): Promise<[Server, Server]> {
  const fixed = Deno.env.get("REXIS_BENCH_PORTS")?.split(",").map(Number);
  const [p1, p2] = fixed && fixed.length === 2 ? fixed : await freePorts(2);
  const rexis = await Server.start("rexis", rexisTemplate(), p1, REPO_ROOT, logDir);
  const redis = await Server.start("redis", redisTemplate(), p2, logDir, logDir);
  await Promise.all([rexis.waitReady(opts.startupTimeout), redis.waitReady(opts.startupTimeout)]);
  return [rexis, redis];
}

// ---------------------------------------------------------------------------------------------
// Throughput.

type RunResult =
  | { rps: number; otherCpu: number | null; cpuUsPerReq: number | null }
  | { error: string };

/** Busy (process + steal) and total jiffies of all CPUs (/proc/stat). */
function cpuTicks(): { busy: number; total: number } {
  const f = Deno.readTextFileSync("/proc/stat").split("\n")[0].trim().split(/\s+/).slice(1)
    .map(Number);
  // user nice system idle iowait irq softirq steal: irq/softirq time is not charged to any
  // process (and loopback traffic makes plenty of it), so it is left out of "busy"; steal (the
  // hypervisor running someone else) counts as other load.
  const total = f.slice(0, 8).reduce((a, x) => a + x, 0);
  return { busy: f[0] + f[1] + f[2] + (f[7] ?? 0), total };
}

/** utime+stime (+ cutime+cstime with `reaped`) of a process, in jiffies; 0 if gone. */
function procTicks(pid: number | "self", reaped = false): number {
  try {
    const t = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const f = t.slice(t.lastIndexOf(")") + 2).split(" ").map(Number);
    // f[0] is field 3 (state): utime = field 14, stime 15, cutime 16, cstime 17.
    return f[11] + f[12] + (reaped ? f[13] + f[14] : 0);
  } catch {
    return 0;
  }
}

/** Jiffies a second (USER_HZ; 100 on Linux). */
const CLK_TCK = 100;

/** CPU jiffies of a server: its process and descendants, all threads. */
function serverTicks(s: Server): number {
  let t = 0;
  for (const p of [s.pid, ...descendants(s.pid)]) t += procTicks(p);
  return t;
}

/** CPU jiffies used by this script, its reaped children (redis-benchmark) and the servers. */
function ownTicks(servers: Server[]): number {
  return procTicks("self", true) + servers.reduce((a, s) => a + serverTicks(s), 0);
}

interface CpuUse<T> {
  value: T;
  /** CPUs used by other processes (and steal) meanwhile, e.g. 0.5 = half a CPU. */
  otherCpu: number | null;
  /** CPU seconds the target server used meanwhile. */
  serverSec: number | null;
}

/** Runs fn and measures the CPU the target server and everything else used (null without /proc). */
async function measureCpu<T>(
  target: Server,
  servers: Server[],
  fn: () => Promise<T>,
): Promise<CpuUse<T>> {
  let a: { busy: number; total: number } | null = null;
  let ownA = 0;
  let srvA = 0;
  try {
    a = cpuTicks();
    ownA = ownTicks(servers);
    srvA = serverTicks(target);
  } catch { /* no /proc */ }
  const value = await fn();
  if (!a) return { value, otherCpu: null, serverSec: null };
  const b = cpuTicks();
  const own = ownTicks(servers) - ownA;
  const serverSec = target.exited ? null : (serverTicks(target) - srvA) / CLK_TCK;
  const dt = b.total - a.total;
  if (dt <= 0) return { value, otherCpu: null, serverSec };
  const other = Math.max(0, (b.busy - a.busy - own) / dt) * navigator.hardwareConcurrency;
  return { value, otherCpu: other, serverSec };
}

function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (q) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') q = false;
      else cur += c;
    } else if (c === '"') q = true;
    else if (c === ",") {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** Requests/s for the test from redis-benchmark output (--csv, with a -q fallback). */
export function parseRps(output: string, want: string | null): number | null {
  const rows: { name: string; rps: number }[] = [];
  let rpsCol = -1;
  for (const raw of output.split(/\r?\n|\r/)) {
    const line = raw.trim();
    if (!line.startsWith('"')) continue;
    const f = parseCsvLine(line);
    if (f[0] === "test") {
      rpsCol = f.indexOf("rps");
      continue;
    }
    const v = Number(f[rpsCol >= 0 ? rpsCol : 1]);
    if (Number.isFinite(v) && v > 0) rows.push({ name: f[0], rps: v });
  }
  if (rows.length === 0) {
    // -q format: "SET: 63694.27 requests per second, p50=0.399 msec"
    for (const m of output.matchAll(/^\s*(.+?):\s*([\d.]+)\s+requests per second/gm)) {
      rows.push({ name: m[1], rps: Number(m[2]) });
    }
  }
  if (rows.length === 0) return null;
  if (want) {
    const w = want.toUpperCase();
    const hit = rows.find((r) => r.name.toUpperCase() === w) ??
      rows.find((r) => r.name.toUpperCase().startsWith(w));
    if (hit) return hit.rps;
  }
  return rows[rows.length - 1].rps;
}

async function runBenchmark(
  server: Server,
  others: Server[],
  t: BenchTest,
  requests: number,
  pipeline: number,
  opts: Options,
): Promise<RunResult> {
  if (server.exited) return { error: `${server.label} server is not running` };
  const args = [
    "-h",
    "127.0.0.1",
    "-p",
    String(server.port),
    "-c",
    String(opts.clients),
    "-r",
    String(opts.keyspace),
    "-n",
    String(requests),
    "--csv",
  ];
  if (pipeline > 1) args.push("-P", String(pipeline));
  if (t.command) args.push(...t.command);
  else if (t.test) args.push("-t", t.test);
  const child = track(
    new Deno.Command(clientPinPrefix.length ? clientPinPrefix[0] : "redis-benchmark", {
      args: clientPinPrefix.length
        ? [...clientPinPrefix.slice(1), "redis-benchmark", ...args]
        : args,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn(),
  );
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
  }, opts.timeout * 1000);
  const { value: r, otherCpu, serverSec } = await measureCpu(
    server,
    others,
    () => child.output(),
  );
  clearTimeout(timer);
  const td = new TextDecoder();
  const out = td.decode(r.stdout);
  const err = td.decode(r.stderr);
  if (timedOut) {
    return {
      error: `timed out after ${opts.timeout}s` +
        (server.exited ? `; ${server.describeExit()}` : ""),
    };
  }
  if (server.exited) return { error: server.describeExit() };
  const both = out + "\n" + err;
  const srvErr = both.match(/Error from server:.*|Could not connect.*|Error: .*/);
  if (!r.success || srvErr) {
    const msg = srvErr?.[0] ?? both.trim().split("\n").slice(-3).join(" | ");
    return { error: `redis-benchmark exit ${r.code}: ${msg.trim()}` };
  }
  const rps = parseRps(out, t.csvRow ?? t.test ?? null);
  if (rps === null) return { error: `no requests/s in output: ${both.trim().slice(0, 300)}` };
  const cpuUsPerReq = serverSec === null ? null : serverSec * 1e6 / requests;
  return { rps, otherCpu, cpuUsPerReq };
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function geomean(xs: number[]): number | null {
  if (xs.length === 0) return null;
  return Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
}

/** (max - min) / median, as a noise indicator. */
function spread(xs: number[]): number | null {
  const m = median(xs);
  if (m === null || xs.length < 2) return null;
  return (Math.max(...xs) - Math.min(...xs)) / m;
}

/** Runs during which other processes used more CPUs than this are flagged as noisy. */
const OTHER_CPU_WARN = 0.15;

const fmtInt = (x: number | null) => x === null ? "ERR" : Math.round(x).toLocaleString("en-US");
const fmtRatio = (x: number | null) => x === null ? "-" : x.toFixed(3);
const fmtPct = (x: number | null) => x === null ? "-" : `${(x * 100).toFixed(1)}%`;
const round = (x: number | null, d = 0) => x === null ? null : Number(x.toFixed(d));

interface TestResult {
  mode: Mode;
  test: BenchTest;
  requests: number;
  /** requests/s of each successful run. */
  rexis: number[];
  redis: number[];
  /** Server CPU time per request (µs) of each successful run. */
  rexisCpu: number[];
  redisCpu: number[];
  /** CPUs used by other processes during each successful run. */
  otherCpu: number[];
  errors: string[];
}

function selectTests(opts: Options): BenchTest[] {
  const custom: BenchTest[] = opts.commands.map((c) => ({ name: c.join(" "), command: c }));
  if (!opts.only) return custom.length ? custom : TESTS;
  const sel = TESTS.filter((t) =>
    opts.only!.includes(t.name.toUpperCase()) ||
    (t.test !== undefined && opts.only!.includes(t.test.toUpperCase()))
  );
  const unknown = opts.only.filter((o) =>
    !TESTS.some((t) => t.name.toUpperCase() === o || t.test?.toUpperCase() === o)
  );
  if (unknown.length > 0) {
    throw new UsageError(
      `unknown test(s) ${unknown.join(", ")}; known: ${TESTS.map((t) => t.name).join(", ")}`,
    );
  }
  return [...sel, ...custom];
}

async function throughput(opts: Options, logDir: string): Promise<boolean> {
  const tests = selectTests(opts);
  const busy = await checkQuiet();
  const t0 = performance.now();
  const [rexis, redis] = await startPair(opts, logDir);
  say(`rexis: ${showCommand(rexis.argv)}  (pid ${rexis.pid}, port ${rexis.port})`);
  say(`redis: ${showCommand(redis.argv)}  (pid ${redis.pid}, port ${redis.port})`);
  say(
    `rounds ${opts.rounds}, clients ${opts.clients}, keyspace ${opts.keyspace}, ` +
      `requests ${opts.requests} plain / ${opts.pipelineRequests} with -P ${opts.pipeline}, ` +
      `warm-up ${opts.warmup}${opts.pin ? ", pinned" : ""}\n`,
  );

  const results: TestResult[] = [];
  const warmed = new Set<BenchTest>();
  try {
    for (const mode of opts.modes) {
      const pipeline = mode === "pipeline" ? opts.pipeline : 1;
      for (const t of tests) {
        const base = mode === "pipeline" ? opts.pipelineRequests : opts.requests;
        const requests = Math.max(1, Math.round(base * (t.scale ?? 1)));
        const res: TestResult = {
          mode,
          test: t,
          requests,
          rexis: [],
          redis: [],
          rexisCpu: [],
          redisCpu: [],
          otherCpu: [],
          errors: [],
        };
        results.push(res);
        if (t.setup && !warmed.has(t)) {
          for (const s of [rexis, redis]) {
            for (const c of t.setup) {
              const r = await command(s.port, c);
              if (r !== null && typeof r === "object" && "error" in r) {
                say(`  setup ${t.name} on ${s.label}: ${r.error}`);
              }
            }
          }
        }
        if (opts.warmup > 0 && !warmed.has(t)) {
          warmed.add(t);
          for (const s of [rexis, redis]) {
            const w = await runBenchmark(s, [rexis, redis], t, opts.warmup, 1, opts);
            if ("error" in w) say(`  warm-up ${t.name} on ${s.label}: ${w.error}`);
          }
        }
        for (let round = 0; round < opts.rounds; round++) {
          const order = round % 2 === 0 ? [rexis, redis] : [redis, rexis];
          const line: string[] = [];
          for (const s of order) {
            const r = await runBenchmark(s, [rexis, redis], t, requests, pipeline, opts);
            if ("rps" in r) {
              (s === rexis ? res.rexis : res.redis).push(r.rps);
              if (r.cpuUsPerReq !== null) {
                (s === rexis ? res.rexisCpu : res.redisCpu).push(r.cpuUsPerReq);
              }
              if (r.otherCpu !== null) res.otherCpu.push(r.otherCpu);
              const noisy = r.otherCpu !== null && r.otherCpu > OTHER_CPU_WARN;
              line.push(
                `${s.label} ${fmtInt(r.rps)}` +
                  (noisy ? ` (other processes: ${r.otherCpu!.toFixed(2)} CPU)` : ""),
              );
            } else {
              res.errors.push(`${s.label}: ${r.error}`);
              line.push(`${s.label} ERR`);
              say(`  ${s.label} ${t.name}: ${r.error}`);
            }
          }
          say(
            `[${mode.padEnd(8)}] ${t.name.padEnd(14)} round ${round + 1}/${opts.rounds}: ` +
              line.join("  "),
          );
        }
      }
    }
  } finally {
    await Promise.all([rexis.stop(), redis.stop()]);
  }
  const elapsed = (performance.now() - t0) / 1000;

  // Table.
  const head = [
    "mode",
    "test",
    "rexis rps",
    "redis rps",
    "rexis/redis",
    "spread",
    "rexis µs/req",
    "redis µs/req",
    "cpu rexis/redis",
    "other CPU",
  ];
  const rows: string[][] = [];
  const json: Record<string, unknown>[] = [];
  const gm: Record<string, number | null> = {};
  const gmCpu: Record<string, number | null> = {};
  const fmtUs = (x: number | null) => x === null ? "-" : x.toFixed(2);
  for (const mode of opts.modes) {
    const label = mode === "pipeline" ? `P${opts.pipeline}` : mode;
    const ratios: number[] = [];
    const cpuRatios: number[] = [];
    for (const r of results.filter((x) => x.mode === mode)) {
      const a = median(r.rexis);
      const b = median(r.redis);
      const ratio = a !== null && b !== null ? a / b : null;
      if (ratio !== null) ratios.push(ratio);
      const ca = median(r.rexisCpu);
      const cb = median(r.redisCpu);
      const cpuRatio = ca !== null && cb !== null && cb > 0 ? ca / cb : null;
      if (cpuRatio !== null && cpuRatio > 0) cpuRatios.push(cpuRatio);
      const sa = spread(r.rexis);
      const sb = spread(r.redis);
      rows.push([
        label,
        r.test.name,
        fmtInt(a),
        fmtInt(b),
        fmtRatio(ratio),
        sa === null && sb === null ? "-" : `${fmtPct(sa)}/${fmtPct(sb)}`,
        fmtUs(ca),
        fmtUs(cb),
        fmtRatio(cpuRatio),
        r.otherCpu.length ? Math.max(...r.otherCpu).toFixed(2) : "-",
      ]);
      json.push({
        mode,
        test: r.test.name,
        n: r.requests,
        rexis: round(a),
        redis: round(b),
        ratio: round(ratio, 3),
        rexisRuns: r.rexis.map((x) => Math.round(x)),
        redisRuns: r.redis.map((x) => Math.round(x)),
        rexisCpuUs: round(ca, 3),
        redisCpuUs: round(cb, 3),
        cpuRatio: round(cpuRatio, 3),
        otherCpuMax: r.otherCpu.length ? round(Math.max(...r.otherCpu), 2) : null,
        ...(r.errors.length ? { errors: r.errors.map((e) => e.slice(0, 200)) } : {}),
      });
    }
    gm[mode] = geomean(ratios);
    gmCpu[mode] = geomean(cpuRatios);
    rows.push([
      label,
      "GEOMEAN",
      "",
      "",
      fmtRatio(gm[mode]),
      "",
      "",
      "",
      fmtRatio(gmCpu[mode]),
      "",
    ]);
  }
  say();
  printTable(head, rows, [2, 3, 4, 5, 6, 7, 8, 9]);
  say(
    "\nrps and µs/req are medians over the rounds; spread = (max - min) / median of rps, rexis/redis;" +
      "\nµs/req = server CPU time (user+sys, all threads) per request; cpu rexis/redis > 1 means " +
      "Rexis spends more CPU a request;\nother CPU = most CPUs used by other processes during one run",
  );
  const allOther = results.flatMap((r) => r.otherCpu);
  const noisyRuns = allOther.filter((x) => x > OTHER_CPU_WARN).length;
  if (noisyRuns) {
    say(
      `WARNING: in ${noisyRuns} of ${allOther.length} runs other processes used more than ` +
        `${OTHER_CPU_WARN} CPU: the figures are noisy`,
    );
  }
  say(`elapsed ${elapsed.toFixed(1)} s`);
  const failed = results.filter((r) => r.errors.length > 0).length;
  if (failed) say(`${failed} test/mode combination(s) had errors (see above)`);
  say(JSON.stringify({
    bench: "wire",
    date: new Date().toISOString(),
    rexis: showCommand(rexis.argv),
    redis: showCommand(redis.argv),
    rounds: opts.rounds,
    clients: opts.clients,
    keyspace: opts.keyspace,
    pipeline: opts.pipeline,
    pinned: pinPrefix.length > 0,
    cpuBusyBefore: round(busy, 2),
    otherCpuMean: allOther.length
      ? round(allOther.reduce((a, x) => a + x, 0) / allOther.length, 2)
      : null,
    geomean: Object.fromEntries(Object.entries(gm).map(([k, v]) => [k, round(v, 3)])),
    geomeanCpu: Object.fromEntries(Object.entries(gmCpu).map(([k, v]) => [k, round(v, 3)])),
    results: json,
    elapsedSec: round(elapsed, 1),
  }));
  return failed === 0;
}

function printTable(head: string[], rows: string[][], rightAligned: number[]) {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]) =>
    r.map((c, i) => rightAligned.includes(i) ? c.padStart(w[i]) : c.padEnd(w[i])).join("  ")
      .trimEnd();
  say(fmt(head));
  say(w.map((x) => "-".repeat(x)).join("  "));
  let prevMode = rows[0]?.[0];
  for (const r of rows) {
    if (r[0] !== prevMode) say();
    prevMode = r[0];
    say(fmt(r));
  }
}

// ---------------------------------------------------------------------------------------------
// Memory.

interface Rss {
  rssKb: number;
  hwmKb: number;
  pids: number;
}

/** VmRSS (summed over the process and its descendants) and VmHWM of pid. */
function readRss(pid: number): Rss {
  const field = (text: string, name: string) => {
    const m = text.match(new RegExp(`^${name}:\\s+(\\d+) kB`, "m"));
    return m ? Number(m[1]) : 0;
  };
  const main = Deno.readTextFileSync(`/proc/${pid}/status`);
  let rss = field(main, "VmRSS");
  const desc = descendants(pid);
  for (const d of desc) {
    try {
      rss += field(Deno.readTextFileSync(`/proc/${d}/status`), "VmRSS");
    } catch { /* gone */ }
  }
  return { rssKb: rss, hwmKb: field(main, "VmHWM"), pids: 1 + desc.length };
}

/** RESP text of the dataset, in chunks of about 1 MB. */
function generate(ds: Dataset, n: number): Uint8Array[] {
  const enc = new TextEncoder();
  const chunks: Uint8Array[] = [];
  let parts: string[] = [];
  let size = 0;
  for (const cmd of ds.commands(n)) {
    const s = encodeCommand(cmd);
    parts.push(s);
    size += s.length;
    if (size >= 1 << 20) {
      chunks.push(enc.encode(parts.join("")));
      parts = [];
      size = 0;
    }
  }
  if (parts.length) chunks.push(enc.encode(parts.join("")));
  return chunks;
}

/** Pipes the chunks into the server with redis-cli --pipe; returns seconds taken. */
async function load(
  server: Server,
  chunks: Uint8Array[],
  opts: Options,
): Promise<{ sec: number; summary: string }> {
  const t0 = performance.now();
  const child = track(
    new Deno.Command("redis-cli", {
      args: ["-h", "127.0.0.1", "-p", String(server.port), "--pipe", "--pipe-timeout", "0"],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn(),
  );
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
  }, opts.timeout * 1000 * 5);
  const writing = (async () => {
    const w = child.stdin.getWriter();
    try {
      for (const c of chunks) await w.write(c);
      await w.close();
    } catch { /* the child died; reported below */ }
  })();
  const r = await child.output();
  await writing;
  clearTimeout(timer);
  const td = new TextDecoder();
  const out = (td.decode(r.stdout) + td.decode(r.stderr)).trim();
  if (timedOut) throw new Error(`${server.label}: loading timed out after ${opts.timeout * 5}s`);
  if (server.exited) throw new Error(server.describeExit());
  const m = out.match(/errors:\s*(\d+),\s*replies:\s*(\d+)/);
  if (!r.success || !m || m[1] !== "0") {
    throw new Error(
      `${server.label}: redis-cli --pipe failed (exit ${r.code}): ${out.slice(-500)}`,
    );
  }
  return { sec: (performance.now() - t0) / 1000, summary: `replies ${m[2]}, errors ${m[1]}` };
}

const mb = (kb: number) => kb / 1024;

async function memory(opts: Options, logDir: string): Promise<void> {
  const names = opts.datasets;
  const sets = names
    ? DATASETS.filter((d) => names.includes(d.name))
    : DATASETS.filter((d) => d.default);
  if (names) {
    const unknown = names.filter((n) => !DATASETS.some((d) => d.name === n));
    if (unknown.length) {
      throw new UsageError(
        `unknown dataset(s) ${unknown.join(", ")}; known: ${
          DATASETS.map((d) => d.name).join(", ")
        }`,
      );
    }
  }
  await checkQuiet();
  const t0 = performance.now();
  const results: Record<string, unknown>[] = [];
  const head = [
    "dataset",
    "server",
    "load s",
    "RSS empty MB",
    "RSS loaded MB",
    "delta MB",
    "peak MB",
    "checks",
  ];
  const rows: string[][] = [];
  let allOk = true;
  for (const ds of sets) {
    say(`dataset ${ds.name}: ${ds.description}, N = ${opts.keys}`);
    const tg = performance.now();
    const chunks = generate(ds, opts.keys);
    const bytes = chunks.reduce((a, c) => a + c.length, 0);
    say(
      `  generated ${(bytes / 1e6).toFixed(1)} MB of RESP in ${
        ((performance.now() - tg) / 1000).toFixed(1)
      } s`,
    );
    const [rexis, redis] = await startPair(opts, logDir);
    const per: Record<string, Record<string, unknown>> = {};
    try {
      await sleep(500);
      for (const s of [rexis, redis]) {
        const empty = readRss(s.pid);
        const { sec, summary } = await load(s, chunks, opts);
        say(`  ${s.label}: loaded in ${sec.toFixed(1)} s (${summary})`);
        await sleep(opts.settle * 1000);
        const loaded = readRss(s.pid);
        const checks: string[] = [];
        let ok = true;
        for (const c of ds.checks(opts.keys)) {
          const got = await command(s.port, c.command, 60_000);
          const pass = got === c.expect;
          ok &&= pass;
          const shown = typeof got === "object" && got !== null
            ? `(error) ${got.error}`
            : JSON.stringify(got);
          checks.push(`${c.command.join(" ")}=${shown}${pass ? "" : ` (want ${c.expect})`}`);
        }
        allOk &&= ok;
        per[s.label] = {
          loadSec: round(sec, 2),
          rssEmptyMB: round(mb(empty.rssKb), 1),
          rssMB: round(mb(loaded.rssKb), 1),
          deltaMB: round(mb(loaded.rssKb - empty.rssKb), 1),
          peakMB: round(mb(loaded.hwmKb), 1),
          processes: loaded.pids,
          checks: checks.join(", "),
          ok,
        };
        rows.push([
          ds.name,
          s.label,
          sec.toFixed(1),
          mb(empty.rssKb).toFixed(1),
          mb(loaded.rssKb).toFixed(1),
          mb(loaded.rssKb - empty.rssKb).toFixed(1),
          mb(loaded.hwmKb).toFixed(1),
          (ok ? "ok " : "FAIL ") + checks.join(", "),
        ]);
      }
    } finally {
      await Promise.all([rexis.stop(), redis.stop()]);
    }
    const a = per.rexis;
    const b = per.redis;
    const ratio = (a.rssMB as number) / (b.rssMB as number);
    const dRatio = (a.deltaMB as number) / (b.deltaMB as number);
    rows.push([ds.name, "rexis/redis", "", "", ratio.toFixed(2), dRatio.toFixed(2), "", ""]);
    results.push({
      dataset: ds.name,
      n: opts.keys,
      rexis: a,
      redis: b,
      rssRatio: round(ratio, 3),
      deltaRatio: round(dRatio, 3),
    });
  }
  const elapsed = (performance.now() - t0) / 1000;
  say();
  printTable(head, rows, [2, 3, 4, 5, 6]);
  say(`\nelapsed ${elapsed.toFixed(1)} s${allOk ? "" : "; SOME CHECKS FAILED"}`);
  say(JSON.stringify({
    bench: "memory",
    date: new Date().toISOString(),
    rexis: showCommand(serverArgv(rexisTemplate(), 0)).replace("--port 0", "--port {port}"),
    redis: showCommand(serverArgv(redisTemplate(), 0)).replace("--port 0", "--port {port}"),
    results,
    elapsedSec: round(elapsed, 1),
  }));
  if (!allOk) throw new Error("dataset checks failed");
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  let opts: Options;
  try {
    opts = parseArgs(Deno.args);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`error: ${e.message}`);
      return 2;
    }
    throw e;
  }
  installSignalHandlers();
  setupPinning(opts);
  const tools = ["redis-benchmark", "redis-cli"];
  if (!Deno.env.get("REDIS_BENCH_SERVER")) tools.unshift("redis-server");
  try {
    await ensureTools(tools);
  } catch (e) {
    console.error(`error: ${(e as Error).message}`);
    return 2;
  }
  logDir = await Deno.makeTempDir({ prefix: "rexis-bench-" });
  keepLogs = opts.keepLogs;
  let ok = false;
  try {
    if (opts.memory) {
      await memory(opts, logDir);
      ok = true;
    } else ok = await throughput(opts, logDir);
  } catch (e) {
    if (aborting) return 130;
    console.error(
      `error: ${Deno.env.get("BENCH_DEBUG") ? (e as Error).stack : (e as Error).message ?? e}`,
    );
  } finally {
    await cleanup();
    if (ok && !opts.keepLogs) await Deno.remove(logDir, { recursive: true }).catch(() => {});
    else console.error(`server logs kept in ${logDir}`);
  }
  return ok ? 0 : 1;
}

if (import.meta.main) Deno.exit(await main());
