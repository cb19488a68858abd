/**
 * AOF throughput: SET with `appendonly yes`, `appendfsync everysec` (or --fsync always|no), Rexis
 * vs redis-server 7.0.15 in the same run, plain and pipelined (-P 16), plus Rexis with
 * `appendonly no` to show what appending costs. redis-benchmark runs against each server back to
 * back, the order alternating each round; the report gives medians, spreads and ratios.
 *
 *   deno run -A bench/aof.ts [--rounds 3] [--requests 100000] [--pipeline-requests 1000000]
 *                            [--fsync everysec] [--rexis-port 7261] [--redis-port 7260]
 */
const args = new Map<string, string>();
for (let i = 0; i < Deno.args.length; i += 2) {
  args.set(Deno.args[i].replace(/^--/, ""), Deno.args[i + 1]);
}
const ROUNDS = Number(args.get("rounds") ?? 3);
const REQUESTS = Number(args.get("requests") ?? 100_000);
const PREQUESTS = Number(args.get("pipeline-requests") ?? 1_000_000);
const FSYNC = args.get("fsync") ?? "everysec";
const REXIS_PORT = Number(args.get("rexis-port") ?? 7261);
const REXIS_NOAOF_PORT = REXIS_PORT + 2;
const REDIS_PORT = Number(args.get("redis-port") ?? 7260);
const ROOT = new URL("..", import.meta.url).pathname;

interface Srv {
  name: string;
  port: number;
  proc: Deno.ChildProcess;
  dir: string;
}

async function waitPing(port: number): Promise<void> {
  const end = Date.now() + 60_000;
  while (Date.now() < end) {
    const o = await new Deno.Command("redis-cli", { args: ["-p", String(port), "PING"] }).output();
    if (new TextDecoder().decode(o.stdout).includes("PONG")) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server on ${port} did not start`);
}

async function start(name: string, exe: string, argv: string[], port: number, aof: boolean) {
  const dir = Deno.makeTempDirSync({ prefix: "rexis-aofbench-" });
  const proc = new Deno.Command(exe, {
    args: [
      ...argv,
      "--port",
      String(port),
      "--dir",
      dir,
      "--save",
      "",
      "--appendonly",
      aof ? "yes" : "no",
      "--appendfsync",
      FSYNC,
      "--auto-aof-rewrite-percentage",
      "0",
    ],
    cwd: ROOT,
    stdout: "null",
    stderr: "null",
  }).spawn();
  await waitPing(port);
  return { name, port, proc, dir } as Srv;
}

/** CPU time (user + sys, all threads) of a process, in µs (from /proc, clock ticks of 10 ms). */
function cpuUs(pid: number): number {
  const f = Deno.readTextFileSync(`/proc/${pid}/stat`).split(") ")[1].split(" ");
  return (Number(f[11]) + Number(f[12])) * 10_000;
}

/** Requests/s and the server's CPU µs per request of one redis-benchmark run. */
async function measure(s: Srv, pipeline: number): Promise<[number, number]> {
  const c0 = cpuUs(s.proc.pid);
  const rps = await bench(s.port, pipeline);
  const n = pipeline > 1 ? PREQUESTS : REQUESTS;
  return [rps, (cpuUs(s.proc.pid) - c0) / n];
}

async function bench(port: number, pipeline: number): Promise<number> {
  const n = pipeline > 1 ? PREQUESTS : REQUESTS;
  const o = await new Deno.Command("redis-benchmark", {
    args: [
      "-p",
      String(port),
      "-t",
      "set",
      "-n",
      String(n),
      "-c",
      "50",
      "-r",
      "100000",
      "-P",
      String(pipeline),
      "--csv",
      "-q",
    ],
  }).output();
  const text = new TextDecoder().decode(o.stdout);
  const m = /"SET","([\d.]+)"/.exec(text);
  if (!m) throw new Error(`redis-benchmark output: ${text}`);
  return Number(m[1]);
}

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
}

const servers: Srv[] = [];
try {
  servers.push(await start("redis", "redis-server", ["--daemonize", "no"], REDIS_PORT, true));
  servers.push(
    await start("rexis", Deno.execPath(), ["run", "-A", "src/main.ts"], REXIS_PORT, true),
  );
  servers.push(
    await start(
      "rexis-noaof",
      Deno.execPath(),
      ["run", "-A", "src/main.ts"],
      REXIS_NOAOF_PORT,
      false,
    ),
  );
  // Warm-up (JIT) for every server.
  for (const s of servers) await bench(s.port, 16);
  const results: Record<string, Record<string, number[]>> = {};
  const cpu: Record<string, Record<string, number[]>> = {};
  for (const mode of [1, 16]) {
    const key = mode === 1 ? "plain" : "-P 16";
    results[key] = {};
    cpu[key] = {};
    for (let r = 0; r < ROUNDS; r++) {
      const order = r % 2 === 0 ? servers : [...servers].reverse();
      for (const s of order) {
        const [rps, us] = await measure(s, mode);
        (results[key][s.name] ??= []).push(rps);
        (cpu[key][s.name] ??= []).push(us);
      }
    }
  }
  console.log(`SET, appendonly yes, appendfsync ${FSYNC}, 50 clients, ${ROUNDS} rounds`);
  for (const [mode, byServer] of Object.entries(results)) {
    const fmt = (n: string) => {
      const a = byServer[n];
      return `${median(a).toFixed(0)} req/s (${Math.min(...a).toFixed(0)}–${
        Math.max(...a).toFixed(0)
      })`;
    };
    const ratio = median(byServer.rexis) / median(byServer.redis);
    const cost = median(byServer.rexis) / median(byServer["rexis-noaof"]);
    console.log(
      `${mode.padEnd(6)} redis ${fmt("redis")}  rexis ${fmt("rexis")}  ratio ${
        ratio.toFixed(2)
      }  | rexis appendonly no ${fmt("rexis-noaof")} (AOF on/off ${cost.toFixed(2)})`,
    );
    const c = cpu[mode];
    const us = (n: string) => `${median(c[n]).toFixed(2)} µs`;
    console.log(
      `${"".padEnd(6)} server CPU per request: redis ${us("redis")}, rexis ${
        us("rexis")
      }, rexis appendonly no ${us("rexis-noaof")} (CPU ratio redis/rexis ${
        (median(c.redis) / median(c.rexis)).toFixed(2)
      })`,
    );
  }
  for (const s of servers.slice(0, 2)) {
    const info = await new Deno.Command("redis-cli", {
      args: ["-p", String(s.port), "INFO", "persistence"],
    }).output();
    const size = /aof_current_size:(\d+)/.exec(new TextDecoder().decode(info.stdout));
    console.log(`${s.name} aof_current_size ${size ? size[1] : "?"}`);
  }
} finally {
  for (const s of servers) {
    try {
      s.proc.kill("SIGKILL");
      await s.proc.status;
    } catch { /* gone */ }
    Deno.removeSync(s.dir, { recursive: true });
  }
}
