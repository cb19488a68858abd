/**
 * Differential test of the stream family against redis-server 7.0.15: random sequences of XADD
 * (explicit, `<ms>-*` and `<ms>` IDs, MAXLEN/MINID with = ~ LIMIT), XDEL, XTRIM, XRANGE/XREVRANGE
 * (exclusive bounds, COUNT), XGROUP, XREADGROUP (NOACK, history), XACK, XCLAIM, XAUTOCLAIM,
 * XPENDING, XINFO STREAM [FULL]/GROUPS, XREAD, XSETID and DEL run on both servers with small
 * stream nodes (so trims, node splits and radix-tree counts are exercised), replies compared
 * exactly except delivery and seen times, in RESP2 and RESP3. Skipped when redis-server is not
 * installed.
 *
 * More seeds: REXIS_STREAM_DIFF_SEEDS=1,2,3 REXIS_STREAM_DIFF_OPS=3000 deno test -A tests/streams_diff_test.ts
 */
import { assertEquals } from "../src/testing/assert.ts";
import { freePort, RespConn, RespError, startServer } from "./helpers.ts";
import type { RespValue } from "../src/protocol/decode.ts";

function hasRedis(): boolean {
  try {
    new Deno.Command("redis-server", { args: ["--version"], stdout: "null" }).outputSync();
    return true;
  } catch {
    return false;
  }
}

/** Replies as comparable JSON; times (13-digit ms, idle counts) blanked where asked. */
function norm(v: RespValue, times: boolean): unknown {
  if (v instanceof RespError) return { err: v.message };
  if (Array.isArray(v)) return v.map((x) => norm(x, times));
  if (v instanceof Map) return [...v].map(([k, x]) => [norm(k, false), norm(x, times)]);
  if (times && typeof v === "number") return "T";
  return v;
}

function generator(seed: number, startMs: bigint) {
  let x = seed >>> 0 || 1;
  const rnd = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(a: T[]): T => a[int(a.length)];
  let ms = startMs;
  const ids: string[] = [];
  const rid = () => ids.length && rnd() < 0.8 ? pick(ids) : `${ms - BigInt(int(3))}-${int(4)}`;
  const next = (): string[] => {
    const r = rnd();
    const key = pick(["s", "s", "t"]);
    const g = pick(["g1", "g2"]);
    if (r < 0.3) {
      ms += BigInt(pick([0, 0, 1, 2, 1000]));
      const c = ["XADD", key];
      if (rnd() < 0.15) {
        c.push(...pick([
          ["MAXLEN", String(int(30))],
          ["MAXLEN", "~", String(int(30))],
          ["MINID", rid()],
          ["MINID", "~", rid()],
          ["MAXLEN", "~", String(int(30)), "LIMIT", String(int(12))],
        ]));
      }
      c.push(pick([`${ms}-*`, `${ms}`, `${ms}-${int(6)}`]));
      const nf = pick([1, 1, 2, 3]);
      const fields = rnd() < 0.5
        ? ["a", "b", "c"].slice(0, nf)
        : [...Array(nf)].map(() => `x${int(4)}`);
      for (const f of fields) c.push(f, String(int(1000)));
      return c;
    }
    if (r < 0.38) return ["XDEL", key, ...[...Array(1 + int(3))].map(rid)];
    if (r < 0.42) {
      return [
        "XTRIM",
        key,
        ...pick([["MAXLEN", String(int(30))], ["MAXLEN", "~", String(int(30))], [
          "MINID",
          rid(),
        ], ["MINID", "~", rid()]]),
      ];
    }
    if (r < 0.5) {
      const b = () => pick(["-", "+", rid(), "(" + rid()]);
      return [
        pick(["XRANGE", "XREVRANGE"]),
        key,
        b(),
        b(),
        ...(rnd() < 0.5 ? [] : ["COUNT", String(int(6))]),
      ];
    }
    if (r < 0.53) {
      return [
        "XGROUP",
        "CREATE",
        key,
        g,
        pick(["$", "0", rid()]),
        ...pick([[], ["MKSTREAM"], [
          "ENTRIESREAD",
          String(int(10)),
        ]]),
      ];
    }
    if (r < 0.62) {
      return [
        "XREADGROUP",
        "GROUP",
        g,
        pick(["c1", "c2", "c3"]),
        ...(rnd() < 0.5 ? [] : ["COUNT", String(1 + int(4))]),
        ...(rnd() < 0.5 ? [] : ["NOACK"]),
        "STREAMS",
        key,
        pick([">", ">", "0", rid()]),
      ];
    }
    if (r < 0.67) return ["XACK", key, g, ...[...Array(1 + int(3))].map(rid)];
    if (r < 0.71) {
      return [
        "XCLAIM",
        key,
        g,
        pick(["c1", "c2", "c4"]),
        "0",
        ...[...Array(1 + int(3))].map(rid),
        "JUSTID",
        ...pick([[], ["FORCE"], ["LASTID", rid()], ["RETRYCOUNT", "3"]]),
      ];
    }
    if (r < 0.75) {
      return [
        "XAUTOCLAIM",
        key,
        g,
        pick(["c1", "c5"]),
        "0",
        pick(["0", rid()]),
        "COUNT",
        String(1 + int(5)),
        "JUSTID",
      ];
    }
    if (r < 0.8) return ["XINFO", pick(["STREAM", "GROUPS"]), key];
    if (r < 0.83) return ["XINFO", "STREAM", key, "FULL"];
    if (r < 0.86) return ["XPENDING", key, g];
    if (r < 0.88) {
      return [
        "XGROUP",
        "SETID",
        key,
        g,
        pick(["$", "0", rid()]),
        ...(rnd() < 0.5 ? [] : ["ENTRIESREAD", String(int(10))]),
      ];
    }
    if (r < 0.9) {
      return ["XREAD", "COUNT", String(1 + int(5)), "STREAMS", "s", "t", rid(), pick(["$", rid()])];
    }
    if (r < 0.92) return ["XLEN", key];
    if (r < 0.93) {
      return [
        "XSETID",
        key,
        `${ms + BigInt(int(7))}-${int(4)}`,
        ...pick([[], ["ENTRIESADDED", String(int(60))], [
          "MAXDELETEDID",
          rid(),
        ]]),
      ];
    }
    if (r < 0.94) {
      return ["XGROUP", pick(["DELCONSUMER", "CREATECONSUMER"]), key, g, pick(["c1", "c2", "c9"])];
    }
    if (r < 0.95) return ["XGROUP", "DESTROY", key, g];
    if (r < 0.955) return ["DEL", key];
    return ["XPENDING", key, g, "-", "+", "10", ...(rnd() < 0.5 ? [] : ["c1"])];
  };
  return { next, added: (id: string) => ids.push(id) };
}

