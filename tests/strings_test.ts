/**
 * End-to-end tests of the string family through real clients (node-redis 5, ioredis) and a raw
 * RESP connection, against a started server.
 */
import { Buffer } from "node:buffer";
import { createClient, RESP_TYPES } from "redis";
import { Redis } from "ioredis";
import { assert, assertEquals, assertMatch } from "../src/testing/assert.ts";
import { RespConn, RespError, type RunningServer, startServer } from "./helpers.ts";
import type { RespValue } from "../src/protocol/decode.ts";

/** The promise rejects with an error whose message matches. */
async function rejectsWith(fn: () => Promise<unknown>, re: RegExp): Promise<void> {
  try {
    await fn();
  } catch (e) {
    assertMatch((e as Error).message, re);
    return;
  }
  throw new Error(`expected a rejection matching ${re}`);
}

function allBytes(): Buffer {
  const b = Buffer.alloc(256);
  for (let i = 0; i < 256; i++) b[i] = i;
  return b;
}

async function withServer(fn: (s: RunningServer) => Promise<void>): Promise<void> {
  const s = await startServer();
  try {
    await fn(s);
  } finally {
    await s.stop();
  }
}

Deno.test("e2e node-redis: string commands, options and errors", async () => {
  await withServer(async (s) => {
    const client = createClient({ socket: { host: "127.0.0.1", port: s.port } });
    client.on("error", () => {});
    await client.connect();
    try {
      assertEquals(await client.set("k", "v"), "OK");
      assertEquals(await client.get("k"), "v");
      assertEquals(await client.set("k", "w", { condition: "NX" }), null);
      assertEquals(await client.set("k", "w", { condition: "XX", GET: true }), "v");
      assertEquals(await client.set("e", "1", { expiration: { type: "EX", value: 100 } }), "OK");
      assertEquals(await client.setNX("k", "x"), 0);
      assertEquals(await client.setEx("s", 100, "v"), "OK");
      assertEquals(await client.pSetEx("p", 100000, "v"), "OK");
      assertEquals(await client.getSet("k", "z"), "w");
      assertEquals(await client.getEx("k", { type: "PERSIST" }), "z");
      assertEquals(await client.getDel("k"), "z");
      assertEquals(await client.get("k"), null);
      assertEquals(await client.mSet({ a: "1", b: "2" }), "OK");
      assertEquals(await client.mGet(["a", "b", "c"]), ["1", "2", null]);
      assertEquals<unknown>(await client.mSetNX({ a: "3", c: "4" }), 0);
      assertEquals(await client.incr("a"), 2);
      assertEquals(await client.incrBy("a", 10), 12);
      assertEquals(await client.decr("a"), 11);
      assertEquals(await client.decrBy("a", 20), -9);
      assertEquals(await client.incrByFloat("f", 10.5), "10.5");
      assertEquals(await client.incrByFloat("f", 0.1), "10.6");
      assertEquals(await client.append("b", "xyz"), 4);
      assertEquals(await client.strLen("b"), 4);
      assertEquals(await client.getRange("b", 1, -2), "xy");
      assertEquals(await client.setRange("b", 6, "!"), 7);
      assertEquals(await client.get("b"), "2xyz\x00\x00!");
      await client.mSet({ l1: "ohmytext", l2: "mynewtext" });
      assertEquals(await client.lcs("l1", "l2"), "mytext");
      assertEquals(await client.lcsLen("l1", "l2"), 6);
      const idx = await client.lcsIdxWithMatchLen("l1", "l2");
      assertEquals(JSON.parse(JSON.stringify(idx)), {
        matches: [[[4, 7], [5, 8], 4], [[2, 3], [0, 1], 2]],
        len: 6,
      });
      await rejectsWith(() => client.incr("b"), /ERR value is not an integer or out of range/);
      await rejectsWith(
        () => client.sendCommand(["SET", "k", "v", "EX", "0"]),
        /ERR invalid expire time in 'set' command/,
      );
      await rejectsWith(() => client.sendCommand(["SET", "k", "v", "NX", "XX"]), /syntax error/);
      await rejectsWith(
        () => client.sendCommand(["MSET", "a", "1", "b"]),
        /wrong number of arguments for 'mset' command/,
      );
    } finally {
      await client.close();
    }
  });
});

Deno.test("e2e node-redis: binary-safe keys and values, pipelined batch", async () => {
  await withServer(async (s) => {
    const client = createClient({ socket: { host: "127.0.0.1", port: s.port } });
    client.on("error", () => {});
    await client.connect();
    const bin = client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
    try {
      const all = allBytes();
      assertEquals(await bin.set(all, all), "OK");
      const got = await bin.get(all);
      assert(Buffer.isBuffer(got));
      assertEquals(Buffer.compare(got as Buffer, all), 0);
      assertEquals(await bin.append(all, Buffer.from([0, 255])), 258);
      const ranged = await bin.getRange(all, 254, -1);
      assertEquals([...(ranged as Buffer)], [254, 255, 0, 255]);
      // One write of 200 commands, replies in order.
      const multi = client.multi();
      for (let i = 0; i < 100; i++) multi.set(`pk${i}`, String(i)).incr(`pk${i}`);
      const replies = (await multi.execAsPipeline()) as unknown[];
      assertEquals(replies.length, 200);
      for (let i = 0; i < 100; i++) {
        assertEquals(replies[2 * i], "OK");
        assertEquals(replies[2 * i + 1], i + 1);
      }
      const keys = Array.from({ length: 100 }, (_, i) => `pk${i}`);
      assertEquals(await client.mGet(keys), keys.map((_, i) => String(i + 1)));
    } finally {
      await client.close();
    }
  });
});

