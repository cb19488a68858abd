/**
 * maxmemory under a fill that never ends: Rexis and redis-server, same run, same load.
 *
 *   deno run -A bench/maxmemory.ts [--seconds 60] [--maxmemory 100mb] [--policy allkeys-lru]
 *                                  [--size 100] [--interval 5] [--only rexis|redis]
 *
 * Each server starts fresh with `--maxmemory M --maxmemory-policy P`, then redis-benchmark writes
 * SET of random keys (`-r 100000000 -t set -d SIZE -P 16`) for --seconds. Every --interval seconds
 * the bench reads the server's RSS (/proc/<pid>/status VmRSS and VmHWM), INFO used_memory,
 * allocator figures (for Rexis: V8 heap used + external, heap total + external), keys and
 * evicted_keys, and prints one line; a summary line per server gives the peaks against the limit.
 * Nothing is asserted: this is a measurement.
 *
 * Environment: REXIS_BENCH_SERVER / REDIS_BENCH_SERVER as in bench/wire.ts (default
 * `deno run --allow-all src/main.ts` and `redis-server`).
 */

const REPO = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

interface Options {
  seconds: number;
  maxmemory: string;
  policy: string;
  size: number;
  interval: number;
  only: string | null;
}

function parseArgs(args: string[]): Options {
  const o: Options = {
    seconds: 60,
    maxmemory: "100mb",
    policy: "allkeys-lru",
    size: 100,
    interval: 5,
    only: null,
  };
  for (let i = 0; i < args.length; i++) {
    const v = args[i + 1];
    switch (args[i]) {
      case "--seconds":
        o.seconds = Number(v);
        i++;
        break;
      case "--maxmemory":
        o.maxmemory = v;
        i++;
        break;
      case "--policy":
        o.policy = v;
        i++;
        break;
      case "--size":
        o.size = Number(v);
        i++;
        break;
      case "--interval":
        o.interval = Number(v);
        i++;
        break;
      case "--only":
        o.only = v;
        i++;
        break;
      default:
        console.error(`unknown option ${args[i]}`);
        Deno.exit(2);
    }
  }
  return o;
}

function memBytes(s: string): number {
  const m = /^(\d+)(b|k|kb|m|mb|g|gb)?$/i.exec(s);
  if (!m) throw new Error(`bad memory value ${s}`);
  const unit = (m[2] ?? "b").toLowerCase();
  const mult: Record<string, number> = {
    b: 1,
    k: 1000,
    kb: 1024,
    m: 1000 * 1000,
    mb: 1024 * 1024,
    g: 1e9,
    gb: 1024 ** 3,
  };
  return Number(m[1]) * mult[unit];
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

function serverCommand(env: string, def: string, port: number, extra: string): string {
  const base = Deno.env.get(env) ?? def;
  if (base.includes("{port}")) return base.replaceAll("{port}", String(port)) + " " + extra;
  return `${base} --port ${port} --save "" --appendonly no ${extra}`;
}

/** A tiny RESP client for INFO (one command at a time). */
async function command(port: number, ...args: string[]): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    let req = `*${args.length}\r\n`;
    for (const a of args) req += `$${a.length}\r\n${a}\r\n`;
    await conn.write(new TextEncoder().encode(req));
    let buf = "";
    const chunk = new Uint8Array(65536);
    const dec = new TextDecoder();
    for (;;) {
      const n = await conn.read(chunk);
      if (n === null) break;
      buf += dec.decode(chunk.subarray(0, n));
      if (buf.startsWith("+") || buf.startsWith("-") || buf.startsWith(":")) {
        if (buf.endsWith("\r\n")) return buf.slice(1, -2);
      } else if (buf.startsWith("$")) {
        const nl = buf.indexOf("\r\n");
        const len = Number(buf.slice(1, nl));
        if (len < 0) return "";
        if (buf.length >= nl + 2 + len + 2) return buf.slice(nl + 2, nl + 2 + len);
      }
    }
    return buf;
  } finally {
    conn.close();
  }
}

