/**
 * RDB timings: SAVE and start-up load of N keys, and the PING latency seen by a client pinging
 * every millisecond while BGSAVE runs (the incremental copy-on-write snapshot must not stall the
 * server). `deno run -A bench/rdb.ts [keys=1000000]`
 */
import { RespConn, startServer } from "../tests/helpers.ts";
import { encodeCommand } from "../src/protocol/decode.ts";

const N = Number(Deno.args[0] ?? 1_000_000);
const dir = await Deno.makeTempDir();
let server = await startServer(["--dir", dir]);
let c = await RespConn.connect(server.port);

// Fill: MSET batches of 1000 keys, 100-byte values, a few collections.
const value = "v".repeat(100);
for (let i = 0; i < N; i += 1000) {
  const argv: string[] = ["MSET"];
  for (let j = i; j < Math.min(N, i + 1000); j++) argv.push(`key:${j}`, value);
  await c.write(encodeCommand(argv));
  await c.read();
}
console.log(`filled ${await c.send("DBSIZE")} keys`);

let t0 = performance.now();
await c.send("SAVE");
const saveMs = performance.now() - t0;
const size = Deno.statSync(`${dir}/dump.rdb`).size;
console.log(`SAVE: ${saveMs.toFixed(0)} ms, ${(size / 1e6).toFixed(1)} MB`);

// BGSAVE with a pinger (its own connection) and a writer touching keys.
const pinger = await RespConn.connect(server.port);
const writer = await RespConn.connect(server.port);
await c.send("BGSAVE");
t0 = performance.now();
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
  `BGSAVE: ${bgMs.toFixed(0)} ms, ${pings} pings, max PING latency ${
    maxPing.toFixed(1)
  } ms, ${writes} concurrent writes, status ${/rdb_last_bgsave_status:(\w+)/.exec(info)?.[1]}`,
);
pinger.conn.close();
writer.conn.close();
c.conn.close();
await server.stop();

// Load at start-up.
t0 = performance.now();
server = await startServer(["--dir", dir]);
const loadMs = performance.now() - t0;
c = await RespConn.connect(server.port);
console.log(
  `start-up with load: ${loadMs.toFixed(0)} ms (${
    /DB loaded from disk: [\d.]+ seconds/.exec(server.output())?.[0]
  }), ${await c.send("DBSIZE")} keys`,
);
c.conn.close();
await server.stop();
await Deno.remove(dir, { recursive: true });
