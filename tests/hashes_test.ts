/**
 * End-to-end tests of the hash family and SORT through real clients (node-redis 5, ioredis) and a
 * raw RESP connection, against a started server.
 */
import { createClient } from "redis";
import { Redis } from "ioredis";
import { assert, assertEquals } from "../src/testing/assert.ts";
import { RespConn, RespError, type RunningServer, startServer } from "./helpers.ts";

async function withServer(fn: (s: RunningServer) => Promise<void>): Promise<void> {
  const s = await startServer();
  try {
    await fn(s);
  } finally {
    await s.stop();
  }
}

Deno.test("e2e node-redis: hash commands", async () => {
  await withServer(async (s) => {
    const client = createClient({ socket: { host: "127.0.0.1", port: s.port } });
    client.on("error", () => {});
    await client.connect();
    try {
      assertEquals(await client.hSet("h", { a: "1", b: "2" }), 2);
      assertEquals(await client.hSet("h", "c", "3"), 1);
      assertEquals(await client.hGet("h", "a"), "1");
      assertEquals(await client.hGet("h", "zz"), null);
      assertEquals(await client.hmGet("h", ["a", "zz", "c"]), ["1", null, "3"]);
      assertEquals({ ...(await client.hGetAll("h")) }, { a: "1", b: "2", c: "3" });
      assertEquals(await client.hKeys("h"), ["a", "b", "c"]);
      assertEquals(await client.hVals("h"), ["1", "2", "3"]);
      assertEquals(await client.hLen("h"), 3);
      assertEquals(await client.hExists("h", "a"), 1);
      assertEquals(await client.hStrLen("h", "a") as unknown, 1);
      assertEquals(await client.hSetNX("h", "a", "x"), 0);
      assertEquals(await client.hIncrBy("h", "n", 5), 5);
      assertEquals(await client.hIncrByFloat("h", "f", 1.5), "1.5");
      const scan = await client.hScan("h", "0");
      assertEquals(scan.cursor, "0");
      assertEquals(scan.entries.length, 5);
      const r = await client.hRandField("h");
      assert(typeof r === "string");
      assertEquals((await client.hRandFieldCount("h", 2)).length, 2);
      assertEquals(await client.hDel("h", ["a", "b", "c", "n", "f"]), 5);
      assertEquals(await client.exists("h"), 0);
      await client.set("str", "x");
      let msg = "";
      try {
        await client.hGet("str", "a");
      } catch (e) {
        msg = (e as Error).message;
      }
      assertEquals(msg, "WRONGTYPE Operation against a key holding the wrong kind of value");
      await client.sAdd("s", ["3", "1", "2"]);
      await client.mSet({ w_1: "30", w_2: "20", w_3: "10" });
      assertEquals(await client.sort("s"), ["1", "2", "3"]);
      assertEquals(await client.sort("s", { BY: "w_*" }), ["3", "2", "1"]);
      assertEquals(
        await client.sort("s", { BY: "w_*", GET: ["#", "w_*"], DIRECTION: "DESC" }),
        ["1", "30", "2", "20", "3", "10"],
      );
      assertEquals(await client.sortRo("s", { LIMIT: { offset: 1, count: 1 } }), ["2"]);
    } finally {
      await client.close();
    }
  });
});

Deno.test("e2e ioredis: hash commands, RESP3 HRANDFIELD and HGETALL through raw RESP", async () => {
  await withServer(async (s) => {
    const io = new Redis({ host: "127.0.0.1", port: s.port, lazyConnect: true });
    await io.connect();
    try {
      assertEquals(await io.hset("h", "a", "1", "b", "2"), 2);
      assertEquals(await io.hmset("h", { c: "3" }), "OK");
      assertEquals(await io.hgetall("h"), { a: "1", b: "2", c: "3" });
      assertEquals(await io.hincrby("h", "a", 10), 11);
      assertEquals(await io.hincrbyfloat("h", "a", "0.5"), "11.5");
      const rv = await io.hrandfield("h", -5, "WITHVALUES") as string[];
      assertEquals(rv.length, 10);
      assertEquals(await io.hdel("h", "a"), 1);
      assertEquals(await io.hscan("h", "0", "MATCH", "b"), ["0", ["b", "2"]]);
      // SORT of a list BY hash fields, GET, STORE into a list.
      await io.rpush("l", "3", "1", "2");
      await io.hset("o_1", "w", "9");
      await io.hset("o_2", "w", "8");
      await io.hset("o_3", "w", "7");
      assertEquals(await io.sort("l", "BY", "o_*->w", "GET", "#", "GET", "o_*->w"), [
        "3",
        "7",
        "2",
        "8",
        "1",
        "9",
      ]);
      assertEquals(await io.sort("l", "BY", "nosort", "DESC", "STORE", "dst"), 3);
      assertEquals(await io.lrange("dst", 0, -1), ["2", "1", "3"]);
      assertEquals(await io.sort("l", "ALPHA", "LIMIT", "0", "2"), ["1", "2"]);
      assertEquals(await io.sort_ro("l", "DESC"), ["3", "2", "1"]);
      const buf = await io.hgetBuffer("h", "b");
      assertEquals(buf?.toString(), "2");
    } finally {
      io.disconnect();
    }
    const raw = await RespConn.connect(s.port);
    try {
      await raw.send("HELLO", "3");
      const m = await raw.send("HGETALL", "h");
      assert(m instanceof Map);
      assertEquals((m as Map<unknown, unknown>).get("b"), "2");
      const pairs = await raw.send("HRANDFIELD", "h", "-3", "WITHVALUES") as unknown[];
      assertEquals(pairs.length, 3);
      for (const p of pairs) assertEquals((p as unknown[]).length, 2);
      assertEquals(await raw.send("HGETALL", "nokey"), new Map());
      const e = await raw.send("HINCRBY", "h", "b", "x");
      assert(e instanceof RespError);
    } finally {
      raw.conn.close();
    }
  });
});