Deno.test("e2e ioredis: commands, Buffers with every byte, pipeline", async () => {
  await withServer(async (s) => {
    // No ready check: it sends INFO, which belongs to another family.
    const r = new Redis({ host: "127.0.0.1", port: s.port, enableReadyCheck: false });
    try {
      assertEquals(await r.set("k", "v", "EX", 100, "GET"), null);
      assertEquals(await r.get("k"), "v");
      assertEquals(await r.incrbyfloat("n", "0.1"), "0.1");
      assertEquals(await r.incrbyfloat("n", "0.2"), "0.3");
      assertEquals(await r.incrby("i", "9007199254740993"), 9007199254740992); // JS number
      assertEquals(await r.get("i"), "9007199254740993");
      assertEquals(await r.getex("k", "PX", 5000), "v");
      assertEquals(await r.strlen("k"), 1);
      assertEquals(await r.lcs("k", "k"), "v");
      await rejectsWith(() => r.call("GETEX", "k", "EX"), /syntax error/);
      await rejectsWith(
        () => r.incrbyfloat("n", "abc"),
        /ERR value is not a valid float/,
      );
      await rejectsWith(
        () => r.setrange("k", -1, "x"),
        /ERR offset is out of range/,
      );

      const all = allBytes();
      const key = Buffer.concat([Buffer.from("bin:"), all]);
      assertEquals(await r.set(key, all), "OK");
      const got = await r.getBuffer(key);
      assertEquals(Buffer.compare(got!, all), 0);
      assertEquals(await r.setrange(key, 256, Buffer.from([0xff, 0x00])), 258);
      const tail = await r.getrangeBuffer(key, -3, -1);
      assertEquals([...tail], [255, 255, 0]);
      const mget = await r.mgetBuffer(key, "nokey");
      assertEquals(mget[1], null);
      assertEquals(mget[0]!.length, 258);

      const p = r.pipeline();
      for (let i = 0; i < 50; i++) p.set(`q${i}`, i).incrby(`q${i}`, 10).get(`q${i}`);
      p.incr("k"); // an error inside the batch
      const res = (await p.exec())!;
      assertEquals(res.length, 151);
      for (let i = 0; i < 50; i++) {
        assertEquals(res[3 * i], [null, "OK"]);
        assertEquals(res[3 * i + 1], [null, i + 10]);
        assertEquals(res[3 * i + 2], [null, String(i + 10)]);
      }
      assertEquals((res[150][0] as Error).message, "ERR value is not an integer or out of range");
    } finally {
      await r.quit();
      r.disconnect();
    }
  });
});

Deno.test("e2e raw RESP: exact int64 replies, INCRBYFLOAT text, LCS map in RESP3", async () => {
  await withServer(async (s) => {
    const c = await RespConn.connect(s.port);
    try {
      await c.write("*3\r\n$6\r\nINCRBY\r\n$3\r\nbig\r\n$19\r\n9223372036854775807\r\n");
      assertEquals(await c.read(), 9223372036854775807);
      assertEquals(await c.send("GET", "big"), "9223372036854775807");
      assertEquals(
        await c.send("INCR", "big"),
        new RespError("ERR increment or decrement would overflow"),
      );
      assertEquals(await c.send("SET", "f", "1.5e308"), "OK");
      const v = await c.send("INCRBYFLOAT", "f", "0");
      assertEquals((v as string).length, 309);
      assert((v as string).startsWith("1499999999999999999999014764894684"));
      // A pipelined batch in one write, replies in order.
      await c.write(
        "SET p 1\r\nINCRBYFLOAT p 0.1\r\nINCRBYFLOAT p 0.2\r\nGETRANGE p 0 0\r\nSTRLEN p\r\n",
      );
      const batch = [];
      for (let i = 0; i < 5; i++) batch.push(await c.read());
      assertEquals(batch, ["OK", "1.1", "1.3", "1", 3]);
      await c.send("MSET", "a", "ohmytext", "b", "mynewtext");
      await c.send("HELLO", "3");
      const m = await c.send("LCS", "a", "b", "IDX", "MINMATCHLEN", "3");
      assertEquals(m, new Map<RespValue, RespValue>([["matches", [[[4, 7], [5, 8]]]], ["len", 6]]));
      assertEquals(await c.send("GET", "nokey"), null);
    } finally {
      c.close();
    }
  });
});
