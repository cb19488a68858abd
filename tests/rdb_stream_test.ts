/**
 * Streams in RDB files and DUMP payloads against a real redis-server 7.0 (skipped with a message
 * when it is not installed): the same commands on both servers give byte-identical DUMPs where
 * no clock is involved, and RDB files move both ways with identical XINFO STREAM FULL and XRANGE.
 */
import { assert, assertEquals } from "../src/testing/assert.ts";
import { RespConn, startServer } from "./helpers.ts";
import { redisAvailable, startRedis } from "./rdb_redis.ts";
import type { RespValue } from "../src/protocol/decode.ts";

type Cmd = (string | number)[];

/** Streams whose layout does not depend on the clock (no consumers: no seen/delivery times). */
function deterministic(): Cmd[] {
  const c: Cmd[] = [];
  // Several nodes (100 entries each), mostly same fields, some other fields, ints and long values.
  for (let i = 1; i <= 250; i++) {
    if (i % 37 === 0) c.push(["XADD", "s:nodes", `${i}-0`, "other", `x${i}`, "n", i * 1000]);
    else if (i % 53 === 0) c.push(["XADD", "s:nodes", `${i}-0`, "f", "v".repeat(100 + i)]);
    else c.push(["XADD", "s:nodes", `${i}-${i % 3}`, "f", String(i), "g", `val:${i}`]);
  }
  c.push(["XDEL", "s:nodes", "1-1", "5-2", "150-0", "151-1"]);
  // Deleted first entries and an exact trim inside a node; max-deleted-entry-id, entries-added.
  for (let i = 1; i <= 30; i++) c.push(["XADD", "s:trim", `1000-${i}`, "k", `v${i}`]);
  c.push(["XTRIM", "s:trim", "MAXLEN", "=", 17]);
  c.push(["XDEL", "s:trim", "1000-20"]);
  // Groups without consumers, entries-read known and unknown.
  c.push(["XGROUP", "CREATE", "s:trim", "g1", "0"]);
  c.push(["XGROUP", "CREATE", "s:trim", "g2", "1000-25", "ENTRIESREAD", 10]);
  c.push(["XGROUP", "CREATE", "s:trim", "1", "$"]);
  // Empty streams with groups.
  c.push(["XADD", "s:empty", "5-5", "a", "b"]);
  c.push(["XDEL", "s:empty", "5-5"]);
  c.push(["XGROUP", "CREATE", "s:empty", "g", "0"]);
  c.push(["XGROUP", "CREATE", "s:mk", "g", "$", "MKSTREAM"]);
  c.push(["XSETID", "s:mk", "77-7", "ENTRIESADDED", 12, "MAXDELETEDID", "70-0"]);
  // IDs near 2^64: deltas that wrap in int64, seq deltas below zero.
  c.push(["XADD", "s:huge", "1-5", "a", "1"]);
  c.push(["XADD", "s:huge", "9223372036854775809-0", "a", "2"]);
  c.push(["XADD", "s:huge", "18446744073709551615-18446744073709551614", "a", "3"]);
  // Big values (12-bit and 32-bit listpack string lengths) and a node split by bytes.
  c.push(["XADD", "s:big", "1-1", "f", "a".repeat(3000)]);
  c.push(["XADD", "s:big", "1-2", "f", "b".repeat(5000), "h", "-123456789012"]);
  for (let i = 3; i < 40; i++) c.push(["XADD", "s:big", `1-${i}`, "f", "c".repeat(200)]);
  return c;
}

/** Streams with consumers and pending entries (times come from the clock). */
function withConsumers(): Cmd[] {
  const c: Cmd[] = [];
  for (let i = 1; i <= 120; i++) c.push(["XADD", "s:cg", `${i}-1`, "f", i, "g", "x"]);
  c.push(["XGROUP", "CREATE", "s:cg", "workers", "0"]);
  c.push(["XREADGROUP", "GROUP", "workers", "alice", "COUNT", 10, "STREAMS", "s:cg", ">"]);
  c.push(["XREADGROUP", "GROUP", "workers", "bob", "COUNT", 5, "STREAMS", "s:cg", ">"]);
  c.push(["XACK", "s:cg", "workers", "2-1", "3-1", "12-1"]);
  c.push(["XCLAIM", "s:cg", "workers", "bob", 0, "4-1", "5-1"]);
  c.push(["XGROUP", "CREATECONSUMER", "s:cg", "workers", "carol"]);
  c.push(["XGROUP", "CREATE", "s:cg", "late", "100-1"]);
  c.push(["XREADGROUP", "GROUP", "late", "dave", "NOACK", "STREAMS", "s:cg", ">"]);
  c.push(["XDEL", "s:cg", "1-1", "7-1"]);
  c.push(["XADD", "s:cgempty", "1-1", "a", "b"]);
  c.push(["XGROUP", "CREATE", "s:cgempty", "g", "0"]);
  c.push(["XREADGROUP", "GROUP", "g", "eve", "STREAMS", "s:cgempty", ">"]);
  c.push(["XDEL", "s:cgempty", "1-1"]);
  return c;
}

const DET_KEYS = ["s:nodes", "s:trim", "s:empty", "s:mk", "s:huge", "s:big"];
const CG_KEYS = ["s:cg", "s:cgempty"];
const ALL_KEYS = [...DET_KEYS, ...CG_KEYS];

