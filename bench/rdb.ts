/**
 * RDB timings, Rexis vs redis-server 7.0 in the same run (issue 7: target ≤ 3× Redis):
 * - SAVE and start-up load of two datasets: N small string keys (100-byte values) and
 *   100 collections × 10,000 elements (lists, hashes, sets, zsets: 25 of each);
 *   each figure is the median of `runs` SAVEs / restarts, with the spread (min–max);
 *   load time is what each server logs ("DB loaded from disk: N seconds"), so process start-up
 *   is not counted; the wall time until the port answers is printed too;
 * - then (Rexis only, `--bgsave`) the PING latency seen by a client pinging every millisecond
 *   while BGSAVE runs on the small-keys dataset.
 *
 * `deno run -A bench/rdb.ts [keys=1000000] [--runs 3] [--bgsave] [--only small|coll]`
 * Reference redis-server ports: 7950-7999.
 */
import { RespConn, type RunningServer, startServer } from "../tests/helpers.ts";
import { encodeCommand } from "../src/protocol/decode.ts";

const args = [...Deno.args];
function flag(name: string): string | null {
  const i = args.indexOf(name);
  if (i < 0) return null;
  const v = args[i + 1] ?? "";
  args.splice(i, 2);
  return v;
}
const bgsave = args.includes("--bgsave");
if (bgsave) args.splice(args.indexOf("--bgsave"), 1);
const RUNS = Number(flag("--runs") ?? 3);
const only = flag("--only");
const N = Number(args[0] ?? 1_000_000);

interface Srv {
  port: number;
  output(): string;
  stop(): Promise<void>;
}

let redisPort = 7950 + Math.floor(Math.random() * 25);

