/**
 * The RDB loader alone, in process (for `deno run --cpu-prof`): builds the dataset of
 * bench/rdb.ts (`small`: N keys × 100 B; `coll`: 100 collections × 10,000 elements), saves it
 * with the server's own writer, then times rdbLoadBytes into a fresh server `runs` times.
 *
 * `deno run -A [--cpu-prof] bench/rdb_load_prof.ts small|coll [N=1000000] [--runs 3]`
 */
import { testServer } from "../src/testing/harness.ts";
import { rdbLoadBytes, rdbSaveFile } from "../src/persist/rdb_file.ts";

const args = [...Deno.args];
const ri = args.indexOf("--runs");
const RUNS = ri >= 0 ? Number(args.splice(ri, 2)[1]) : 3;
const kind = args[0] ?? "small";
const N = Number(args[1] ?? 1_000_000);

const src = testServer();
const c = src.client();
if (kind === "small") {
  const value = "x".repeat(100);
  for (let i = 0; i < N; i += 1000) {
    const argv: string[] = ["MSET"];
    for (let j = i; j < Math.min(N, i + 1000); j++) argv.push(`key:${j}`, value);
    src.exec(c, ...argv);
  }
} else {
  for (let k = 0; k < 100; k++) {
    const t = k % 4;
    const argv: string[] = [["RPUSH", "HSET", "SADD", "ZADD"][t], `coll:${k}`];
    for (let j = 0; j < 10_000; j++) {
      if (t === 0) argv.push(`element:${j}`);
      else if (t === 1) argv.push(`field:${j}`, `value:${j}`);
      else if (t === 2) argv.push(`member:${j}`);
      else argv.push(String(j * 1.5), `member:${j}`);
    }
    src.exec(c, ...argv);
  }
}
const dir = Deno.makeTempDirSync();
const file = `${dir}/dump.rdb`;
const cwd = Deno.cwd();
Deno.chdir(dir);
const err = rdbSaveFile(src.server, file);
Deno.chdir(cwd);
if (err !== null) throw new Error(err);
const bytes = Deno.readFileSync(file);
Deno.removeSync(dir, { recursive: true });
const times: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const dst = testServer();
  const t0 = performance.now();
  const res = rdbLoadBytes(dst.server, bytes);
  times.push(performance.now() - t0);
  if (res.keysLoaded !== src.server.dbs[0].size) throw new Error("key count");
}
console.log(`${kind}: load ${times.map((t) => t.toFixed(0)).join(", ")} ms`);
