/**
 * End-to-end tests of the set family through real clients (node-redis 5, ioredis) and a raw RESP
 * connection, against a started server.
 */
import { Buffer } from "node:buffer";
import { createClient, RESP_TYPES } from "redis";
import { Redis } from "ioredis";
import { assert, assertEquals, assertMatch } from "../src/testing/assert.ts";
import { RespConn, RespError, type RunningServer, startServer } from "./helpers.ts";
import { RespSet } from "../src/protocol/decode.ts";

async function withServer(fn: (s: RunningServer) => Promise<void>): Promise<void> {
  const s = await startServer();
  try {
    await fn(s);
  } finally {
    await s.stop();
  }
}

const sorted = (xs: string[]) => [...xs].sort();

Deno.test("e2e node-redis: set commands, encodings, binary members", async () => {
  await withServer(async (s) => {
    const client = createClient({ socket: { host: "127.0.0.1", port: s.port } });
    client.on("error", () => {});
    await client.connect();
    try {
      assertEquals(await client.sAdd("s", ["3", "1", "2", "1"]), 3);
      assertEquals(await client.sMembers("s"), ["1", "2", "3"]);
      assertEquals(await client.objectEncoding("s"), "intset");
      assertEquals(await client.sCard("s"), 3);
      assertEquals(await client.sIsMember("s", "2"), 1);
      assertEquals(await client.smIsMember("s", ["2", "9"]), [1, 0]);
      assertEquals(await client.sAdd("t", ["3", "4", "x"]), 3);
      assertEquals(await client.objectEncoding("t"), "hashtable");
      assertEquals(await client.sInter(["s", "t"]), ["3"]);
      assertEquals(await client.sInterCard(["s", "t"]), 1);
      assertEquals(await client.sInterCard(["s", "t"], { LIMIT: 1 }), 1);
      assertEquals(sorted(await client.sUnion(["s", "t"])), ["1", "2", "3", "4", "x"]);
      assertEquals(await client.sDiff(["s", "t"]), ["1", "2"]);
      assertEquals(await client.sDiffStore("d", ["s", "t"]), 2);
      assertEquals(await client.sUnionStore("u", ["s", "t"]), 5);
      assertEquals(await client.sInterStore("i", ["s", "nokey"]), 0);
      assertEquals(await client.exists("i"), 0);
      assertEquals(await client.sMove("s", "t", "1"), 1);
      assertEquals(await client.sRem("s", ["2", "3"]), 2);
      assertEquals(await client.exists("s"), 0);
      const popped = await client.sPop("u");
      assert(typeof popped === "string");
      assertEquals((await client.sPopCount("u", 10)).length, 4);
      assertEquals(await client.exists("u"), 0);
      assertEquals((await client.sRandMemberCount("t", -7)).length, 7);
      assert((await client.sMembers("t")).includes((await client.sRandMember("t")) as string));
      const members = Array.from({ length: 500 }, (_, i) => "m" + i);
      await client.sAdd("big", members);
      const seen = new Set<string>();
      for await (const batch of client.sScanIterator("big", { COUNT: 50 })) {
        for (const m of batch) seen.add(m);
      }
      assertEquals(seen.size, 500);
      const bin = client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
      const all = Buffer.alloc(256);
      for (let i = 0; i < 256; i++) all[i] = i;
      assertEquals(await bin.sAdd("b", [all, Buffer.from([0])]), 2);
      assertEquals(await bin.sIsMember("b", all), 1);
      const got = (await bin.sMembers("b")) as unknown as Buffer[];
      assert(got.some((m) => Buffer.compare(m, all) === 0));
      await client.set("str", "v");
      try {
        await client.sAdd("str", "a");
        throw new Error("expected WRONGTYPE");
      } catch (e) {
        assertMatch((e as Error).message, /^WRONGTYPE/);
      }
    } finally {
      await client.close();
    }
  });
});

Deno.test("e2e ioredis: set commands and a pipeline", async () => {
  await withServer(async (s) => {
    const r = new Redis({ host: "127.0.0.1", port: s.port, enableReadyCheck: false });
    try {
      assertEquals(await r.sadd("k", "a", "b", "c"), 3);
      assertEquals(sorted(await r.smembers("k")), ["a", "b", "c"]);
      assertEquals(await r.sismember("k", "a"), 1);
      assertEquals(await r.smismember("k", "a", "z"), [1, 0]);
      assertEquals(await r.scard("k"), 3);
      assertEquals(await r.srandmember("k", 0), []);
      assertEquals(sorted(await r.srandmember("k", 5)), ["a", "b", "c"]);
      assertEquals(await r.sintercard(1, "k", "LIMIT", 2), 2);
      const [cursor, items] = await r.sscan("k", 0, "MATCH", "[ab]");
      assertEquals(cursor, "0");
      assertEquals(sorted(items), ["a", "b"]);
      const p = r.pipeline();
      for (let i = 0; i < 50; i++) p.sadd("p", String(i));
      p.scard("p").spop("p", 10).scard("p").sadd("p", "x").object("ENCODING", "p");
      const res = (await p.exec()) as [Error | null, unknown][];
      assertEquals(res[50][1], 50);
      assertEquals((res[51][1] as string[]).length, 10);
      assertEquals(res[52][1], 40);
      assertEquals(res[54][1], "hashtable");
      await r.set("str", "v");
      await r.sinter("k", "str").then(
        () => {
          throw new Error("expected WRONGTYPE");
        },
        (e: Error) => assertMatch(e.message, /^WRONGTYPE/),
      );
    } finally {
      await r.quit();
      r.disconnect();
    }
  });
});

Deno.test("e2e raw RESP: exact replies and RESP3 sets", async () => {
  await withServer(async (s) => {
    const c = await RespConn.connect(s.port);
    try {
      assertEquals(await c.send("SADD", "i", "5", "-3", "10"), 3);
      assertEquals(await c.send("SMEMBERS", "i"), ["-3", "5", "10"]);
      assertEquals(await c.send("SSCAN", "i", "0", "COUNT", "1"), ["0", ["-3", "5", "10"]]);
      assertEquals(
        await c.send("SRANDMEMBER", "i", "-9223372036854775808"),
        new RespError(
          "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
        ),
      );
      assertEquals(
        await c.send("SINTERCARD", "0", "i"),
        new RespError("ERR numkeys should be greater than 0"),
      );
      assertEquals(await c.send("HELLO", "3") !== null, true);
      await c.write("*2\r\n$8\r\nSMEMBERS\r\n$6\r\nnokey!\r\n");
      assertEquals(await c.read(), new RespSet([]));
      assertEquals(await c.send("SMEMBERS", "i"), new RespSet(["-3", "5", "10"]));
    } finally {
      c.close();
    }
  });
});
