/**
 * End-to-end tests of the HyperLogLog family through node-redis and ioredis, and interop with
 * redis-server when it is installed: a value written by Redis's PFADD counts the same in Rexis and
 * the reverse, and COMMAND INFO/DOCS are byte-identical.
 */
import { Buffer } from "node:buffer";
import { createClient, RESP_TYPES } from "redis";
import { Redis } from "ioredis";
import { assert, assertEquals, assertMatch } from "../src/testing/assert.ts";
import { freePort, RespConn, type RunningServer, startServer } from "./helpers.ts";

async function withServer(fn: (s: RunningServer) => Promise<void>): Promise<void> {
  const s = await startServer();
  try {
    await fn(s);
  } finally {
    await s.stop();
  }
}

async function rejectsWith(fn: () => Promise<unknown>, re: RegExp): Promise<void> {
  try {
    await fn();
  } catch (e) {
    assertMatch((e as Error).message, re);
    return;
  }
  throw new Error(`expected a rejection matching ${re}`);
}

Deno.test("e2e node-redis: PFADD, PFCOUNT, PFMERGE, errors", async () => {
  await withServer(async (s) => {
    const client = createClient({ socket: { host: "127.0.0.1", port: s.port } });
    client.on("error", () => {});
    await client.connect();
    try {
      assertEquals(await client.pfAdd("h", ["a", "b", "c"]), 1);
      assertEquals(await client.pfAdd("h", ["a"]), 0);
      assertEquals(await client.pfCount("h"), 3);
      const many = Array.from({ length: 5000 }, (_, i) => `m${i}`);
      assertEquals(await client.pfAdd("big", many), 1);
      const c = await client.pfCount("big");
      assert(Math.abs(c - 5000) < 150, `count ${c}`);
      assertEquals<unknown>(await client.sendCommand(["PFDEBUG", "ENCODING", "big"]), "dense");
      assertEquals<unknown>(await client.sendCommand(["PFDEBUG", "ENCODING", "h"]), "sparse");
      assertEquals(await client.pfMerge("u", ["h", "big", "missing"]), "OK");
      const u = await client.pfCount("u");
      assert(Math.abs(u - 5003) < 150, `union ${u}`);
      assertEquals(await client.pfCount(["h", "big"]), u);
      await client.set("str", "not an hll value");
      await rejectsWith(() => client.pfCount("str"), /^WRONGTYPE Key is not a valid HyperLogLog/);
      await client.lPush("list", "x");
      await rejectsWith(() => client.pfAdd("list", ["x"]), /^WRONGTYPE Operation against a key/);
      // A corrupt sparse value: one more register than there are.
      const bytes = await client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer }).get("h");
      const bad = Buffer.concat([bytes as unknown as Buffer, Buffer.from([0x3f])]);
      bad[15] |= 0x80; // cache invalid, or PFCOUNT answers from the header
      await client.set("bad", bad);
      await rejectsWith(() => client.pfCount("bad"), /^INVALIDOBJ Corrupted HLL object detected/);
      await rejectsWith(() => client.pfCount(["bad", "h"]), /^INVALIDOBJ/);
      assertEquals(await client.ping(), "PONG");
    } finally {
      await client.close();
    }
  });
});

Deno.test("e2e ioredis: the cached cardinality, PFDEBUG, PFSELFTEST, keyspace events", async () => {
  await withServer(async (s) => {
    const r = new Redis({ port: s.port, host: "127.0.0.1", lazyConnect: true });
    const sub = new Redis({ port: s.port, host: "127.0.0.1", lazyConnect: true });
    await r.connect();
    await sub.connect();
    try {
      await r.config("SET", "notify-keyspace-events", "KEA");
      const events: string[] = [];
      sub.on("pmessage", (_p: string, ch: string, msg: string) => events.push(`${ch} ${msg}`));
      await sub.psubscribe("__keyspace@0__:*");
      assertEquals(await r.pfadd("h", "x", "y"), 1);
      // The cache is invalid after PFADD (bit 7 of byte 15), valid after PFCOUNT.
      assertEquals((await r.getrangeBuffer("h", 15, 15))[0] & 0x80, 0x80);
      assertEquals(await r.pfcount("h"), 2);
      assertEquals((await r.getrangeBuffer("h", 15, 15))[0] & 0x80, 0);
      assertEquals(await r.call("PFDEBUG", "DECODE", "h"), "Z:14932 v:3,1 Z:1441 v:2,1 z:9");
      assertEquals(await r.call("PFDEBUG", "TODENSE", "h"), 1);
      assertEquals(await r.call("PFDEBUG", "TODENSE", "h"), 0);
      const regs = (await r.call("PFDEBUG", "GETREG", "h")) as number[];
      assertEquals(regs.length, 16384);
      assertEquals(regs.filter((x) => x !== 0).length, 2);
      await rejectsWith(() => r.call("PFDEBUG", "NOPE", "h"), /Unknown PFDEBUG subcommand 'NOPE'/);
      await rejectsWith(() => r.call("PFDEBUG", "ENCODING", "nokey"), /does not exist/);
      assertEquals(await r.call("CONFIG", "GET", "hll-sparse-max-bytes"), [
        "hll-sparse-max-bytes",
        "3000",
      ]);
      assertEquals(await r.call("CONFIG", "SET", "hll-sparse-max-bytes", "0"), "OK");
      await r.pfadd("d", "one");
      assertEquals(await r.call("PFDEBUG", "ENCODING", "d"), "dense");
      assertEquals(await r.call("PFSELFTEST"), "OK");
      await r.pfmerge("m", "h", "d");
      await new Promise((res) => setTimeout(res, 100));
      assert(events.includes("__keyspace@0__:h pfadd"), events.join(","));
      assert(events.includes("__keyspace@0__:m pfadd"), events.join(","));
    } finally {
      r.disconnect();
      sub.disconnect();
    }
  });
});