Deno.test({
  name: "streams: random command sequences reply exactly as redis-server",
  ignore: !hasRedis(),
  async fn() {
    const rexis = await startServer();
    const port = freePort();
    const redis = new Deno.Command("redis-server", {
      args: ["--port", String(port), "--save", "", "--appendonly", "no", "--bind", "127.0.0.1"],
      stdout: "null",
      stderr: "null",
    }).spawn();
    try {
      let b: RespConn | null = null;
      for (let i = 0; i < 100 && b === null; i++) {
        try {
          b = await RespConn.connect(port);
        } catch {
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      const a = await RespConn.connect(rexis.port);
      const seeds = (Deno.env.get("REXIS_STREAM_DIFF_SEEDS") ?? "1,2,3").split(",").map(Number);
      const ops = Number(Deno.env.get("REXIS_STREAM_DIFF_OPS") ?? 2000);
      const starts = [1n, 9007199254740000n, 18446744073709000000n];
      for (const seed of seeds) {
        for (const startMs of starts) {
          for (const c of [a, b!]) {
            // Odd seeds speak RESP3 (maps for XINFO and XREAD, nulls).
            await c.send("HELLO", seed % 2 === 1 ? 3 : 2);
            await c.send("FLUSHALL");
            await c.send("CONFIG", "SET", "stream-node-max-entries", 2 + (seed % 4));
          }
          const gen = generator(seed, startMs);
          for (let i = 0; i < ops; i++) {
            const cmd = gen.next();
            const [ra, rb] = [await a.send(...cmd), await b!.send(...cmd)];
            const times = (cmd[0] === "XINFO" && cmd[3] === "FULL") ||
              (cmd[0] === "XPENDING" && cmd.length > 3);
            // Times differ between the servers: compare the replies' shapes and strings there.
            assertEquals(
              norm(ra, times),
              norm(rb, times),
              `seed ${seed}, op ${i}: ${cmd.join(" ")}`,
            );
            if (cmd[0] === "XADD" && typeof rb === "string") gen.added(rb);
          }
        }
      }
      a.conn.close();
      b!.conn.close();
    } finally {
      try {
        redis.kill("SIGKILL");
      } catch { /* gone */ }
      await redis.status;
      await rexis.stop();
    }
  },
});
