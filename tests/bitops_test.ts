/**
 * End-to-end tests of the bitmap family through node-redis and ioredis, and a randomized
 * comparison with redis-server when it is installed (same commands, same replies).
 */
import { Buffer } from "node:buffer";
import { createClient } from "redis";
import { Redis } from "ioredis";
import { assert, assertEquals, assertMatch } from "../src/testing/assert.ts";
import { RespConn, type RunningServer, startServer } from "./helpers.ts";

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

Deno.test("e2e node-redis: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP", async () => {
  await withServer(async (s) => {
    const client = createClient({ socket: { host: "127.0.0.1", port: s.port } });
    client.on("error", () => {});
    await client.connect();
    try {
      assertEquals(await client.setBit("b", 7, 1), 0);
      assertEquals(await client.setBit("b", 7, 1), 1);
      assertEquals(await client.get("b"), "\x01");
      assertEquals(await client.getBit("b", 7), 1);
      assertEquals(await client.getBit("b", 100), 0);
      assertEquals(await client.getBit("nokey", 0), 0);
      await client.set("s", "foobar");
      assertEquals(await client.bitCount("s"), 26);
      assertEquals(await client.bitCount("s", { start: 1, end: 1 }), 6);
      assertEquals(await client.bitCount("s", { start: 5, end: 30, mode: "BIT" }), 17);
      assertEquals(await client.bitCount("s", { start: -2, end: -1 }), 7);
      await client.set("p", Buffer.from([0xff, 0xf0, 0x00]));
      assertEquals(await client.bitPos("p", 0), 12);
      assertEquals(await client.bitPos("p", 1, 2), -1);
      assertEquals(await client.bitPos("p", 0, 2, -1), 16);
      assertEquals(await client.bitPos("p", 1, 7, 15, "BIT"), 7);
      await client.set("allones", Buffer.from([0xff, 0xff]));
      assertEquals(await client.bitPos("allones", 0), 16);
      assertEquals(await client.bitPos("allones", 0, 0, -1), -1);
      await client.set("x", "abc");
      await client.set("y", "AB");
      assertEquals(await client.bitOp("AND", "d", ["x", "y"]), 3);
      assertEquals(await client.get("d"), "AB\0");
      assertEquals(await client.bitOp("XOR", "d", ["x", "y"]), 3);
      assertEquals(await client.get("d"), "  c");
      assertEquals(await client.bitOp("NOT", "d", "y"), 2);
      assertEquals(await client.bitOp("OR", "d", ["none1", "none2"]), 0);
      assertEquals(await client.exists("d"), 0);
      await rejectsWith(() => client.setBit("b", -1, 1), /^ERR bit offset is not an integer/);
      await rejectsWith(() => client.setBit("b", 4294967296 * 8, 1), /^ERR bit offset/);
      await rejectsWith(() => client.setBit("b", 1, 2 as 1), /^ERR bit is not an integer/);
      await rejectsWith(() => client.bitPos("s", 2 as 1), /The bit argument must be 1 or 0/);
      await client.lPush("l", "x");
      await rejectsWith(() => client.bitCount("l"), /^WRONGTYPE/);
      await rejectsWith(() => client.bitOp("NOT", "d", ["x", "y"]), /single source key/);
      // A big bitmap: BITCOUNT through the kernel, SETBIT keeps it current.
      await client.setBit("big", 8 * 1024 * 1024 - 1, 1);
      assertEquals(await client.bitCount("big"), 1);
      await client.setBit("big", 12345, 1);
      assertEquals(await client.bitCount("big"), 2);
      assertEquals(await client.bitPos("big", 1), 12345);
    } finally {
      await client.close();
    }
  });
});