async function startRedis(dir: string): Promise<Srv> {
  const port = redisPort++;
  const log = `${dir}/redis.log`;
  try {
    Deno.removeSync(log);
  } catch { /* none */ }
  const proc = new Deno.Command("redis-server", {
    args: [
      "--port",
      String(port),
      "--save",
      "",
      "--appendonly",
      "no",
      "--daemonize",
      "no",
      "--dir",
      dir,
      "--logfile",
      log,
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
  for (;;) {
    try {
      const c = await RespConn.connect(port);
      const r = await c.send("PING");
      c.conn.close();
      if (r === "PONG") break;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    port,
    output: () => {
      try {
        return Deno.readTextFileSync(log);
      } catch {
        return "";
      }
    },
    async stop() {
      try {
        proc.kill("SIGKILL");
      } catch { /* gone */ }
      await proc.status;
    },
  };
}

async function startRexis(dir: string): Promise<Srv> {
  const s: RunningServer = await startServer(["--dir", dir]);
  return s;
}

type Starter = (dir: string) => Promise<Srv>;

async function fillSmall(c: RespConn): Promise<void> {
  const value = "v".repeat(100);
  for (let i = 0; i < N; i += 1000) {
    const argv: string[] = ["MSET"];
    for (let j = i; j < Math.min(N, i + 1000); j++) argv.push(`key:${j}`, value);
    await c.write(encodeCommand(argv));
    await c.read();
  }
}

async function fillCollections(c: RespConn): Promise<void> {
  for (let k = 0; k < 100; k++) {
    const kind = k % 4;
    for (let i = 0; i < 10_000; i += 1000) {
      const argv: string[] = [];
      for (let j = i; j < i + 1000; j++) {
        if (kind === 0) argv.push(`element:${j}`);
        else if (kind === 1) argv.push(`field:${j}`, `value:${j}`);
        else if (kind === 2) argv.push(`member:${j}`);
        else argv.push(String(j * 1.5), `member:${j}`);
      }
      const cmd = ["RPUSH", "HSET", "SADD", "ZADD"][kind];
      await c.write(encodeCommand([cmd, `coll:${k}`, ...argv]));
      await c.read();
    }
  }
}

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  return s[s.length >> 1];
}

function fmt(a: number[]): string {
  return `${median(a).toFixed(0)} ms (${Math.min(...a).toFixed(0)}–${Math.max(...a).toFixed(0)})`;
}

interface Figures {
  save: number[];
  load: number[];
  wall: number[];
  size: number;
  keys: number;
}

async function measure(start: Starter, fill: (c: RespConn) => Promise<void>): Promise<Figures> {
  const dir = await Deno.makeTempDir();
  const f: Figures = { save: [], load: [], wall: [], size: 0, keys: 0 };
  try {
    let s = await start(dir);
    let c = await RespConn.connect(s.port);
    await fill(c);
    f.keys = await c.send("DBSIZE") as number;
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      await c.send("SAVE");
      f.save.push(performance.now() - t0);
    }
    f.size = Deno.statSync(`${dir}/dump.rdb`).size;
    c.conn.close();
    await s.stop();
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      s = await start(dir);
      f.wall.push(performance.now() - t0);
      c = await RespConn.connect(s.port);
      const n = await c.send("DBSIZE");
      if (n !== f.keys) throw new Error(`loaded ${n} keys, expected ${f.keys}`);
      c.conn.close();
      const m = /DB loaded from disk: ([\d.]+) seconds/.exec(s.output());
      f.load.push(m ? Number(m[1]) * 1000 : NaN);
      await s.stop();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  return f;
}

const datasets: [string, (c: RespConn) => Promise<void>][] = [];
if (only !== "coll") datasets.push([`${N} keys × 100 B`, fillSmall]);
if (only !== "small") datasets.push(["100 collections × 10,000", fillCollections]);

for (const [name, fill] of datasets) {
  const x = await measure(startRexis, fill);
  const r = await measure(startRedis, fill);
  console.log(
    `${name} (${x.keys} keys; RDB ${(x.size / 1e6).toFixed(1)} MB Rexis, ${
      (r.size / 1e6).toFixed(1)
    } MB Redis), median of ${RUNS}:`,
  );
  console.log(
    `  SAVE  Rexis ${fmt(x.save)}  Redis ${fmt(r.save)}  ratio ${
      (median(x.save) / median(r.save)).toFixed(2)
    }×`,
  );
  console.log(
    `  load  Rexis ${fmt(x.load)}  Redis ${fmt(r.load)}  ratio ${
      (median(x.load) / median(r.load)).toFixed(2)
    }×  (wall until the port answers: Rexis ${fmt(x.wall)}, Redis ${fmt(r.wall)})`,
  );
}

if (bgsave) {
  // BGSAVE with a pinger (its own connection) and a writer touching keys.
  const dir = await Deno.makeTempDir();
  const server = await startServer(["--dir", dir]);
  const c = await RespConn.connect(server.port);
  await fillSmall(c);
  const pinger = await RespConn.connect(server.port);
  const writer = await RespConn.connect(server.port);
  await c.send("BGSAVE");
  const t0 = performance.now();
  let maxPing = 0;
  let pings = 0;
  let writes = 0;
  let done = false;
  const writeLoop = (async () => {
    while (!done) {
      await writer.send("SET", `key:${Math.floor(Math.random() * N)}`, "changed");
      writes++;
    }
  })();
  for (;;) {
    const s = performance.now();
    await pinger.send("PING");
    const d = performance.now() - s;
    if (d > maxPing) maxPing = d;
    pings++;
    if (pings % 50 === 0) {
      const info = await c.send("INFO", "persistence") as string;
      if (info.includes("rdb_bgsave_in_progress:0")) break;
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  done = true;
  await writeLoop;
  const bgMs = performance.now() - t0;
  const info = await c.send("INFO", "persistence") as string;
  console.log(
    `BGSAVE (Rexis): ${bgMs.toFixed(0)} ms, ${pings} pings, max PING latency ${
      maxPing.toFixed(1)
    } ms, ${writes} concurrent writes, status ${/rdb_last_bgsave_status:(\w+)/.exec(info)?.[1]}`,
  );
  pinger.conn.close();
  writer.conn.close();
  c.conn.close();
  await server.stop();
  await Deno.remove(dir, { recursive: true });
}