async function run(c: RespConn, cmds: Cmd[]): Promise<void> {
  for (const cmd of cmds) await c.send(...cmd);
}

async function streamState(c: RespConn, key: string): Promise<RespValue[]> {
  return [
    await c.send("XINFO", "STREAM", key, "FULL", "COUNT", 0),
    await c.send("XRANGE", key, "-", "+"),
    await c.send("XREVRANGE", key, "+", "-", "COUNT", 3),
    await c.send("XINFO", "STREAM", key),
  ];
}

async function states(c: RespConn): Promise<Record<string, RespValue[]>> {
  const out: Record<string, RespValue[]> = {};
  for (const k of ALL_KEYS) out[k] = await streamState(c, k);
  return out;
}

/** Appends after a load: they must split nodes as on the server that built the stream. */
function more(): Cmd[] {
  const c: Cmd[] = [];
  for (let i = 251; i <= 330; i++) c.push(["XADD", "s:nodes", `${i}-0`, "f", String(i), "g", "z"]);
  for (let i = 40; i < 60; i++) c.push(["XADD", "s:big", `1-${i}`, "f", "d".repeat(300)]);
  c.push(["XADD", "s:empty", "6-0", "a", "b"]);
  return c;
}

Deno.test("stream DUMP payloads are byte-identical to redis-server's, RESTORE both ways", async () => {
  if (!(await redisAvailable())) {
    console.log("SKIP stream DUMP differential: redis-server is not installed");
    return;
  }
  const dir = await Deno.makeTempDir();
  const redis = await startRedis(dir);
  const rexis = await startServer();
  const r = await RespConn.connect(redis.port);
  const x = await RespConn.connect(rexis.port);
  try {
    await run(r, deterministic());
    await run(x, deterministic());
    for (const key of DET_KEYS) {
      const dr = await r.send("DUMP", key) as string;
      const dx = await x.send("DUMP", key) as string;
      assertEquals(dx === dr, true, `DUMP ${key} differs`);
      assertEquals(await x.send("RESTORE", key + ":r", 0, dr), "OK");
      assertEquals(await streamState(x, key + ":r"), await streamState(r, key), key);
    }
    // Restored streams keep growing as the originals do (node sizes carried over).
    for (const cmd of more()) {
      await r.send(...cmd);
      await x.send(cmd[0], String(cmd[1]) + ":r", ...cmd.slice(2));
    }
    for (const key of DET_KEYS) {
      assertEquals(
        await x.send("DUMP", key + ":r"),
        await r.send("DUMP", key),
        `${key} after XADD`,
      );
    }
    // Payloads with consumers restore into the other server with the same state.
    await run(r, withConsumers());
    for (const key of CG_KEYS) {
      const dr = await r.send("DUMP", key) as string;
      assertEquals(await x.send("RESTORE", key, 0, dr), "OK");
      const dx = await x.send("DUMP", key) as string;
      assertEquals(dx === dr, true, `DUMP of restored ${key} differs`);
      assertEquals(await r.send("RESTORE", key + ":x", 0, dx), "OK");
      assertEquals(await streamState(x, key), await streamState(r, key), key);
      assertEquals(await streamState(r, key + ":x"), await streamState(r, key), key);
    }
    // A corrupted stream payload is refused.
    const bad = (await r.send("DUMP", "s:trim") as string).replace("k", "K");
    const err = await x.send("RESTORE", "bad", 0, bad).catch((e) => String(e));
    assert(String(err).includes("checksum"), String(err));
  } finally {
    r.conn.close();
    x.conn.close();
    await redis.stop();
    await rexis.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("stream RDB files: redis-server 7.0 → Rexis and Rexis → redis-server", async () => {
  if (!(await redisAvailable())) {
    console.log("SKIP stream RDB interop: redis-server is not installed");
    return;
  }
  const dirA = await Deno.makeTempDir();
  const dirB = await Deno.makeTempDir();
  try {
    // Redis writes, Rexis loads.
    let redis = await startRedis(dirA);
    let r = await RespConn.connect(redis.port);
    await run(r, [...deterministic(), ...withConsumers()]);
    const want = await states(r);
    assertEquals(await r.send("SAVE"), "OK");
    r.conn.close();
    await redis.stop();
    let rexis = await startServer(["--dir", dirA, "--enable-debug-command", "yes"]);
    let x = await RespConn.connect(rexis.port);
    assertEquals(await states(x), want);
    // DEBUG RELOAD keeps them.
    assertEquals(await x.send("DEBUG", "RELOAD"), "OK");
    assertEquals(await states(x), want);
    x.conn.close();
    await rexis.stop();

    // Rexis writes, Redis loads.
    rexis = await startServer(["--dir", dirB]);
    x = await RespConn.connect(rexis.port);
    await run(x, [...deterministic(), ...withConsumers()]);
    const wantX = await states(x);
    assertEquals(await x.send("SAVE"), "OK");
    x.conn.close();
    await rexis.stop();
    redis = await startRedis(dirB);
    r = await RespConn.connect(redis.port);
    assertEquals(await states(r), wantX);
    r.conn.close();
    await redis.stop();
  } finally {
    await Deno.remove(dirA, { recursive: true });
    await Deno.remove(dirB, { recursive: true });
  }
});