Deno.test("e2e ioredis: BITFIELD, BITFIELD_RO, events and TTL", async () => {
  await withServer(async (s) => {
    const r = new Redis({ port: s.port, host: "127.0.0.1" });
    const sub = new Redis({ port: s.port, host: "127.0.0.1" });
    try {
      await r.config("SET", "notify-keyspace-events", "KEA");
      const events: string[] = [];
      sub.on("pmessage", (_p: string, ch: string, msg: string) => events.push(`${ch} ${msg}`));
      await sub.psubscribe("__keyspace@0__:*");
      assertEquals<unknown>(await r.call("BITFIELD", "bf", "SET", "i8", 0, 100, "GET", "i8", 0), [
        0,
        100,
      ]);
      assertEquals<unknown>(await r.call("BITFIELD", "bf", "INCRBY", "i8", 0, 100), [-56]);
      assertEquals<unknown>(
        await r.call("BITFIELD", "bf", "OVERFLOW", "SAT", "INCRBY", "i8", 0, -200),
        [-128],
      );
      assertEquals<unknown>(
        await r.call("BITFIELD", "bf", "OVERFLOW", "FAIL", "INCRBY", "i8", 0, -1),
        [null],
      );
      assertEquals<unknown>(
        await r.call("BITFIELD", "bf", "SET", "u8", "#1", 255, "GET", "u8", 8),
        [0, 255],
      );
      assertEquals<unknown>(
        await r.call("BITFIELD", "bf", "SET", "i64", 64, "-9223372036854775808"),
        [0],
      );
      // (ioredis reads integers as doubles: check the bytes instead of the reply)
      assertEquals([...(await r.getrangeBuffer("bf", 8, 15))], [0x80, 0, 0, 0, 0, 0, 0, 0]);
      await r.call("BITFIELD", "bf", "SET", "u63", 0, 5);
      assertEquals<unknown>(await r.call("BITFIELD", "bf", "SET", "u63", 0, 7, "GET", "u63", 0), [
        5,
        7,
      ]);
      assertEquals<unknown>(await r.call("BITFIELD_RO", "bf", "GET", "u4", 0, "GET", "u4", 59), [
        0,
        7,
      ]);
      await rejectsWith(
        () => r.call("BITFIELD_RO", "bf", "SET", "u4", 0, 1),
        /only supports the GET/,
      );
      await rejectsWith(() => r.call("BITFIELD", "bf", "GET", "u64", 0), /Invalid bitfield type/);
      await rejectsWith(
        () => r.call("BITFIELD", "bf", "OVERFLOW", "NOPE"),
        /Invalid OVERFLOW type/,
      );
      await r.set("t", "x", "EX", 1000);
      await r.setbit("t", 100, 1);
      assert((await r.ttl("t")) > 900);
      await r.set("a", "1");
      await r.bitop("OR", "dest", "a");
      await r.bitop("AND", "dest", "missing");
      await new Promise((res) => setTimeout(res, 100));
      for (const e of ["bf setbit", "t setbit", "dest set", "dest del"]) {
        assert(events.includes(`__keyspace@0__:${e}`), `${e} in ${events.join(",")}`);
      }
    } finally {
      r.disconnect();
      sub.disconnect();
    }
  });
});

Deno.test("randomized against redis-server: bitmap commands give the same replies", async () => {
  let redis: Deno.ChildProcess;
  const port = 17600 + Math.floor(Math.random() * 100);
  try {
    redis = new Deno.Command("redis-server", {
      args: ["--port", String(port), "--save", "", "--appendonly", "no", "--bind", "127.0.0.1"],
      stdout: "null",
      stderr: "null",
    }).spawn();
  } catch {
    console.log("redis-server not installed: skipped");
    return;
  }
  const rexis = await startServer();
  let a: RespConn | null = null, b: RespConn | null = null;
  try {
    for (let i = 0; i < 100 && a === null; i++) {
      try {
        a = await RespConn.connect(port);
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    b = await RespConn.connect(rexis.port);
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const keys = ["k1", "k2", "k3"];
    const num = () => String(rnd(3) === 0 ? -rnd(40) : rnd(300));
    const type = () => (rnd(2) ? "i" : "u") + String(1 + rnd(rnd(4) === 0 ? 64 : 16));
    for (let i = 0; i < 3000; i++) {
      const k = keys[rnd(3)];
      const ops: (string | number)[][] = [
        ["SETBIT", k, rnd(600), rnd(2)],
        ["GETBIT", k, rnd(700)],
        ["BITCOUNT", k],
        ["BITCOUNT", k, num(), num(), rnd(2) ? "BIT" : "BYTE"],
        ["BITPOS", k, rnd(2)],
        ["BITPOS", k, rnd(2), num()],
        ["BITPOS", k, rnd(2), num(), num(), rnd(2) ? "BIT" : "BYTE"],
        ["BITOP", ["AND", "OR", "XOR"][rnd(3)], keys[rnd(3)], k, keys[rnd(3)]],
        ["BITOP", "NOT", keys[rnd(3)], k],
        [
          "BITFIELD",
          k,
          "OVERFLOW",
          ["WRAP", "SAT", "FAIL"][rnd(3)],
          ["SET", "INCRBY"][rnd(2)],
          type(),
          rnd(5) ? rnd(200) : `#${rnd(10)}`,
          String(rnd(2) ? -rnd(1 << 20) : rnd(1 << 30)) + (rnd(8) === 0 ? "123456789" : ""),
          "GET",
          type(),
          rnd(300),
        ],
        ["SET", k, String(rnd(100000))],
        ["GET", k],
      ];
      const cmd = ops[rnd(ops.length)];
      const ra = await a!.send(...cmd).catch((e) => `error: ${e.message}`);
      const rb = await b.send(...cmd).catch((e) => `error: ${e.message}`);
      assertEquals(rb, ra, `after ${i}: ${cmd.join(" ")}`);
    }
  } finally {
    a?.close();
    b?.close();
    await rexis.stop();
    redis!.kill("SIGKILL");
    await redis!.status;
  }
});