async function waitReady(port: number, timeoutMs = 60000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    try {
      if ((await command(port, "PING")) === "PONG") return;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server on ${port} did not answer PING`);
}

function infoField(info: string, name: string): number {
  const m = new RegExp(`^${name}:(\\d+)`, "m").exec(info);
  return m ? Number(m[1]) : 0;
}

/** The server's process: the deepest descendant of the shell that listens (deno or redis-server). */
function serverPid(shellPid: number): number {
  let pid = shellPid;
  for (let depth = 0; depth < 4; depth++) {
    let children = "";
    try {
      children = Deno.readTextFileSync(`/proc/${pid}/task/${pid}/children`).trim();
    } catch {
      break;
    }
    if (children === "") break;
    pid = Number(children.split(/\s+/)[0]);
  }
  return pid;
}

function procMem(pid: number): { rss: number; hwm: number } {
  try {
    const s = Deno.readTextFileSync(`/proc/${pid}/status`);
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, "m").exec(s)?.[1] ?? 0) * 1024;
    return { rss: kb("VmRSS"), hwm: kb("VmHWM") };
  } catch {
    return { rss: 0, hwm: 0 };
  }
}

const MB = 1024 * 1024;
const mb = (n: number) => (n / MB).toFixed(1).padStart(7);

interface Summary {
  name: string;
  maxRss: number;
  hwm: number;
  maxUsed: number;
  maxAllocated: number;
  maxActive: number;
  keys: number;
  evicted: number;
  requests: number;
}

async function measure(name: string, cmdline: string, port: number, o: Options): Promise<Summary> {
  const limit = memBytes(o.maxmemory);
  const server = new Deno.Command("bash", {
    args: ["-c", `exec ${cmdline}`],
    cwd: REPO,
    stdout: "null",
    stderr: "null",
  }).spawn();
  const s: Summary = {
    name,
    maxRss: 0,
    hwm: 0,
    maxUsed: 0,
    maxAllocated: 0,
    maxActive: 0,
    keys: 0,
    evicted: 0,
    requests: 0,
  };
  let bench: Deno.ChildProcess | null = null;
  try {
    await waitReady(port);
    const pid = serverPid(server.pid);
    bench = new Deno.Command("redis-benchmark", {
      args: [
        "-p",
        String(port),
        "-r",
        "100000000",
        "-n",
        "1000000000",
        "-t",
        "set",
        "-d",
        String(o.size),
        "-P",
        "16",
        "-c",
        "20",
        "-q",
      ],
      stdout: "null",
      stderr: "null",
    }).spawn();
    console.log(
      `\n${name}: maxmemory ${o.maxmemory} (${limit} bytes), ${o.policy}, SET -d ${o.size}, ` +
        `${o.seconds} s`,
    );
    console.log(
      "    t(s)  rss(MB)  used(MB) alloc(MB) active(MB)     keys    evicted  writes/s",
    );
    const start = Date.now();
    let lastCmds = 0;
    let lastT = start;
    while (Date.now() - start < o.seconds * 1000) {
      await new Promise((r) => setTimeout(r, o.interval * 1000));
      const info = await command(port, "INFO", "all");
      const { rss, hwm } = procMem(pid);
      const used = infoField(info, "used_memory");
      const alloc = infoField(info, "allocator_allocated");
      const active = infoField(info, "allocator_active");
      const keys = Number(/^db0:keys=(\d+)/m.exec(info)?.[1] ?? 0);
      const evicted = infoField(info, "evicted_keys");
      const cmds = infoField(info, "total_commands_processed");
      const now = Date.now();
      const rate = (cmds - lastCmds) / ((now - lastT) / 1000);
      lastCmds = cmds;
      lastT = now;
      s.maxRss = Math.max(s.maxRss, rss);
      s.hwm = Math.max(s.hwm, hwm);
      s.maxUsed = Math.max(s.maxUsed, used);
      s.maxAllocated = Math.max(s.maxAllocated, alloc);
      s.maxActive = Math.max(s.maxActive, active);
      s.keys = keys;
      s.evicted = evicted;
      s.requests = cmds;
      console.log(
        `${String(Math.round((now - start) / 1000)).padStart(8)} ${mb(rss)}  ${mb(used)}   ` +
          `${mb(alloc)}    ${mb(active)} ${String(keys).padStart(8)} ${
            String(evicted).padStart(10)
          } ${String(Math.round(rate)).padStart(9)}`,
      );
    }
  } finally {
    if (bench) {
      try {
        bench.kill("SIGKILL");
      } catch { /* gone */ }
      await bench.status;
    }
    try {
      server.kill("SIGKILL");
    } catch { /* gone */ }
    await server.status;
  }
  return s;
}

async function main(): Promise<void> {
  const o = parseArgs(Deno.args);
  const limit = memBytes(o.maxmemory);
  const extra = `--maxmemory ${o.maxmemory} --maxmemory-policy ${o.policy}`;
  const out: Summary[] = [];
  if (o.only !== "redis") {
    const port = freePort();
    const cmd = serverCommand(
      "REXIS_BENCH_SERVER",
      "deno run --allow-all src/main.ts",
      port,
      extra,
    );
    out.push(await measure("rexis", cmd, port, o));
  }
  if (o.only !== "rexis") {
    const port = freePort();
    out.push(
      await measure(
        "redis",
        serverCommand("REDIS_BENCH_SERVER", "redis-server", port, extra),
        port,
        o,
      ),
    );
  }
  console.log("\nsummary (MB; limit " + (limit / MB).toFixed(1) + ")");
  console.log(
    "  server   max rss  VmHWM  max used  max alloc  max active     keys    evicted   writes",
  );
  for (const s of out) {
    console.log(
      `  ${s.name.padEnd(6)} ${mb(s.maxRss)} ${mb(s.hwm)}  ${mb(s.maxUsed)}   ${
        mb(s.maxAllocated)
      }    ${mb(s.maxActive)} ${String(s.keys).padStart(8)} ${
        String(s.evicted).padStart(10)
      } ${s.requests}`,
    );
  }
  console.log(JSON.stringify({ limit, results: out }));
}

if (import.meta.main) await main();
