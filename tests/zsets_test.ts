/**
 * End-to-end tests of the sorted-set family through real clients (node-redis 5, ioredis) against
 * a started server: typed helpers, RESP3 doubles, blocking pops woken by another connection.
 */
import { createClient } from "redis";
import { Redis } from "ioredis";
import { assert, assertEquals, assertMatch } from "../src/testing/assert.ts";
import { type RunningServer, startServer } from "./helpers.ts";

async function withServer(fn: (s: RunningServer) => Promise<void>): Promise<void> {
  const s = await startServer();
  try {
    await fn(s);
  } finally {
    await s.stop();
  }
}

Deno.test("e2e node-redis: sorted-set commands", async () => {
  await withServer(async (s) => {
    const client = createClient({ socket: { host: "127.0.0.1", port: s.port } });
    client.on("error", () => {});
    await client.connect();
    try {
      assertEquals(
        await client.zAdd("z", [{ score: 1, value: "a" }, { score: 2, value: "b" }, {
          score: 3.5,
          value: "c",
        }]),
        3,
      );
      assertEquals(await client.zCard("z"), 3);
      assertEquals(Number(await client.zScore("z", "c")), 3.5);
      assertEquals(await client.zRank("z", "b"), 1);
      assertEquals(await client.zRange("z", 0, -1), ["a", "b", "c"]);
      assertEquals(await client.zRange("z", "(1", "+inf", { BY: "SCORE" }), ["b", "c"]);
      assertEquals(await client.zRange("z", 0, -1, { REV: true }), ["c", "b", "a"]);
      const ws = await client.zRangeWithScores("z", 0, 1);
      assertEquals(ws.map((e) => [e.value, Number(e.score)]), [["a", 1], ["b", 2]]);
      assertEquals(Number(await client.zIncrBy("z", 10, "a")), 11);
      assertEquals(await client.zCount("z", 2, 100), 3);
      assertEquals(await client.zRem("z", ["b", "nope"]), 1);
      await client.zAdd("z2", [{ score: 5, value: "c" }, { score: 1, value: "d" }]);
      assertEquals(await client.zUnionStore("u", ["z", "z2"]), 3);
      assertEquals(await client.sendCommand(["ZRANGE", "u", "0", "-1", "WITHSCORES"]) as unknown, [
        "d",
        "1",
        "c",
        "8.5",
        "a",
        "11",
      ]);
      assertEquals(await client.zInterCard(["z", "z2"]), 1);
      const popped = await client.zPopMin("u");
      assertEquals(popped && [popped.value, Number(popped.score)], ["d", 1]);
      try {
        await client.sendCommand(["ZADD", "z", "nan", "x"]);
        throw new Error("expected an error");
      } catch (e) {
        assertMatch((e as Error).message, /value is not a valid float/);
      }
      // A blocked BZPOPMAX is served by a ZADD from another connection.
      const blocker = client.duplicate();
      blocker.on("error", () => {});
      await blocker.connect();
      try {
        const waiting = blocker.bzPopMax("bz", 5);
        await new Promise((r) => setTimeout(r, 100));
        await client.zAdd("bz", [{ score: 7, value: "m" }]);
        const r = await waiting;
        assert(r !== null);
        assertEquals([r.key, r.value, Number(r.score)], ["bz", "m", 7]);
      } finally {
        blocker.destroy();
      }
    } finally {
      client.destroy();
    }
  });
});

Deno.test("e2e ioredis: sorted-set commands, RESP2 replies and errors", async () => {
  await withServer(async (s) => {
    const r = new Redis({ port: s.port, host: "127.0.0.1", lazyConnect: true });
    await r.connect();
    try {
      assertEquals(await r.zadd("z", 1, "a", 2, "b", 3, "c"), 3);
      assertEquals(await r.zadd("z", "XX", "CH", 5, "a", 9, "nope"), 1);
      assertEquals(await r.zrange("z", 0, -1, "WITHSCORES"), ["b", "2", "c", "3", "a", "5"]);
      assertEquals(await r.zrangebyscore("z", "-inf", "+inf", "LIMIT", 1, 1), ["c"]);
      assertEquals(await r.zrevrangebyscore("z", "+inf", "(2"), ["a", "c"]);
      assertEquals(await r.zscore("z", "0.1x"), null);
      assertEquals(await r.zincrby("z", "0.1", "b"), "2.1000000000000001");
      assertEquals(await r.zmscore("z", "a", "zz"), ["5", null]);
      assertEquals(await r.zrangestore("dst", "z", 0, 0), 1);
      assertEquals(await r.zpopmax("z", 2), ["a", "5", "c", "3"]);
      assertEquals(await r.call("ZMPOP", 1, "z", "MIN"), ["z", [["b", "2.1000000000000001"]]]);
      assertEquals(await r.exists("z"), 0);
      assertEquals(await r.zadd("lex", 0, "a", 0, "b", 0, "c"), 3);
      assertEquals(await r.zrangebylex("lex", "(a", "+"), ["b", "c"]);
      assertEquals(await r.zlexcount("lex", "-", "+"), 3);
      const scan = await r.zscan("lex", 0);
      assertEquals(scan, ["0", ["a", "0", "b", "0", "c", "0"]]);
      let msg = "";
      try {
        await r.zrangebyscore("lex", "x", 1);
      } catch (e) {
        msg = (e as Error).message;
      }
      assertEquals(msg, "ERR min or max is not a float");
      assertEquals(await r.bzpopmin("nokey", 0.05), null);
    } finally {
      r.disconnect();
    }
  });
});