/** Start redis-server on a free port in 17600-17699; null when it is not installed. */
async function startRedis(): Promise<{ port: number; stop(): Promise<void> } | null> {
  let port = 0;
  for (let p = 17600 + Math.floor(Math.random() * 100), i = 0; i < 100; i++, p++) {
    const q = 17600 + ((p - 17600) % 100);
    try {
      Deno.listen({ hostname: "127.0.0.1", port: q }).close();
      port = q;
      break;
    } catch { /* in use */ }
  }
  if (!port) port = freePort();
  let proc: Deno.ChildProcess;
  try {
    proc = new Deno.Command("redis-server", {
      args: ["--port", String(port), "--save", "", "--appendonly", "no", "--bind", "127.0.0.1"],
      stdout: "null",
      stderr: "null",
    }).spawn();
  } catch {
    return null;
  }
  for (let i = 0; i < 100; i++) {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    port,
    async stop() {
      proc.kill("SIGKILL");
      await proc.status;
    },
  };
}

Deno.test("interop with redis-server: HLL values, COMMAND INFO/DOCS/GETKEYSANDFLAGS", async (t) => {
  const redis = await startRedis();
  if (redis === null) {
    console.log("redis-server not installed: interop test skipped");
    return;
  }
  const rexis = await startServer();
  const a = new Redis({ port: redis.port, host: "127.0.0.1" });
  const b = new Redis({ port: rexis.port, host: "127.0.0.1" });
  try {
    await t.step("a value written by Redis counts the same in Rexis, and the reverse", async () => {
      for (const n of [3, 200, 3000, 20000]) {
        const els = Array.from({ length: n }, (_, i) => `e${i}\xff${n}`);
        for (let i = 0; i < n; i += 1000) {
          const chunk = els.slice(i, i + 1000).map((e) => Buffer.from(e, "latin1"));
          await a.pfadd(`r${n}`, ...chunk);
          await b.pfadd(`x${n}`, ...chunk);
        }
        const fromRedis = await a.getBuffer(`r${n}`);
        const fromRexis = await b.getBuffer(`x${n}`);
        assert(fromRedis !== null && fromRexis !== null);
        assert(fromRedis.equals(fromRexis), `values differ for ${n} elements`);
        await b.set(`r${n}`, fromRedis);
        await a.set(`x${n}`, fromRexis);
        assertEquals(await b.pfcount(`r${n}`), await a.pfcount(`r${n}`));
        assertEquals(await a.pfcount(`x${n}`), await b.pfcount(`x${n}`));
      }
      assertEquals(await b.pfcount("r3", "r200", "r3000"), await a.pfcount("r3", "r200", "r3000"));
      await a.pfmerge("m", "r3", "r3000", "r20000");
      await b.pfmerge("m", "r3", "r3000", "r20000");
      assert((await a.getBuffer("m"))!.equals((await b.getBuffer("m"))!));
    });
    await t.step("COMMAND INFO and COMMAND DOCS are Redis's, byte for byte", async () => {
      const ra = await RespConn.connect(redis.port);
      const rb = await RespConn.connect(rexis.port);
      try {
        for (
          const name of [
            "setbit",
            "getbit",
            "bitcount",
            "bitpos",
            "bitop",
            "bitfield",
            "bitfield_ro",
            "pfadd",
            "pfcount",
            "pfmerge",
            "pfdebug",
            "pfselftest",
          ]
        ) {
          for (const sub of ["INFO", "DOCS"]) {
            assertEquals(await rb.send("COMMAND", sub, name), await ra.send("COMMAND", sub, name));
          }
        }
        for (
          const argv of [
            ["bitfield", "k", "get", "u8", "0"],
            ["bitfield", "k", "overflow", "sat", "incrby", "u8", "0", "1"],
            ["bitfield_ro", "k", "get", "u8", "0"],
            ["pfcount", "a", "b"],
            ["bitop", "and", "d", "a", "b"],
          ]
        ) {
          const q = ["COMMAND", "GETKEYSANDFLAGS", ...argv];
          assertEquals(await rb.send(...q), await ra.send(...q), argv.join(" "));
        }
      } finally {
        ra.close();
        rb.close();
      }
    });
  } finally {
    a.disconnect();
    b.disconnect();
    await rexis.stop();
    await redis.stop();
  }
});
